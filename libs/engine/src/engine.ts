// PLACEHOLDER SIGNATURES — being implemented. Hosts code against these signatures.
import type { Bytes } from './bytes';
import type { MutationListener, MutationRecord, SnapshotEntry } from './mutation';
import type { Reply } from './reply';
import type { CommandSpec, EngineOptions, EngineStats, ExpireCycleResult, KeyInfo, ScanOptions } from './options';

export interface SetOptions {
  /** Absolute expiry (ms since epoch); null/undefined = no TTL (unless keepTtl). */
  expiresAt?: number | null;
  keepTtl?: boolean;
  /** Only set if the key does not exist. */
  nx?: boolean;
  /** Only set if the key exists. */
  xx?: boolean;
}

export declare class Engine {
  constructor(options: EngineOptions);
  /** Runs one command, argv[0] being its name (any case). Throws MnemoError on any error; state is then untouched. */
  execute(argv: Bytes[]): Reply;
  /** Metadata for a command name (any case), or undefined if unknown. */
  commandSpec(name: string): CommandSpec | undefined;
  /** All commands the engine runs. */
  commands(): CommandSpec[];
  /** Registers a listener for every record; returns a function that removes it. */
  onMutation(listener: MutationListener): () => void;
  /** Seq of the last record emitted or applied. */
  readonly lastSeq: number;
  /** Active expiry cycle: call about every 100 ms (Redis hz 10). Bounded by activeExpireBudgetMs. */
  tick(): ExpireCycleResult;
  stats(): EngineStats;
  resetStats(): void;
  /** CONFIG GET for engine-owned parameters (maxmemory, maxmemory-policy, maxmemory-samples, lfu-log-factor, lfu-decay-time, proto-max-bulk-len); glob pattern. */
  configGet(pattern: string): Array<[string, string]>;
  /** CONFIG SET for one engine-owned parameter; throws MnemoError with Redis's wording. Returns false if the name is not the engine's. */
  configSet(name: string, value: string): boolean;

  // Typed fast path (same semantics, records and stats as execute).
  get(key: Bytes): Bytes | null;
  set(key: Bytes, value: Bytes, options?: SetOptions): boolean;
  incrBy(key: Bytes, delta: number): number | bigint;
  del(keys: Bytes[]): number;
  /** Reads a key's metadata without touching its LRU/LFU state; null if missing or expired. */
  keyInfo(key: Bytes): KeyInfo | null;
  /** Reads a hash's fields (flat field, value, ...) or null; counts as an access. */
  hgetall(key: Bytes): Bytes[] | null;
  scan(cursor: string, options?: ScanOptions): { cursor: string; keys: Bytes[] };

  // Persistence hooks.
  /** Applies a logged record (recovery/replay): no record emitted, no eviction, no OOM. */
  apply(record: MutationRecord): void;
  /** Fuzzy snapshot iteration with SCAN's guarantee; cursor '0' starts and ends. No LRU side effects. */
  snapshotChunk(cursor: string, count: number): { cursor: string; entries: SnapshotEntry[] };
  /** Loads one snapshot entry (recovery): no record emitted. */
  restoreEntry(entry: SnapshotEntry): void;
  /** Sets the seq of the next record (after recovery: last recovered seq + 1). */
  setNextSeq(seq: number): void;
}
