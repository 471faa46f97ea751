// Rate-limit algorithms against their definitions: window boundaries, burst, refill, and GCRA
// against redis-cell's own test table and a transcription of its algorithm in integer ns.

import type { RateLimitParams } from '@mnemo/contracts';
import { evaluate, Evaluation } from './algorithms';

/** Runs checks in sequence, storing what each allowed check consumed (as the RateLimiter does). */
class Sequence {
  stored: string | null = null;
  constructor(private readonly params: RateLimitParams) {}

  at(now: number, cost = 1): Evaluation['decision'] {
    const evaluation = evaluate(this.params, this.stored, now, cost);
    if (evaluation.next) this.stored = evaluation.next.value;
    return evaluation.decision;
  }
}

const T0 = 1_700_000_040_000; // a multiple of 1000 and 60000

describe('fixed window', () => {
  const params: RateLimitParams = { algorithm: 'fixed-window', limit: 3, windowMs: 1000 };

  it('allows limit requests per aligned window and denies the next until the boundary', () => {
    const s = new Sequence(params);
    expect(s.at(T0 + 100)).toEqual({ allowed: true, limit: 3, remaining: 2, resetMs: 900, retryAfterMs: 0 });
    expect(s.at(T0 + 200).remaining).toBe(1);
    expect(s.at(T0 + 999).remaining).toBe(0);
    expect(s.at(T0 + 999)).toEqual({ allowed: false, limit: 3, remaining: 0, resetMs: 1, retryAfterMs: 1 });
    // The boundary starts a fresh window.
    expect(s.at(T0 + 1000)).toEqual({ allowed: true, limit: 3, remaining: 2, resetMs: 1000, retryAfterMs: 0 });
  });

  it('counts cost and never allows a cost above the limit (retryAfterMs -1)', () => {
    const s = new Sequence(params);
    expect(s.at(T0, 2).remaining).toBe(1);
    expect(s.at(T0, 2)).toMatchObject({ allowed: false, remaining: 1, retryAfterMs: 1000 });
    expect(s.at(T0, 4)).toMatchObject({ allowed: false, retryAfterMs: -1 });
    expect(s.at(T0, 1)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('stores state that expires at the end of the window, and writes nothing when denied', () => {
    const first = evaluate(params, null, T0 + 10, 3);
    expect(first.next).toEqual({ value: `fw|${T0}|3`, expiresAt: T0 + 1000 });
    expect(evaluate(params, first.next?.value ?? null, T0 + 20, 1).next).toBeNull();
    expect(evaluate(params, null, T0, 0).next).toBeNull();
  });
});

describe('sliding window (two-window weighted counter)', () => {
  const params: RateLimitParams = { algorithm: 'sliding-window', limit: 10, windowMs: 60_000 };

  it('weights the previous window by the part of it still inside the sliding window', () => {
    // Worked example of algorithms.ts: previous 8, current 3, 30 s into the window -> estimate 7.
    const stored = `sw|${T0 + 60_000}|8|3`;
    const evaluation = evaluate(params, stored, T0 + 90_000, 1);
    expect(evaluation.decision).toEqual({ allowed: true, limit: 10, remaining: 2, resetMs: 30_000, retryAfterMs: 0 });
    expect(evaluation.next).toEqual({ value: `sw|${T0 + 60_000}|8|4`, expiresAt: T0 + 180_000 });
  });

  it('turns the current window into the previous one at the boundary, and forgets older ones', () => {
    const stored = `sw|${T0}|0|10`;
    expect(evaluate(params, stored, T0 + 59_999, 1).decision.allowed).toBe(false);
    // Just after the boundary the previous 10 weigh almost fully.
    expect(evaluate(params, stored, T0 + 60_000, 1).decision.allowed).toBe(false);
    // Half-way through the next window: 10 * 0.5 = 5 -> 5 more fit.
    expect(evaluate(params, stored, T0 + 90_000, 5).decision).toMatchObject({ allowed: true, remaining: 0 });
    expect(evaluate(params, stored, T0 + 90_000, 6).decision.allowed).toBe(false);
    // Two windows later nothing counts.
    expect(evaluate(params, stored, T0 + 120_000, 10).decision.allowed).toBe(true);
  });

  it('gives the exact first instant at which a denied cost is allowed (retryAfterMs)', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 300; i++) {
      const previous = Math.floor(random() * 12);
      const current = Math.floor(random() * 11);
      const cost = 1 + Math.floor(random() * 4);
      const now = T0 + 60_000 + Math.floor(random() * 60_000);
      const stored = `sw|${T0 + 60_000}|${previous}|${current}`;
      const { decision } = evaluate(params, stored, now, cost);
      if (decision.allowed) continue;
      expect(decision.retryAfterMs).toBeGreaterThan(0);
      expect(evaluate(params, stored, now + decision.retryAfterMs, cost).decision.allowed).toBe(true);
      expect(evaluate(params, stored, now + decision.retryAfterMs - 1, cost).decision.allowed).toBe(false);
    }
  });
});

describe('token bucket', () => {
  const params: RateLimitParams = { algorithm: 'token-bucket', limit: 10, windowMs: 1000, burst: 5 };

  it('starts full at the burst capacity and refills continuously at limit per window', () => {
    const s = new Sequence(params);
    for (let i = 4; i >= 0; i--) expect(s.at(T0)).toMatchObject({ allowed: true, limit: 5, remaining: i });
    // 10 tokens/s: one token every 100 ms.
    expect(s.at(T0 + 50)).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 50 });
    expect(s.at(T0 + 100)).toMatchObject({ allowed: true, remaining: 0 });
    // Refill stops at the capacity: after 10 s there are 5 tokens, not 100.
    expect(s.at(T0 + 10_100, 5)).toMatchObject({ allowed: true, remaining: 0 });
    expect(s.at(T0 + 10_100, 1).allowed).toBe(false);
  });

  it('reports the time until full as resetMs and -1 for a cost above capacity', () => {
    const s = new Sequence(params);
    expect(s.at(T0, 3)).toMatchObject({ allowed: true, remaining: 2, resetMs: 300 });
    expect(s.at(T0, 6)).toMatchObject({ allowed: false, retryAfterMs: -1 });
    expect(s.at(T0, 3)).toMatchObject({ allowed: false, retryAfterMs: 100 });
  });

  it('defaults the capacity to the limit', () => {
    const s = new Sequence({ algorithm: 'token-bucket', limit: 3, windowMs: 3000 });
    expect(s.at(T0, 3)).toMatchObject({ allowed: true, limit: 3, remaining: 0, resetMs: 3000 });
    expect(s.at(T0 + 999).allowed).toBe(false);
    expect(s.at(T0 + 1000).allowed).toBe(true);
  });
});

