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
// window's current window may end before its weighted count lets a request through). An allowed
// answer that took a sliding window's last unit has no Retry-After to go by, and at the window's
// end that window's count still weighs in full; t is then the end of the next window, by which
// the count has decayed away:
//   limit 2 per 10 s, two checks at 5 s into a window -> r=0;t=15 (not t=5: at 10 s it is denied)

import type { RateLimitDecision, RateLimitPolicy } from '@mnemo/contracts';

function seconds(ms: number): number {
  return Math.ceil(Math.max(0, ms) / 1000);
}

/** The `t` of the RateLimit field, in ms (see the design note). */
function untilQuota(policy: RateLimitPolicy, decision: RateLimitDecision): number {
  if (decision.remaining > 0) return decision.resetMs;
  if (!decision.allowed) return Math.max(decision.resetMs, decision.retryAfterMs);
  return policy.algorithm === 'sliding-window' ? decision.resetMs + policy.windowMs : decision.resetMs;
}

/** Header name -> value for a decision made under `policy`. */
export function rateLimitHeaders(policy: RateLimitPolicy, decision: RateLimitDecision): Record<string, string> {
  const name = JSON.stringify(policy.name);
  const headers: Record<string, string> = {
    'RateLimit-Policy': `${name};q=${policy.limit};w=${seconds(policy.windowMs)}`,
    RateLimit: `${name};r=${decision.remaining};t=${seconds(untilQuota(policy, decision))}`,
  };
  if (!decision.allowed) headers['Retry-After'] = String(decision.retryAfterMs < 0 ? seconds(policy.windowMs) : Math.max(1, seconds(decision.retryAfterMs)));
  return headers;
}
