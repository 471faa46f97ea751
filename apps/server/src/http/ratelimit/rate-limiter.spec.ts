// RateLimiter on a real engine with a manual clock: a denial holds for the time it gives even
// when a named policy's numbers were edited under a live state (keepUntil's design note).

import type { RateLimitParams } from '@mnemo/contracts';
import { Engine, ManualClock } from '@mnemo/engine';
import { RateLimiter } from './rate-limiter';

const T0 = 1_700_000_040_000; // a multiple of 1000, 2000 and 60000

function setup() {
  const clock = new ManualClock(T0);
  const engine = new Engine({ clock });
  return { clock, engine, limiter: new RateLimiter(engine, clock) };
}

/** Checks of cost 1 against `params` until one is denied; returns how many were allowed. */
function drain(limiter: RateLimiter, params: RateLimitParams, stateKey = 'ratelimit-policy:p:k'): number {
  let allowed = 0;
  while (limiter.check({ stateKey, params, cost: 1 }).decision.allowed) allowed++;
  return allowed;
}

describe.each<[string, RateLimitParams, RateLimitParams]>([
  ['fixed-window', { algorithm: 'fixed-window', limit: 3, windowMs: 1000 }, { algorithm: 'fixed-window', limit: 3, windowMs: 2000 }],
  ['sliding-window', { algorithm: 'sliding-window', limit: 3, windowMs: 1000 }, { algorithm: 'sliding-window', limit: 3, windowMs: 2000 }],
  ['token-bucket', { algorithm: 'token-bucket', limit: 3, windowMs: 1000 }, { algorithm: 'token-bucket', limit: 3, windowMs: 60_000 }],
  // (GCRA's state expires at its tat, the same instant under any numbers.)
])('%s, numbers edited under a live state', (_name, before, after) => {
  it('denies until the time its denial gave, not until the old numbers let the state go', () => {
    const { clock, limiter } = setup();
    expect(drain(limiter, before)).toBe(3);
    clock.advance(100);
    const denial = limiter.check({ stateKey: 'ratelimit-policy:p:k', params: after, cost: 1 }).decision;
    expect(denial.allowed).toBe(false);
    expect(denial.retryAfterMs).toBeGreaterThan(1000);
    // Past the old numbers' expiry and short of the promised time: still denied.
    clock.advance(denial.retryAfterMs - 1);
    expect(limiter.check({ stateKey: 'ratelimit-policy:p:k', params: after, cost: 1 }).decision.allowed).toBe(false);
    clock.advance(1);
    expect(limiter.check({ stateKey: 'ratelimit-policy:p:k', params: after, cost: 1 }).decision.allowed).toBe(true);
  });
});

describe('a denial under unchanged numbers', () => {
  it('writes no record (the expiry already lasts long enough)', () => {
    const { engine, limiter } = setup();
    for (const params of [
      { algorithm: 'fixed-window', limit: 2, windowMs: 1000 },
      { algorithm: 'sliding-window', limit: 2, windowMs: 1000 },
      { algorithm: 'token-bucket', limit: 2, windowMs: 1000 },
      { algorithm: 'gcra', limit: 2, windowMs: 1000 },
    ] as RateLimitParams[]) {
      const stateKey = `ratelimit:${params.algorithm}`;
      drain(limiter, params, stateKey);
      const seq = engine.lastSeq;
      for (let i = 0; i < 5; i++) expect(limiter.check({ stateKey, params, cost: 1 }).decision.allowed).toBe(false);
      expect(limiter.batch([{ stateKey, params, cost: 1 }]).allowed).toBe(false);
      expect(engine.lastSeq).toBe(seq);
    }
  });

  it('writes no record for a token bucket just full again, nor for a cost above capacity, nor in a denied batch', () => {
    const { clock, engine, limiter } = setup();
    const params: RateLimitParams = { algorithm: 'token-bucket', limit: 1, windowMs: 5 };
    const stateKey = 'ratelimit:tb';
    expect(limiter.check({ stateKey, params, cost: 1 }).decision.allowed).toBe(true);
    const seq = engine.lastSeq;
    // Through the state's last millisecond (it expires 5 ms after its write, full again then).
    for (let ms = 0; ms <= 5; ms++) {
      expect(limiter.check({ stateKey, params, cost: 2 }).decision.allowed).toBe(false); // above capacity
      clock.advance(1);
    }
    expect(engine.lastSeq).toBe(seq);
    const roomy: RateLimitParams = { algorithm: 'token-bucket', limit: 5, windowMs: 1000 };
    expect(limiter.check({ stateKey: 'ratelimit:tb5', params: roomy, cost: 1 }).decision.allowed).toBe(true);
    const before = engine.lastSeq;
    expect(limiter.batch([{ stateKey: 'ratelimit:tb5', params: roomy, cost: 1 }, { stateKey: 'ratelimit:tb5', params: roomy, cost: 5 }]).allowed).toBe(false);
    expect(engine.lastSeq).toBe(before);
  });
});