/**
 * redis-cell's RateLimiter::rate_limit transcribed in integer nanoseconds (BigInt), with its
 * store semantics (the key expires at tat). Returns CL.THROTTLE's fields before the seconds
 * rounding: limited, limit, remaining, retry_after ns (-1 s when not set), reset_after ns.
 */
class RedisCellReference {
  private tat: bigint | null = null;
  constructor(
    private readonly maxBurst: number,
    private readonly count: number,
    private readonly periodMs: number,
  ) {}

  throttle(nowMs: number, quantity: number) {
    const now = BigInt(nowMs) * 1_000_000n;
    if (this.tat !== null && this.tat <= now) this.tat = null; // expired key
    const emission = (BigInt(this.periodMs) * 1_000_000n) / BigInt(this.count);
    const dvt = emission * BigInt(this.maxBurst + 1);
    const increment = emission * BigInt(quantity);
    const tat = this.tat ?? now;
    const newTat = now > tat ? now + increment : tat + increment;
    const diff = now - (newTat - dvt);
    let limited: boolean;
    let retryAfter = -1_000_000_000n;
    let ttl: bigint;
    if (diff < 0n) {
      if (increment <= dvt) retryAfter = -diff;
      limited = true;
      ttl = tat - now;
    } else {
      ttl = newTat - now;
      limited = false;
      this.tat = newTat;
    }
    const next = dvt - ttl;
    let remaining = 0;
    if (next > -emission) remaining = Math.trunc(Number(next / 1000n) / Number(emission / 1000n));
    return { limited, limit: this.maxBurst + 1, remaining, retryAfterNs: retryAfter, resetAfterNs: ttl };
  }
}

