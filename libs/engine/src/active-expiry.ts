// Active expiry, run by the host through engine.tick(): drains elapsed expiry windows, then runs
// Redis's activeExpireCycle sampling loop (expire.c) for the stale estimate and leftovers.
//
// Design note. Lazy expiry alone would keep keys that are never touched again forever. A cycle
// has two phases, both inside one time budget (checked with the budget clock) so a tick never
// stalls the host:
//
// 1. Drain: every bucket of the expiry index (expiry-index.ts) whose time window has fully
//    passed holds only expired keys; delete them, oldest window first. This costs one delete per
//    expired key, which is what keeps the stale fraction low under heavy expiry: bench
//    (1M keys, TTLs over 60 s, 167 expiries per 10 ms tick, 1 ms budget) measured 3.8-4.1%
//    stale at worst, p99 tick 1.2-1.3 ms (2026-11-27), where pure sampling left 50-70% stale
//    within a 1-3 ms budget (see expiry-index.ts).
//    If the budget runs out mid-bucket, the next tick resumes with the same bucket.
//
// 2. Sample, as Redis: pick ACTIVE_EXPIRE_KEYS_PER_LOOP (20) random keys with a TTL, delete the
//    expired ones, repeat while more than ACCEPTABLE_STALE (10%) of the loop was expired. After
//    phase 1 this usually stops after one loop; it catches keys in windows that have not fully
//    passed and feeds the stale estimate, Redis's stat_expired_stale_perc: an exponential average
//    (5% new, 95% old) of expired/sampled per cycle.
//
// Worked example: keys expiring at 10.0 s, 10.3 s and 10.9 s, filed in 1024 ms windows
// [9216, 10240) and [10240, 11264); a tick at 10.5 s drains the first window (the 10.0 s key),
// and may find the 10.3 s key by sampling; a tick at 11.3 s drains the second window.
import type { Clock } from './clock';
import type { Keyspace } from './keyspace';
import type { ExpireCycleResult } from './options';

/*
 * How often and how long. Redis runs a slow cycle 10 times a second that may take 25 ms, plus
 * 1 ms fast cycles between event-loop turns when many keys are stale. A 25 ms cycle is a 25 ms
 * stall for every client, so Mnemo only has short cycles: the host calls tick() every
 * ACTIVE_EXPIRE_INTERVAL_MS and each call stops after DEFAULT_ACTIVE_EXPIRE_BUDGET_MS. That is
 * at most 10 % of the thread, and ~50k expiries a second on this VM (a delete is ~1-2 us with
 * 1M keys, mostly cache misses). Short slices also keep a preempted or GC-interrupted tick from
 * costing much: it loses one hundredth of a second's expiry work, not one tenth.
 *
 * Measured in bench/engine.bench.ts (1M keys, TTLs over 60 s, 16.7k expiries/s): with 3 ms
 * every 100 ms every tick ran to its budget and the stale fraction reached 31 %; see
 * BENCHMARKS.md for the figures at 1 ms every 10 ms.
 */
/** How often a host should call engine.tick() (ms): hz 100. */
export const ACTIVE_EXPIRE_INTERVAL_MS = 10;
/** Default activeExpireBudgetMs: the longest a tick works (ms). */
export const DEFAULT_ACTIVE_EXPIRE_BUDGET_MS = 1;

export const ACTIVE_EXPIRE_KEYS_PER_LOOP = 20;
export const ACTIVE_EXPIRE_ACCEPTABLE_STALE = 10;
/** Scan-table entries a tick may move while compacting (~1 ms at worst here). */
export const COMPACT_STEP_PER_TICK = 8192;
/** Compaction moves between two budget checks, so compaction too stops when the budget is spent. */
const COMPACT_CHUNK = 1024;

