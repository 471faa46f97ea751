// Rate-limit algorithms as pure functions: (parameters, stored state, now, cost) -> a decision
// and, when something is consumed, the next state to store with its expiry.
//
// Design note. Each limit keeps one string in the engine, so it persists, expires and is
// evicted like any key and can be read over RESP (`GET ratelimit:<key>`):
//
//   fixed-window    "fw|<windowStart>|<count>"              expires at windowStart + window
//   sliding-window  "sw|<windowStart>|<previous>|<current>" expires at windowStart + 2 windows
//   token-bucket    "tb|<tokens>|<updatedAt>"               expires when the bucket is full again
//   gcra            "gcra|<tat in ns>"                      expires at tat (the bucket is empty)
//
// A state of another algorithm, an unparsable one (or one with a negative number, which only a
// hand-written state has) or a missing key means "fresh". A denied
// check (or cost 0) writes nothing: nothing is consumed, and the keyspace and log stay quiet.
//
// Worked example, sliding window, limit 10 per 60 s, now = 90 s (window [60 s, 120 s), 30 s in):
// previous window counted 8, current 3 -> estimate = 8 * (60 - 30) / 60 + 3 = 7; a cost of 1
// is allowed (7 + 1 <= 10), remaining = floor(10 - 8) = 2.
//
// GCRA follows redis-cell's CL.THROTTLE exactly (brandur/redis-cell, RateLimiter::rate_limit):
// emission interval T = period / count, delay variation tolerance τ = T * (max_burst + 1),
// limit = max_burst + 1. Our `limit` is count per `windowMs`; `burst` is max_burst and defaults
// to limit - 1, so by default the reported limit equals `limit`. CL.THROTTLE key 15 30 60 is
// { algorithm: 'gcra', burst: 15, limit: 30, windowMs: 60000 }. redis-cell answers in seconds
// rounded up and -1 for "allowed"; we answer in ms (retryAfterMs 0 when allowed).

import type { RateLimitDecision, RateLimitParams } from '@mnemo/contracts';

export interface NextState {
  value: string;
  /** Absolute expiry in ms since epoch. */
  expiresAt: number;
}

export interface Evaluation {
  decision: RateLimitDecision;
  /** The state to store, or null when nothing changes (denied, or cost 0). */
  next: NextState | null;
  /**
   * On a denial that the stored state decided: when that state must expire at the earliest under
   * the numbers in force, so that the answer holds (see keepUntil in rate-limiter.ts). Absent
   * otherwise.
   */
  keepUntil?: number;
}

/** Tolerance for float error in divisions (rates like 1000 ms / 3). */
const EPSILON = 1e-9;

/**
 * Parses "<tag>|n1|...|n<count>" into its numbers; null when missing, of another algorithm or
 * malformed. (Hand-rolled: it runs on every check.)
 */
function fields(stored: string | null, tag: string, count: number): number[] | null {
  if (stored === null || !stored.startsWith(tag) || stored.charCodeAt(tag.length) !== 124 /* | */) return null;
  const numbers: number[] = [];
  let start = tag.length + 1;
  for (let i = 0; i < count; i++) {
    const end = i === count - 1 ? stored.length : stored.indexOf('|', start);
    if (end === -1 || end === start) return null;
    const value = Number(stored.slice(start, end));
    // Every field (instants, counts, tokens) is >= 0: anything else was not written by Mnemo.
    if (!Number.isFinite(value) || value < 0) return null;
    numbers.push(value);
    start = end + 1;
  }
  // The last number ran to the end of the string, so an extra "|x" made it NaN above.
  return numbers;
}

function ceilMs(ms: number): number {
  return Math.max(0, Math.ceil(ms - EPSILON));
}

/** Fixed window: windows aligned on multiples of windowMs since the epoch; at most `limit` per window. */
export function fixedWindow(params: RateLimitParams, stored: string | null, now: number, cost: number): Evaluation {
  const { limit, windowMs } = params;
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const state = fields(stored, 'fw', 2);
  const count = state && state[0] === windowStart ? state[1] : 0;
  const resetMs = windowStart + windowMs - now;
  const allowed = count + cost <= limit;
  if (!allowed) {
    return {
      decision: { allowed, limit, remaining: Math.max(0, limit - count), resetMs, retryAfterMs: cost > limit ? -1 : resetMs },
      next: null,
      keepUntil: count > 0 ? windowStart + windowMs : undefined,
    };
  }
  const used = count + cost;
  return {
    decision: { allowed, limit, remaining: limit - used, resetMs, retryAfterMs: 0 },
    next: cost === 0 ? null : { value: `fw|${windowStart}|${used}`, expiresAt: windowStart + windowMs },
  };
}

