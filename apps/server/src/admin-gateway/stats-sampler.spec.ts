// The stats frame: per-second rates from counter deltas, hit rate, families.

import type { EngineStats } from '@mnemo/engine';
import type { StatsFrame } from '@mnemo/contracts';
import { StatsSampler } from './stats-sampler';

const persistence: StatsFrame['persistence'] = {
  status: 'off',
  logEnabled: false,
  appendfsync: 'everysec',
  lagMs: null,
  logBytes: 0,
  bgsaveInProgress: false,
  rewriteInProgress: false,
  lastError: null,
};

function engineStats(overrides: Partial<EngineStats>): EngineStats {
  return {
    keys: 0,
    keysWithTtl: 0,
    usedMemory: 0,
    peakMemory: 0,
    maxmemory: 0,
    maxmemoryPolicy: 'noeviction',
    hits: 0,
    misses: 0,
    expiredKeys: 0,
    evictedKeys: 0,
    expiredStaleFraction: 0,
    avgTtlMs: 0,
    totalCommands: 0,
    commandCalls: {},
    lastSeq: 0,
    ...overrides,
  };
}

describe('StatsSampler', () => {
  it('turns counter deltas into per-second rates', () => {
    let stats = engineStats({ commandCalls: { set: 500, get: 20 }, hits: 10, evictedKeys: 4 });
    const counters = { respClients: 3, rateLimitAllowed: 100, rateLimitDenied: 0 };
    const families: Record<string, string> = { set: 'string', get: 'string', hset: 'hash' };
    const sampler = new StatsSampler(
      { stats: () => stats, familyOf: (name) => families[name] ?? 'other', counters: () => counters },
      1000,
    );
    stats = engineStats({
      commandCalls: { set: 1700, get: 320, hset: 50 },
      hits: 250,
      misses: 60,
      evictedKeys: 24,
      expiredKeys: 2,
      keys: 7,
      keysWithTtl: 2,
      usedMemory: 123,
      maxmemory: 1000,
      maxmemoryPolicy: 'allkeys-lru',
    });
    counters.rateLimitAllowed = 300;
    counters.rateLimitDenied = 10;
    const frame = sampler.sample(3000, persistence);
    expect(frame).toEqual({
      at: 3000,
      opsPerSec: 775,
      opsByFamily: { string: 750, hash: 25 },
      hitRate: 240 / 300,
      keys: 7,
      keysWithTtl: 2,
      usedMemory: 123,
      maxmemory: 1000,
      maxmemoryPolicy: 'allkeys-lru',
      evictionsPerSec: 10,
      expirationsPerSec: 1,
      connectedClients: 3,
      persistence,
      rateLimit: { allowedPerSec: 100, deniedPerSec: 5 },
    });
  });

  it('has no hit rate without reads and survives counters going back to zero', () => {
    let stats = engineStats({ commandCalls: { set: 10 }, hits: 5 });
    const counters = { respClients: 0, rateLimitAllowed: 0, rateLimitDenied: 0 };
    const sampler = new StatsSampler({ stats: () => stats, familyOf: () => 'string', counters: () => counters }, 0);
    stats = engineStats({ commandCalls: { set: 4 }, hits: 5 });
    const frame = sampler.sample(1000, persistence);
    expect(frame.hitRate).toBeNull();
    expect(frame.opsPerSec).toBe(4);
  });
});
