// Engine options, stats and introspection types, shared by the engine and its hosts.

import type { Clock } from './clock';
import type { Bytes } from './bytes';

export const EVICTION_POLICIES = [
  'noeviction',
  'allkeys-lru',
  'volatile-lru',
  'allkeys-lfu',
  'volatile-lfu',
  'allkeys-random',
  'volatile-random',
  'volatile-ttl',
  'allkeys-lrm',
  'volatile-lrm',
] as const;

export type EvictionPolicy = (typeof EVICTION_POLICIES)[number];

export interface EngineOptions {
  /** The only source of time. */
  clock: Clock;
  /** Bytes of estimated memory allowed; 0 means no limit. Default 0. */
  maxmemory?: number;
  /** Default 'noeviction', as in Redis. */
  maxmemoryPolicy?: EvictionPolicy;
  /** Keys sampled per eviction round. Default 5. */
  maxmemorySamples?: number;
  /** Redis's lfu-log-factor. Default 10. */
  lfuLogFactor?: number;
  /** Redis's lfu-decay-time, in minutes. Default 1. */
  lfuDecayTime?: number;
  /** Largest string value or field value in bytes. Default 512 MiB, as Redis. */
  protoMaxBulkLen?: number;
  /** Random source in [0, 1). Default Math.random; tests pass a seeded one. */
  random?: () => number;
  /** Longest time one `tick()` may spend expiring keys, in ms. Default 1. */
  activeExpireBudgetMs?: number;
  /** Sequence number of the first record this engine emits. Default 1. */
  firstSeq?: number;
  /**
   * Measures how long one `tick()` has run, for activeExpireBudgetMs (ms, any origin). Hosts pass
   * a monotonic high-resolution clock (performance.now); default: `clock`, which under a
   * ManualClock never advances within a tick, so a tick then runs until the stale ratio is low.
   */
  budgetClock?: Clock;
}

export type KeyType = 'string' | 'hash';

export interface EngineStats {
  keys: number;
  /** Keys with a TTL (Redis's `expires` in INFO keyspace). */
  keysWithTtl: number;
  usedMemory: number;
  peakMemory: number;
  maxmemory: number;
  maxmemoryPolicy: EvictionPolicy;
  hits: number;
  misses: number;
  expiredKeys: number;
  evictedKeys: number;
  /** Estimated fraction of keys with a TTL that are expired but still present (0..1). */
  expiredStaleFraction: number;
  /**
   * Estimated average TTL in ms of the keys with one (Redis's avg_ttl in INFO keyspace): a
   * moving average over the keys active expiry samples; 0 with no key with a TTL.
   */
  avgTtlMs: number;
  totalCommands: number;
  /** Calls per command, lower-case name -> count. */
  commandCalls: Record<string, number>;
  /** Seq of the last record emitted or applied (0 if none). */
  lastSeq: number;
}

export interface ExpireCycleResult {
  sampled: number;
  expired: number;
  elapsedMs: number;
  /** True when the cycle stopped on its time budget rather than on a low stale ratio. */
  timedOut: boolean;
}

export interface KeyInfo {
  key: Bytes;
  type: KeyType;
  /** Absolute expiry in ms since epoch, or null. */
  expiresAt: number | null;
  /** Estimated bytes, as MEMORY USAGE reports. */
  memory: number;
  /** Seconds since last access, as OBJECT IDLETIME. */
  idleSeconds: number;
  /** LFU counter, as OBJECT FREQ. */
  freq: number;
  /** As OBJECT ENCODING: 'int' | 'embstr' | 'raw' | 'listpack' | 'hashtable'. */
  encoding: string;
  /** String length in bytes, or number of fields of a hash. */
  length: number;
  /** As OBJECT REFCOUNT: 2147483647 for Redis's shared integers, else 1. */
  refcount: number;
}

export type CommandFlag = 'write' | 'readonly' | 'denyoom' | 'fast' | 'admin';

/** Command metadata in the shape Redis's COMMAND reply gives it. */
export interface CommandSpec {
  /** Lower-case name. */
  name: string;
  /** Redis arity: positive = exact argc (name included), negative = at least -arity. */
  arity: number;
  flags: CommandFlag[];
  firstKey: number;
  lastKey: number;
  step: number;
  /** Family for stats: 'string' | 'hash' | 'keyspace' | 'ttl' | 'counter' | 'server'. */
  group: string;
  summary: string;
}

export interface ScanOptions {
  match?: Bytes;
  count?: number;
  type?: KeyType;
}