/**
 * Sliding window, two-window weighted counter (Cloudflare's): the estimate at `now` is
 * previous * (1 - elapsed / window) + current. Allowed when estimate + cost <= limit.
 * retryAfterMs is the first instant at which the same cost would be allowed.
 */
export function slidingWindow(params: RateLimitParams, stored: string | null, now: number, cost: number): Evaluation {
  const { limit, windowMs } = params;
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const state = fields(stored, 'sw', 3);
  let previous = 0;
  let current = 0;
  const inThisWindow = state !== null && state[0] === windowStart;
  const inLastWindow = state !== null && state[0] === windowStart - windowMs;
  if (inThisWindow) [previous, current] = [state[1], state[2]];
  else if (inLastWindow) previous = state[2];
  const elapsed = now - windowStart;
  const estimate = (previous * (windowMs - elapsed)) / windowMs + current;
  const resetMs = windowStart + windowMs - now;
  if (estimate + cost <= limit + EPSILON) {
    return {
      decision: { allowed: true, limit, remaining: Math.max(0, Math.floor(limit - estimate - cost + EPSILON)), resetMs, retryAfterMs: 0 },
      next: cost === 0 ? null : { value: `sw|${windowStart}|${previous}|${current + cost}`, expiresAt: windowStart + 2 * windowMs },
    };
  }
  let retryAfterMs: number;
  if (cost > limit) retryAfterMs = -1;
  else if (current + cost <= limit) {
    // Still in this window, once the previous window's weight has decayed enough.
    retryAfterMs = ceilMs(windowStart + windowMs - ((limit - current - cost) * windowMs) / previous - now);
  } else {
    // In the next window, once this window's count (then "previous") has decayed enough.
    const into = current > 0 ? Math.max(0, windowMs - ((limit - cost) * windowMs) / current) : 0;
    retryAfterMs = ceilMs(windowStart + windowMs + into - now);
  }
  return {
    decision: { allowed: false, limit, remaining: Math.max(0, Math.floor(limit - estimate + EPSILON)), resetMs, retryAfterMs },
    next: null,
    keepUntil: inThisWindow || inLastWindow ? (state as number[])[0] + 2 * windowMs : undefined,
  };
}

/**
 * Token bucket: capacity `burst` (default `limit`) tokens, refilled continuously at `limit`
 * tokens per `windowMs`; a request takes `cost` tokens. A fresh bucket is full.
 */
export function tokenBucket(params: RateLimitParams, stored: string | null, now: number, cost: number): Evaluation {
  const capacity = params.burst ?? params.limit;
  const ratePerMs = params.limit / params.windowMs;
  const state = fields(stored, 'tb', 2);
  const tokens = state ? Math.min(capacity, state[0] + Math.max(0, now - state[1]) * ratePerMs) : capacity;
  if (tokens + EPSILON >= cost) {
    const left = Math.max(0, tokens - cost);
    const resetMs = ceilMs((capacity - left) / ratePerMs);
    return {
      decision: { allowed: true, limit: capacity, remaining: Math.floor(left + EPSILON), resetMs, retryAfterMs: 0 },
      next: cost === 0 ? null : { value: `tb|${left}|${now}`, expiresAt: now + Math.max(1, resetMs) },
    };
  }
  return {
    decision: {
      allowed: false,
      limit: capacity,
      remaining: Math.floor(tokens + EPSILON),
      resetMs: ceilMs((capacity - tokens) / ratePerMs),
      retryAfterMs: cost > capacity ? -1 : ceilMs((cost - tokens) / ratePerMs),
    },
    next: null,
    // From the state alone, as its write computed its expiry: the same instant unless the numbers changed.
    keepUntil: state ? state[1] + Math.max(1, ceilMs((capacity - state[0]) / ratePerMs)) : undefined,
  };
}