/**
 * Runs one cycle at the keyspace's current time. `budgetClock.now() - start` is the time the
 * cycle has run (ms); the cycle stops once it exceeds budgetMs (checked every 64 deletes, after
 * each sampling loop and between compaction chunks). Returns what it did.
 *
 * Allocation note: the cycle allocates almost nothing of its own (no closure per tick, no
 * copies of buckets, its result goes into the engine's one `out` object): ~200 B an idle tick in
 * a scratch measure, and a shard Map's new table when one shrinks. Deletes reach the event log
 * and the feeds as MutationSink calls (arguments, no record object; until 2026-11-26 each was a
 * ~56 B record). A V8 scavenge starts only on an allocation, so it lands inside a tick in
 * proportion to the tick's share of the process's allocation: with record objects, 1 in ~10 of
 * the bench's scavenges fell inside a tick; now about 1 tick in 6,000 has one.
 *
 * What the long ticks are, measured in bench/engine.bench.ts (1M keys, 1,667 expiries per
 * 100 ms tick, 3 ms budget; v8.GCProfiler around each tick, main-thread schedstat, CPU
 * profile):
 * - collections inside ticks (with record objects kept, before sinks): scavenges of up to ~27 ms with V8's default
 *   young generation (they copy the host's newly created keys), 5-8 ms with
 *   --max-semi-space-size=2; and, rarely, a mark-compact of 220-400 ms (~450 MB heap);
 * - descheduling on the shared machine (the main thread waiting for a CPU): up to ~16 ms;
 * - rarely, one delete of 50-70 ms with no GC and the main thread on CPU: V8 resizing the
 *   keyspace's single Map (a Map rehashes all its entries when it shrinks below a quarter of
 *   its capacity or fills up; the same happens to a SET on the growing side). The key table is
 *   now split over 256 Maps chosen by the key's length and three of its bytes (key-table.ts),
 *   so one resize moves 1/256 of the keys. The budget bounds the cycle's own work, not GC.
 */
export function activeExpireCycle(ks: Keyspace, budgetMs: number, budgetClock: Clock, start: number, out: ExpireCycleResult): ExpireCycleResult {
  const now = ks.now;
  const deadline = start + budgetMs;
  let expired = 0;
  let timedOut = false;

  // Phase 1: drain elapsed windows.
  drain: for (let b = ks.expiries.due(now); b !== null; b = ks.expiries.due(now)) {
    const entries = b.entries;
    while (entries.length > 0) {
      ks.deleteEntry(entries[entries.length - 1], 'expired');
      expired++;
      if ((expired & 63) === 0 && budgetClock.now() > deadline) {
        timedOut = true;
        break drain;
      }
    }
  }

  // Phase 2: Redis's sampling loop.
  const vol = ks.vol;
  let sampled = 0;
  let sampledExpired = 0;
  let ttlSum = 0;
  let ttlSamples = 0;
  // At least one loop even after a timeout: 20 checks are cheap and keep the estimate honest.
  while (vol.length > 0) {
    const num = vol.length < ACTIVE_EXPIRE_KEYS_PER_LOOP ? vol.length : ACTIVE_EXPIRE_KEYS_PER_LOOP;
    let loopSampled = 0;
    let loopExpired = 0;
    for (let i = 0; i < num && vol.length > 0; i++) {
      const e = vol[Math.floor(ks.random() * vol.length)];
      loopSampled++;
      if (e.expiresAt < now) {
        ks.deleteEntry(e, 'expired');
        loopExpired++;
      } else {
        ttlSum += e.expiresAt - now;
        ttlSamples++;
      }
    }
    sampled += loopSampled;
    sampledExpired += loopExpired;
    if (timedOut || budgetClock.now() > deadline) {
      timedOut = true;
      break;
    }
    if ((loopExpired * 100) / loopSampled <= ACTIVE_EXPIRE_ACCEPTABLE_STALE) break;
  }
  expired += sampledExpired;

  // As Redis: a cycle that sampled nothing counts as 0 % stale, so the average decays once keys with TTLs are gone.
  ks.staleEstimate = (sampled > 0 ? sampledExpired / sampled : 0) * 0.05 + ks.staleEstimate * 0.95;
  // Redis's avg_ttl: the first cycle's average, then 1/50 of each new one (expire.c); 0 again
  // once no key has a TTL. Cycles run 100 times a second here against Redis's 10, so the
  // average follows changes in ~0.5 s rather than ~5 s.
  if (vol.length === 0) ks.avgTtlEstimate = 0;
  else if (ttlSamples > 0) {
    const average = ttlSum / ttlSamples;
    ks.avgTtlEstimate = ks.avgTtlEstimate === 0 ? average : (ks.avgTtlEstimate / 50) * 49 + average / 50;
  }
  // Housekeeping with what is left of the budget: a step of the scan table's compaction, in
  // chunks so that it stops with the budget too (the budget is not a timeout for it: it just
  // resumes next tick).
  if (!timedOut) {
    for (let moved = 0; moved < COMPACT_STEP_PER_TICK; moved += COMPACT_CHUNK) {
      if (!ks.table.compactStep(COMPACT_CHUNK) || budgetClock.now() > deadline) break;
    }
  }
  out.sampled = sampled;
  out.expired = expired;
  out.elapsedMs = budgetClock.now() - start;
  out.timedOut = timedOut;
  return out;
}