describe('GCRA = redis-cell CL.THROTTLE', () => {
  it("passes redis-cell's own test table (max_burst 4, 1 per second)", () => {
    const s = new Sequence({ algorithm: 'gcra', limit: 1, windowMs: 1000, burst: 4 });
    // (now offset ms, quantity, remaining, reset_after ms, retry_after ms or -1, limited) from it_rate_limits
    const cases: Array<[number, number, number, number, number, boolean]> = [
      [0, 6, 5, 0, -1, true],
      [0, 1, 4, 1000, -1, false],
      [0, 1, 3, 2000, -1, false],
      [0, 1, 2, 3000, -1, false],
      [0, 1, 1, 4000, -1, false],
      [0, 1, 0, 5000, -1, false],
      [0, 1, 0, 5000, 1000, true],
      [3000, 1, 2, 3000, -1, false],
      [3100, 1, 1, 3900, -1, false],
      [4000, 1, 1, 4000, -1, false],
      [8000, 1, 4, 1000, -1, false],
      [9500, 1, 4, 1000, -1, false],
      [9500, 0, 4, 1000, -1, false],
      [9500, 2, 2, 3000, -1, false],
      [9500, 5, 2, 3000, 3000, true],
    ];
    cases.forEach(([offset, quantity, remaining, resetAfter, retryAfter, limited]) => {
      const decision = s.at(T0 + offset, quantity);
      expect({ offset, quantity, ...decision }).toEqual({
        offset,
        quantity,
        allowed: !limited,
        limit: 5,
        remaining,
        resetMs: resetAfter,
        // redis-cell: -1 when allowed or impossible; ours: 0 when allowed, -1 when impossible.
        retryAfterMs: limited ? retryAfter : 0,
      });
    });
  });

  it("answers the README's example: CL.THROTTLE user123 15 30 60 -> 0 16 15 -1 2", () => {
    const { decision } = evaluate({ algorithm: 'gcra', limit: 30, windowMs: 60_000, burst: 15 }, null, T0, 1);
    expect([decision.allowed ? 0 : 1, decision.limit, decision.remaining, decision.allowed ? -1 : Math.ceil(decision.retryAfterMs / 1000), Math.ceil(decision.resetMs / 1000)]).toEqual([0, 16, 15, -1, 2]);
  });

  it('defaults max_burst to limit - 1, so the reported limit is the limit', () => {
    const s = new Sequence({ algorithm: 'gcra', limit: 10, windowMs: 1000 });
    for (let i = 0; i < 10; i++) expect(s.at(T0).allowed).toBe(true);
    expect(s.at(T0)).toMatchObject({ allowed: false, limit: 10, retryAfterMs: 100 });
    expect(s.at(T0 + 100).allowed).toBe(true);
  });

  it.each([
    [9, 60_000],
    [7, 1000],
    [6, 1000],
    [14, 60_000],
    [3, 1000],
    [1000, 7],
  ])('is exact on the burst edge with a fractional emission interval: %i per %i ms', (limit, windowMs) => {
    const now = 1_795_813_638_181; // an instant of these years: a double resolves 2^-12 ms there
    const s = new Sequence({ algorithm: 'gcra', limit, windowMs });
    for (let i = 1; i <= limit; i++) expect({ i, ...s.at(now) }).toMatchObject({ i, allowed: true, remaining: limit - i });
    const denied = s.at(now);
    expect(denied).toMatchObject({ allowed: false, remaining: 0 });
    // Waiting what it says is enough, and a ms less is not (when a ms less is still in the future).
    if (denied.retryAfterMs > 1) expect(s.at(now + denied.retryAfterMs - 1).allowed).toBe(false);
    expect(s.at(now + denied.retryAfterMs).allowed).toBe(true);
    // A fresh key: one check leaves limit - 1, and then a cost of limit - 1 still fits.
    const fresh = new Sequence({ algorithm: 'gcra', limit, windowMs });
    expect(fresh.at(now + 5).remaining).toBe(limit - 1);
    expect(fresh.at(now + 5, limit - 1)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it.each([
    [1_000_000, 1000, 500_000],
    [100_000, 1000, 50_000],
    [2_000_000, 1000, 1_000_000],
  ])('admits the configured rate at high rates: %i per %i ms', (limit, windowMs, remainingAfterHalf) => {
    const s = new Sequence({ algorithm: 'gcra', limit, windowMs });
    expect(s.at(T0, limit)).toMatchObject({ allowed: true, remaining: 0, resetMs: windowMs });
    expect(s.at(T0, 1)).toMatchObject({ allowed: false, retryAfterMs: 1 });
    expect(s.at(T0 + windowMs / 2, 0)).toMatchObject({ allowed: true, remaining: remainingAfterHalf, resetMs: windowMs / 2 });
    expect(s.at(T0 + windowMs / 2, remainingAfterHalf)).toMatchObject({ allowed: true, remaining: 0 });
    expect(s.at(T0 + windowMs / 2, 1).allowed).toBe(false);
  });

  it('rounds the emission interval up to a whole ns: 3M per second is 334 ns, 0.2 % slower', () => {
    expect(new Sequence({ algorithm: 'gcra', limit: 3_000_000, windowMs: 1000 }).at(T0, 3_000_000)).toMatchObject({ allowed: true, resetMs: 1002 });
  });

  it('stores tat in whole ns, and reads a state stored in ms by earlier versions', () => {
    const { next } = evaluate({ algorithm: 'gcra', limit: 3, windowMs: 1000 }, null, T0, 1);
    expect(next).toEqual({ value: `gcra|${BigInt(T0) * 1_000_000n + 333_333_334n}`, expiresAt: T0 + 334 });
    const fromMs = evaluate({ algorithm: 'gcra', limit: 10, windowMs: 1000 }, `gcra|${T0 + 500.5}`, T0, 0);
    expect(fromMs.decision).toMatchObject({ allowed: true, remaining: 4, resetMs: 501 });
    for (const bad of ['gcra|-5', 'gcra|x', 'gcra|', 'gcra|1e400', `gcra|${'9'.repeat(41)}`]) {
      expect(evaluate({ algorithm: 'gcra', limit: 10, windowMs: 1000 }, bad, T0, 0).decision.remaining).toBe(10);
    }
  });

  it('reads a tat of 21 digits and more (a day with a burst of millions), not as a fresh limit', () => {
    const day = new Sequence({ algorithm: 'gcra', limit: 1, windowMs: 86_400_000, burst: 2_000_000 });
    expect(day.at(T0, 1_500_000)).toMatchObject({ allowed: true, remaining: 500_001 });
    expect(day.stored?.length).toBeGreaterThan('gcra|'.length + 20);
    expect(day.at(T0 + 1, 1_500_000)).toMatchObject({ allowed: false, remaining: 500_001 });
    expect(day.at(T0 + 2, 500_001)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('matches a transcription of redis-cell on random sequences', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const [maxBurst, count, periodMs] of [
      [4, 1, 1000],
      [15, 30, 60_000],
      [0, 10, 1000],
      [9, 5, 2000],
    ]) {
      const reference = new RedisCellReference(maxBurst, count, periodMs);
      const s = new Sequence({ algorithm: 'gcra', limit: count, windowMs: periodMs, burst: maxBurst });
      let now = T0;
      for (let i = 0; i < 400; i++) {
        now += Math.floor(random() * random() * periodMs);
        const quantity = Math.floor(random() * 3);
        const expected = reference.throttle(now, quantity);
        const decision = s.at(now, quantity);
        expect({ i, allowed: decision.allowed, limit: decision.limit, remaining: decision.remaining, resetMs: decision.resetMs }).toEqual({
          i,
          allowed: !expected.limited,
          limit: expected.limit,
          remaining: expected.remaining,
          resetMs: Number(expected.resetAfterNs / 1_000_000n),
        });
        if (expected.limited) {
          const retry = expected.retryAfterNs < 0n ? -1 : Number(expected.retryAfterNs / 1_000_000n);
          expect({ i, retry: decision.retryAfterMs }).toEqual({ i, retry });
        }
      }
    }
  });
});

describe('stored state parsing', () => {
  const params: RateLimitParams = { algorithm: 'sliding-window', limit: 10, windowMs: 60_000 };
  it.each([
    ['garbage', 'nonsense'],
    ['another algorithm', `fw|${T0}|3`],
    ['too few fields', `sw|${T0}|3`],
    ['too many fields', `sw|${T0}|3|4|5`],
    ['a non-number', `sw|${T0}|x|4`],
    ['an empty field', `sw|${T0}||4`],
    ['a prefix only', 'swx|1|2|3'],
  ])('treats %s as a fresh state', (_name, stored) => {
    expect(evaluate(params, stored, T0 + 1000, 10).decision.allowed).toBe(true);
    expect(evaluate(params, stored, T0 + 1000, 11).decision.allowed).toBe(false);
  });

  it('reads a well-formed state', () => {
    expect(evaluate(params, `sw|${T0}|0|7`, T0 + 1000, 1).decision.remaining).toBe(2);
  });
});
