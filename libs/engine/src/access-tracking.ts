// Per-key access tracking: the LRU clock's resolution and which metadata each eviction policy keeps.

import type { EvictionPolicy } from './options';

/**
 * LRU clock resolution. Design note: the LRU stamp is a hybrid logical clock,
 * max(previous + 1, msSinceStart * 4096): it orders accesses exactly (so sampled LRU is not
 * blinded when thousands of accesses share one millisecond, as in a benchmark) while still
 * reading as time for OBJECT IDLETIME (stamp / 4096 = ms) as long as fewer than 4096 accesses
 * happen per ms on average. Doubles hold it exactly for ~70 years of uptime; it passes the
 * small-integer range after ~524 s, which is why Entry.lru is kept in a double box (entry.ts).
 */
export const LRU_TICKS_PER_MS = 4096;

/** Which per-key access metadata the policy needs (Redis keeps only one of them too). */
export const TRACK_LRU = 0;
export const TRACK_LFU = 1;
export const TRACK_LRM = 2;

export function trackModeOf(policy: EvictionPolicy): number {
  if (policy === 'allkeys-lfu' || policy === 'volatile-lfu') return TRACK_LFU;
  if (policy === 'allkeys-lrm' || policy === 'volatile-lrm') return TRACK_LRM;
  return TRACK_LRU;
}
