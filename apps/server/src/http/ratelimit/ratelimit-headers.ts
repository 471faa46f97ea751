// The IETF rate-limit header fields (draft-ietf-httpapi-ratelimit-headers, structured fields):
//
//   RateLimit-Policy: "api";q=100;w=60      quota 100 per 60 s window
//   RateLimit: "api";r=42;t=17              42 left, quota resets in 17 s
//   Retry-After: 3                          (denied answers only) seconds to wait
//
// Seconds are rounded up so a client never retries too early.

import type { RateLimitDecision, RateLimitPolicy } from '@mnemo/contracts';

function seconds(ms: number): number {
  return Math.ceil(Math.max(0, ms) / 1000);
}

/** Header name -> value for a decision made under `policy`. */
export function rateLimitHeaders(policy: RateLimitPolicy, decision: RateLimitDecision): Record<string, string> {
  const name = JSON.stringify(policy.name);
  const headers: Record<string, string> = {
    'RateLimit-Policy': `${name};q=${decision.limit};w=${seconds(policy.windowMs)}`,
    RateLimit: `${name};r=${decision.remaining};t=${seconds(decision.resetMs)}`,
  };
  if (!decision.allowed) headers['Retry-After'] = String(decision.retryAfterMs < 0 ? seconds(policy.windowMs) : Math.max(1, seconds(decision.retryAfterMs)));
  return headers;
}