/*
 * GCRA counts in integer nanoseconds (BigInt), as redis-cell does in i64. Design note: instants
 * are ms since the epoch (~1.8e12), where a double resolves only 2^-12 ms, so float sums of the
 * emission interval T drift and a check on the burst's edge fell on the wrong side; an earlier
 * fix put T on a 2^-10 ms grid, which was exact but rounded T = 1 µs (a million a second) up to
 * 1.95 µs and admitted half the configured rate. In whole ns every sum is exact at any rate a
 * limit can name (at most 1e9 per ms). T is rounded up to a whole ns, so the rate is never above
 * the configured one (redis-cell truncates instead): 1000 / 3 ms -> 333,333,334 ns.
 *
 * The stored state is "gcra|<tat in ns>". A state written before this change holds tat in ms (a
 * decimal under 1e15) and is read as such.
 */
const NS_PER_MS = 1_000_000n;
const MS_STATE_BELOW = 1e15;
const MS_STATE_BELOW_NS = BigInt(MS_STATE_BELOW);

function msToNs(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * NS_PER_MS + BigInt(Math.round((ms - whole) * 1e6));
}

/** ceil(ns / 1e6) for ns >= 0, as a number of ms. */
function nsToCeilMs(ns: bigint): number {
  return ns <= 0n ? 0 : Number((ns + NS_PER_MS - 1n) / NS_PER_MS);
}

/** The stored tat in ns, or null for a missing, foreign or malformed state. */
function storedTatNs(stored: string | null): bigint | null {
  if (stored === null || !stored.startsWith('gcra|')) return null;
  const text = stored.slice(5);
  // Up to 40 digits: a tat far in the future (a day's limit with a burst of millions) has 21 or
  // more, and a 20-digit cap read it as foreign, i.e. a fresh limit.
  if (/^\d{1,40}$/.test(text)) {
    const ns = BigInt(text);
    return ns < MS_STATE_BELOW_NS ? msToNs(Number(text)) : ns;
  }
  const ms = fields(stored, 'gcra', 1);
  return ms && ms[0] < MS_STATE_BELOW ? msToNs(ms[0]) : null;
}

/** GCRA, the same decision as redis-cell's CL.THROTTLE (see the design notes). */
export function gcra(params: RateLimitParams, stored: string | null, now: number, cost: number): Evaluation {
  const maxBurst = params.burst ?? params.limit - 1;
  const periodNs = BigInt(params.windowMs) * NS_PER_MS;
  const count = BigInt(params.limit);
  const emission = (periodNs + count - 1n) / count;
  const tolerance = emission * BigInt(maxBurst + 1);
  const limit = maxBurst + 1;
  const nowNs = msToNs(now);
  const storedTat = storedTatNs(stored);
  const tat = storedTat !== null && storedTat > nowNs ? storedTat : nowNs;
  const increment = emission * BigInt(cost);
  const newTat = tat + increment;
  const diff = nowNs - (newTat - tolerance);
  const remainingFor = (ttl: bigint): number => {
    const next = tolerance - ttl;
    return next > 0n ? Number(next / emission) : 0;
  };
  if (diff < 0n) {
    const ttl = tat - nowNs;
    return {
      decision: { allowed: false, limit, remaining: remainingFor(ttl), resetMs: nsToCeilMs(ttl), retryAfterMs: increment <= tolerance ? nsToCeilMs(-diff) : -1 },
      next: null,
    };
  }
  const ttl = newTat - nowNs;
  return {
    decision: { allowed: true, limit, remaining: remainingFor(ttl), resetMs: nsToCeilMs(ttl), retryAfterMs: 0 },
    next: cost === 0 ? null : { value: `gcra|${newTat}`, expiresAt: nsToCeilMs(newTat) },
  };
}

const ALGORITHMS = {
  'fixed-window': fixedWindow,
  'sliding-window': slidingWindow,
  'token-bucket': tokenBucket,
  gcra,
} as const;

/** Evaluates a check of `cost` units at `now` against the stored state (see the design note). */
export function evaluate(params: RateLimitParams, stored: string | null, now: number, cost: number): Evaluation {
  return ALGORITHMS[params.algorithm](params, stored, now, cost);
}
