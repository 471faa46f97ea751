// Per-policy decision rates from two readings of the cumulative counters (pure, unit-tested).
import type { RateLimitPolicyView } from '@mnemo/contracts';

export interface PolicyRates {
  allowedPerSec: number;
  deniedPerSec: number;
  shadowDeniedPerSec: number;
}

/**
 * Example: policy "api" read at t=0 with allowed 100, denied 5, and at t=2000 with allowed 140,
 * denied 9 → { allowedPerSec: 20, deniedPerSec: 2 }. A policy missing from the earlier reading
 * (new) or whose counters went down (replaced, so reset) gets zero rates.
 */
export function policyRates(previous: readonly RateLimitPolicyView[], current: readonly RateLimitPolicyView[], elapsedMs: number): Map<string, PolicyRates> {
  const before = new Map(previous.map((policy) => [policy.name, policy.counters]));
  const rates = new Map<string, PolicyRates>();
  for (const policy of current) {
    const old = before.get(policy.name);
    const now = policy.counters;
    const usable = old && elapsedMs > 0 && now.allowed >= old.allowed && now.denied >= old.denied && now.shadowDenied >= old.shadowDenied;
    const per = (delta: number) => (usable ? (delta * 1000) / elapsedMs : 0);
    rates.set(policy.name, {
      allowedPerSec: per(now.allowed - (old?.allowed ?? 0)),
      deniedPerSec: per(now.denied - (old?.denied ?? 0)),
      shadowDeniedPerSec: per(now.shadowDenied - (old?.shadowDenied ?? 0)),
    });
  }
  return rates;
}
