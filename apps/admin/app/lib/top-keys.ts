// "Top limited keys": which rate-limit keys were busiest lately, counted from the live keyspace
// stream (every consuming check rewrites the key's state). Pure, unit-tested.

/** Where the HTTP API keeps named-policy state: ratelimit-policy:<policy>:<key>. */
export const POLICY_STATE_PATTERN = 'ratelimit-policy:*';
const POLICY_STATE_PREFIX = 'ratelimit-policy:';

/** "ratelimit-policy:api:customer-1" → { policy: 'api', key: 'customer-1' }; null if not a policy key. Policy names have no ':'. */
export function parsePolicyStateKey(stateKey: string): { policy: string; key: string } | null {
  if (!stateKey.startsWith(POLICY_STATE_PREFIX)) return null;
  const rest = stateKey.slice(POLICY_STATE_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon <= 0 || colon === rest.length - 1) return null;
  return { policy: rest.slice(0, colon), key: rest.slice(colon + 1) };
}

/**
 * Counts events per key in one-second buckets over a sliding window, with a cap on tracked keys
 * (the least recently seen go first), so memory stays bounded under any key cardinality.
 * Example: window 60 s; key a seen 5 times at t=0 s and 3 times at t=30 s → top at t=45 s is
 * [{ key: a, count: 8 }]; at t=75 s only the 3 from t=30 s remain.
 */
export class ActivityCounter {
  private readonly buckets = new Map<string, Map<number, number>>();

  constructor(
    private readonly windowMs = 60_000,
    private readonly maxKeys = 5_000,
  ) {}

  record(key: string, now: number): void {
    const second = Math.floor(now / 1000);
    let perSecond = this.buckets.get(key);
    if (perSecond) {
      this.buckets.delete(key); // re-inserted below: Map order is recency order
    } else {
      perSecond = new Map();
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
    }
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    this.buckets.set(key, perSecond);
  }

  /** The `n` keys with the most events inside the window, busiest first; drops expired buckets. */
  top(n: number, now: number): Array<{ key: string; count: number }> {
    const oldestSecond = Math.floor((now - this.windowMs) / 1000);
    const totals: Array<{ key: string; count: number }> = [];
    for (const [key, perSecond] of this.buckets) {
      let count = 0;
      for (const [second, events] of perSecond) {
        if (second <= oldestSecond) perSecond.delete(second);
        else count += events;
      }
      if (count === 0) this.buckets.delete(key);
      else totals.push({ key, count });
    }
    return totals.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)).slice(0, n);
  }
}
