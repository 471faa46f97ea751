// The IETF rate-limit header fields (draft-ietf-httpapi-ratelimit-headers, structured fields):
//
//   RateLimit-Policy: "api";q=100;w=60      quota 100 per 60 s window
//   RateLimit: "api";r=42;t=17              42 left, quota resets in 17 s
//   Retry-After: 3                          (denied answers only) seconds to wait
//
// Seconds are rounded up so a client never retries too early (a 1500 ms window is w=2).
//
// q is the policy's sustained quota per window, `limit` per `windowMs`, for every algorithm: a
// token bucket of limit 10, burst 30 per minute is q=10;w=60 (a client pacing itself at q/w
// stays allowed), although its body's `limit` is the capacity, 30. And t never promises quota
// before it is there: with nothing left, t is at least the wait Retry-After names (a sliding
// window's current window may end before its weighted count lets a request through).

import type { RateLimitDecision, RateLimitPolicy } from '@mnemo/contracts';

function seconds(ms: number): number {
  return Math.ceil(Math.max(0, ms) / 1000);
}

/** Header name -> value for a decision made under `policy`. */
export function rateLimitHeaders(policy: RateLimitPolicy, decision: RateLimitDecision): Record<string, string> {
  const name = JSON.stringify(policy.name);
  const headers: Record<string, string> = {
    'RateLimit-Policy': `${name};q=${policy.limit};w=${seconds(policy.windowMs)}`,
    RateLimit: `${name};r=${decision.remaining};t=${seconds(decision.remaining === 0 ? Math.max(decision.resetMs, decision.retryAfterMs) : decision.resetMs)}`,
  };
  if (!decision.allowed) headers['Retry-After'] = String(decision.retryAfterMs < 0 ? seconds(policy.windowMs) : Math.max(1, seconds(decision.retryAfterMs)));
  return headers;
}
