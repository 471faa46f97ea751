// The IETF rate-limit header fields for each algorithm's decisions.
import type { RateLimitDecision, RateLimitPolicy } from '@mnemo/contracts';
import { evaluate } from './algorithms';
import { rateLimitHeaders } from './ratelimit-headers';

const policy = (fields: Partial<RateLimitPolicy>): RateLimitPolicy => ({
  name: 'p',
  domain: 'default',
  descriptors: [],
  algorithm: 'fixed-window',
  limit: 10,
  windowMs: 60_000,
  shadow: false,
  ...fields,
});

const decision = (fields: Partial<RateLimitDecision>): RateLimitDecision => ({ allowed: true, limit: 10, remaining: 5, resetMs: 10_000, retryAfterMs: 0, ...fields });

describe('rateLimitHeaders', () => {
  it('q is the sustained quota per window for a token bucket or GCRA, not the burst capacity', () => {
    const bucket = policy({ algorithm: 'token-bucket', limit: 10, burst: 30 });
    const first = evaluate(bucket, null, 1_000_000, 1).decision;
    expect(first.limit).toBe(30); // the body reports the capacity
    expect(rateLimitHeaders(bucket, first)['RateLimit-Policy']).toBe('"p";q=10;w=60');
    const gcra = policy({ algorithm: 'gcra', limit: 10, burst: 30 });
    expect(rateLimitHeaders(gcra, evaluate(gcra, null, 1_000_000, 1).decision)['RateLimit-Policy']).toBe('"p";q=10;w=60');
  });

  it('for every algorithm, a client that took the last unit and waits t is allowed again', () => {
    for (const algorithm of ['fixed-window', 'sliding-window', 'token-bucket', 'gcra'] as const) {
      const limited = policy({ algorithm, limit: 2, windowMs: 10_000 });
      for (const offset of [0, 1, 5_000, 9_999]) {
        const now = 1_700_000_000_000 + offset;
        let stored: string | null = null;
        let last: RateLimitDecision | null = null;
        for (let i = 0; i < 2; i++) {
          const step = evaluate(limited, stored, now, 1);
          stored = step.next?.value ?? stored;
          last = step.decision;
        }
        expect({ algorithm, offset, allowed: last?.allowed, remaining: last?.remaining }).toEqual({ algorithm, offset, allowed: true, remaining: 0 });
        const t = Number(/;t=(\d+)$/.exec(rateLimitHeaders(limited, last as RateLimitDecision).RateLimit)?.[1]);
        expect({ algorithm, offset, allowedAfterT: evaluate(limited, stored, now + t * 1000, 1).decision.allowed }).toEqual({ algorithm, offset, allowedAfterT: true });
      }
    }
  });

  it('with nothing left, t is never before Retry-After', () => {
    // A sliding window whose current window ends in 57 s, while the weighted count frees a request only in 63 s.
    const denied = rateLimitHeaders(policy({ algorithm: 'sliding-window' }), decision({ allowed: false, remaining: 0, resetMs: 57_000, retryAfterMs: 63_000 }));
    expect(denied.RateLimit).toBe('"p";r=0;t=63');
    expect(denied['Retry-After']).toBe('63');
    // A token bucket: full again in 60 s, the next token in 6 s: t stays the time to full.
    const bucket = rateLimitHeaders(policy({ algorithm: 'token-bucket' }), decision({ allowed: false, remaining: 0, resetMs: 60_000, retryAfterMs: 6_000 }));
    expect(bucket.RateLimit).toBe('"p";r=0;t=60');
    expect(bucket['Retry-After']).toBe('6');
  });

  it('rounds seconds up and sends Retry-After only when denied', () => {
    const allowed = rateLimitHeaders(policy({ windowMs: 1500 }), decision({ remaining: 3, resetMs: 1200 }));
    expect(allowed).toEqual({ 'RateLimit-Policy': '"p";q=10;w=2', RateLimit: '"p";r=3;t=2' });
  });
});
