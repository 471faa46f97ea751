// The engine-backed rate limiter under a fake clock: state keys expire with their window,
// retry-after is exact, batches are all-or-nothing, shadow mode never denies, and a denial holds
// for the time it gives even when a named policy's numbers were edited under a live state
// (keepUntil's design note).

import { Engine, ManualClock } from '@mnemo/engine';
import type { RateLimitParams } from '@mnemo/contracts';
import { LimitCheck, RateLimiter } from './rate-limiter';

const START = 1_700_000_040_000; // a multiple of 2 s and of 60 s

function setup() {
  const clock = new ManualClock(START);
  const engine = new Engine({ clock });
  return { clock, engine, limiter: new RateLimiter(engine, clock) };
}

const check = (params: RateLimitParams, cost = 1, stateKey = 'ratelimit:k'): LimitCheck => ({ stateKey, params, cost });

describe('RateLimiter with a fake clock', () => {
  it('fixed window: denies at the limit, allows again at the boundary; the state key expires with the window', () => {
    const { clock, engine, limiter } = setup();
    const params: RateLimitParams = { algorithm: 'fixed-window', limit: 2, windowMs: 1000 };
    expect(limiter.check(check(params)).decision.allowed).toBe(true);
    expect(limiter.check(check(params)).decision.allowed).toBe(true);
    const denied = limiter.check(check(params)).decision;
    expect(denied).toMatchObject({ allowed: false, retryAfterMs: 1000 });
    expect(engine.keyInfo('ratelimit:k')?.expiresAt).toBe(START + 1000);
    clock.advance(999);
    expect(limiter.check(check(params)).decision.allowed).toBe(false);
    clock.advance(1);
    // The boundary starts a new window (the old state, expiring at this ms, no longer counts)...
    expect(limiter.check(check(params)).decision).toMatchObject({ allowed: true, remaining: 1 });
    // ...and a window's state key is gone once its window is over (Redis: expired when now > at).
    clock.advance(1001);
    expect(engine.keyInfo('ratelimit:k')).toBeNull();
  });

  it('gcra: waiting exactly retryAfterMs is enough, one ms less is not', () => {
    const { clock, limiter } = setup();
    const params: RateLimitParams = { algorithm: 'gcra', limit: 3, windowMs: 3000, burst: 1 };
    expect(limiter.check(check(params)).decision.allowed).toBe(true);
    expect(limiter.check(check(params)).decision.allowed).toBe(true);
    const denied = limiter.check(check(params)).decision;
    expect(denied).toMatchObject({ allowed: false, limit: 2, retryAfterMs: 1000 });
    clock.advance(denied.retryAfterMs - 1);
    expect(limiter.check(check(params)).decision.allowed).toBe(false);
    clock.advance(1);
    expect(limiter.check(check(params)).decision.allowed).toBe(true);
  });

  it('token bucket: refills over time up to the burst', () => {
    const { clock, limiter } = setup();
    const params: RateLimitParams = { algorithm: 'token-bucket', limit: 1, windowMs: 100, burst: 3 };
    expect(limiter.check(check(params, 3)).decision).toMatchObject({ allowed: true, remaining: 0, resetMs: 300 });
    expect(limiter.check(check(params)).decision).toMatchObject({ allowed: false, retryAfterMs: 100 });
    clock.advance(250);
    expect(limiter.check(check(params, 2)).decision).toMatchObject({ allowed: true, remaining: 0 });
    clock.advance(10_000);
    expect(limiter.peek(check(params, 0)).decision.remaining).toBe(3);
  });

  it('sliding window: the previous window still weighs after the boundary', () => {
    const { clock, limiter } = setup();
    const params: RateLimitParams = { algorithm: 'sliding-window', limit: 4, windowMs: 60_000 };
    expect(limiter.check(check(params, 4)).decision.allowed).toBe(true);
    clock.advance(60_000 + 15_000); // 25% into the next window: 4 * 0.75 = 3 still count
    expect(limiter.check(check(params)).decision).toMatchObject({ allowed: true, remaining: 0 });
    expect(limiter.check(check(params)).decision.allowed).toBe(false);
    clock.advance(15_000); // 50%: 4 * 0.5 + 1 = 3
    expect(limiter.check(check(params)).decision.allowed).toBe(true);
  });

  it('batch: consumes nothing unless every check allows', () => {
    const { engine, limiter } = setup();
    const loose = check({ algorithm: 'fixed-window', limit: 10, windowMs: 1000 }, 1, 'ratelimit:a');
    const tight = check({ algorithm: 'fixed-window', limit: 1, windowMs: 1000 }, 1, 'ratelimit:b');
    expect(limiter.batch([loose, tight]).allowed).toBe(true);
    const seq = engine.lastSeq;
    const denied = limiter.batch([loose, tight]);
    expect(denied.allowed).toBe(false);
    expect(denied.outcomes.map((outcome) => outcome.decision.allowed)).toEqual([true, false]);
    expect(denied.outcomes[0].decision.remaining).toBe(9);
    expect(engine.lastSeq).toBe(seq);
    expect(engine.get('ratelimit:a')).toMatch(/\|1$/);
  });

  it('batch: two checks on one key see each other', () => {
    const { limiter } = setup();
    const one = check({ algorithm: 'fixed-window', limit: 1, windowMs: 1000 });
    expect(limiter.batch([one, one]).allowed).toBe(false);
    expect(limiter.batch([one]).allowed).toBe(true);
  });

  it('shadow: reports the denial, never denies, consumes nothing beyond the limit', () => {
    const { limiter } = setup();
    const shadow = { ...check({ algorithm: 'fixed-window', limit: 1, windowMs: 1000 }), shadow: true };
    expect(limiter.check(shadow)).toMatchObject({ shadowDenied: false, decision: { allowed: true } });
    expect(limiter.check(shadow)).toMatchObject({ shadowDenied: true, decision: { allowed: true, remaining: 0, retryAfterMs: 0 } });
  });

  it('reset forgets the state; rawState shows it with its TTL', () => {
    const { clock, limiter } = setup();
    const params: RateLimitParams = { algorithm: 'fixed-window', limit: 1, windowMs: 1000 };
    limiter.check(check(params));
    clock.advance(400);
    expect(limiter.rawState('ratelimit:k')).toEqual({ state: `fw|${START}|1`, ttlMs: 600 });
    expect(limiter.reset('ratelimit:k')).toBe(true);
    expect(limiter.reset('ratelimit:k')).toBe(false);
    expect(limiter.check(check(params)).decision.allowed).toBe(true);
  });

  it('starts fresh when the key holds another algorithm or garbage', () => {
    const { engine, limiter } = setup();
    engine.set('ratelimit:k', 'not a state');
    expect(limiter.check(check({ algorithm: 'gcra', limit: 2, windowMs: 1000 })).decision).toMatchObject({ allowed: true, remaining: 1 });
    expect(limiter.check(check({ algorithm: 'fixed-window', limit: 2, windowMs: 1000 })).decision).toMatchObject({ allowed: true, remaining: 1 });
  });
});

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
