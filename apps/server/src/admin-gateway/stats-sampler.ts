// Builds the once-a-second `stats` frame: per-second rates from the deltas of the engine's and
// the server's cumulative counters between two samples.
//
// Design note. Everything the engine and the adapters count only grows (commands per name, hits,
// misses, expired and evicted keys, rate-limit decisions), so a rate is (now - before) / elapsed.
// Example, samples 1000 ms apart: commandCalls.set 500 -> 1700 and get 20 -> 320 give
// opsByFamily { string: 1500 }, opsPerSec 1500; hits 10 -> 250, misses 0 -> 60 give hitRate
// 240 / 300 = 0.8. A counter that went backwards (CONFIG RESETSTAT) counts as starting from 0.

import type { EngineStats } from '@mnemo/engine';
import type { StatsFrame } from '@mnemo/contracts';

export interface StatsSources {
  stats(): EngineStats;
  /** Family of a command name ('string', 'hash', ...); 'other' when unknown. */
  familyOf(command: string): string;
  /** Cumulative rate-limit decisions and the current number of RESP clients. */
  counters(): { respClients: number; rateLimitAllowed: number; rateLimitDenied: number };
}

interface Cumulative {
  at: number;
  calls: Record<string, number>;
  hits: number;
  misses: number;
  expired: number;
  evicted: number;
  allowed: number;
  denied: number;
}

function delta(now: number, before: number): number {
  return now >= before ? now - before : now;
}

export class StatsSampler {
  private previous: Cumulative;

  constructor(
    private readonly sources: StatsSources,
    now: number,
  ) {
    this.previous = this.read(sources.stats(), now);
  }

  /** The frame for the interval since the last call (or construction). */
  sample(now: number, persistence: StatsFrame['persistence']): StatsFrame {
    const stats = this.sources.stats();
    const current = this.read(stats, now);
    const before = this.previous;
    this.previous = current;
    const seconds = Math.max(current.at - before.at, 1) / 1000;
    const rate = (n: number): number => Math.round((n / seconds) * 100) / 100;

    const opsByFamily: Record<string, number> = {};
    let ops = 0;
    for (const [name, count] of Object.entries(current.calls)) {
      const calls = delta(count, before.calls[name] ?? 0);
      if (calls === 0) continue;
      const family = this.sources.familyOf(name);
      opsByFamily[family] = (opsByFamily[family] ?? 0) + calls;
      ops += calls;
    }
    for (const family of Object.keys(opsByFamily)) opsByFamily[family] = rate(opsByFamily[family]);
    const hits = delta(current.hits, before.hits);
    const misses = delta(current.misses, before.misses);
    const counters = this.sources.counters();
    return {
      at: now,
      opsPerSec: rate(ops),
      opsByFamily,
      hitRate: hits + misses === 0 ? null : hits / (hits + misses),
      keys: stats.keys,
      keysWithTtl: stats.keysWithTtl,
      usedMemory: stats.usedMemory,
      maxmemory: stats.maxmemory,
      maxmemoryPolicy: stats.maxmemoryPolicy,
      evictionsPerSec: rate(delta(current.evicted, before.evicted)),
      expirationsPerSec: rate(delta(current.expired, before.expired)),
      connectedClients: counters.respClients,
      persistence,
      rateLimit: {
        allowedPerSec: rate(delta(current.allowed, before.allowed)),
        deniedPerSec: rate(delta(current.denied, before.denied)),
      },
    };
  }

  private read(stats: EngineStats, at: number): Cumulative {
    const counters = this.sources.counters();
    return {
      at,
      calls: { ...stats.commandCalls },
      hits: stats.hits,
      misses: stats.misses,
      expired: stats.expiredKeys,
      evicted: stats.evictedKeys,
      allowed: counters.rateLimitAllowed,
      denied: counters.rateLimitDenied,
    };
  }
}
