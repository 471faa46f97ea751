// The engine: a Redis-compatible keyspace (strings, hashes, TTLs, eviction) that emits a
// state-based mutation record for every change. Pure TypeScript: time comes from the injected
// Clock, randomness from options.random; no I/O, no timers.
import type { Bytes } from './bytes';
import type { Clock } from './clock';
import { activeExpireCycle, DEFAULT_ACTIVE_EXPIRE_BUDGET_MS } from './active-expiry';
import { applyRecord } from './apply-record';
import { BulkRestorer, LOAD_NONE, endLoad, type RestoreSink } from './bulk-restore';
import type { CommandDef } from './command-table';
import { CompoundWrite } from './compound-write';
import { counterCommands, incrGeneric } from './commands/counters';
import { hashCommands, hgetallFlat } from './commands/hashes';
import { encodingOf, idleSecondsOf, introspectionCommands, refcountOf } from './commands/introspection';
import { delGeneric, keyCommands } from './commands/keys';
import { scanCommands, scanTyped, parseCursor } from './commands/scan';
import { getValue, setGeneric, stringCommands } from './commands/strings';
import { ttlCommands } from './commands/ttl';
import { configGet, configSet } from './config';
import { NO_EXPIRY } from './entry';
import { MnemoError, notAnInteger, wrongArity } from './errors';
import { trackModeOf } from './access-tracking';
import { KEEP_TTL, Keyspace, type KeyEventListener } from './keyspace';
import { lfuDecrAndReturn } from './lfu';
import { RecordBuilder, type MutationListener, type MutationRecord, type MutationSink, type SampledSinkHandle, type SnapshotEntry } from './mutation';
import { EVICTION_POLICIES, type CommandSpec, type EngineOptions, type EngineStats, type ExpireCycleResult, type KeyInfo, type ScanOptions } from './options';
import type { Reply } from './reply';

export interface SetOptions {
  /** Absolute expiry (ms since epoch); null/undefined = no TTL (unless keepTtl). */
  expiresAt?: number | null;
  keepTtl?: boolean;
  /** Only set if the key does not exist. */
  nx?: boolean;
  /** Only set if the key exists. */
  xx?: boolean;
}

const ALL_COMMANDS: CommandDef[] = [...stringCommands, ...counterCommands, ...hashCommands, ...keyCommands, ...ttlCommands, ...scanCommands, ...introspectionCommands];
const MAX_NAME_CACHE = 256;

function optionError(name: string, why: string): MnemoError {
  return new MnemoError('ERR', `invalid engine option ${name}: ${why}`);
}

function checkInt(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw optionError(name, `must be an integer between ${min} and ${max}, got ${String(value)}`);
}

/** Redis's text for an unknown command: the name and the first args, each cut to fit 128 bytes. */
export function unknownCommandError(argv: Bytes[]): MnemoError {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${argv[i].slice(0, 128 - args.length)}' `;
  const text = `unknown command '${(argv[0] ?? '').slice(0, 128)}', with args beginning with: ${args}`;
  return new MnemoError('ERR', text.replace(/[\r\n]/g, ' '));
}

export class Engine {
  private readonly clock: Clock;
  private readonly budgetClock: Clock;
  private readonly budgetMs: number;
  private readonly ks: Keyspace;
  private readonly table = new Map<string, CommandDef>();
  /** Argv[0] spellings seen so far -> command (saves a toLowerCase per call). */
  private readonly nameCache = new Map<string, CommandDef>();
  private readonly getDef: CommandDef;
  private readonly setDef: CommandDef;
  private readonly incrbyDef: CommandDef;
  private readonly delDef: CommandDef;
  private readonly hgetallDef: CommandDef;
  private readonly scanDef: CommandDef;
  private readonly restorer: BulkRestorer;
  /** tick()'s result, overwritten by each tick. elapsedMs starts as a double so it stays unboxed. */
  private readonly cycleResult: ExpireCycleResult = { sampled: 0, expired: 0, elapsedMs: 0.5, timedOut: false };

  constructor(options: EngineOptions) {
    if (options === undefined || options.clock === undefined || typeof options.clock.now !== 'function') throw optionError('clock', 'a Clock is required');
    checkInt('maxmemory', options.maxmemory, 0, Number.MAX_SAFE_INTEGER);
    checkInt('maxmemorySamples', options.maxmemorySamples, 1, 64);
    checkInt('lfuLogFactor', options.lfuLogFactor, 0, 2147483647);
    checkInt('lfuDecayTime', options.lfuDecayTime, 0, 2147483647);
    checkInt('protoMaxBulkLen', options.protoMaxBulkLen, 1, Number.MAX_SAFE_INTEGER);
    checkInt('firstSeq', options.firstSeq, 1, Number.MAX_SAFE_INTEGER);
    const policy = options.maxmemoryPolicy ?? 'noeviction';
    if (!EVICTION_POLICIES.includes(policy)) throw optionError('maxmemoryPolicy', `must be one of ${EVICTION_POLICIES.join(', ')}, got ${String(policy)}`);
    const budget = options.activeExpireBudgetMs ?? DEFAULT_ACTIVE_EXPIRE_BUDGET_MS;
    if (!(budget > 0) || !Number.isFinite(budget)) throw optionError('activeExpireBudgetMs', `must be a positive number, got ${String(budget)}`);
    this.clock = options.clock;
    this.budgetClock = options.budgetClock ?? options.clock;
    this.budgetMs = budget;
    this.ks = new Keyspace(
      {
        maxmemory: options.maxmemory ?? 0,
        policy,
        samples: options.maxmemorySamples ?? 5,
        lfuLogFactor: options.lfuLogFactor ?? 10,
        lfuDecayTime: options.lfuDecayTime ?? 1,
        protoMaxBulkLen: options.protoMaxBulkLen ?? 512 * 1024 * 1024,
      },
      options.random ?? Math.random,
      this.clock.now(),
      options.firstSeq ?? 1,
    );
    for (const def of ALL_COMMANDS) this.table.set(def.spec.name, { spec: def.spec, handler: def.handler, calls: 0 });
    this.getDef = this.def('get');
    this.setDef = this.def('set');
    this.incrbyDef = this.def('incrby');
    this.delDef = this.def('del');
    this.hgetallDef = this.def('hgetall');
    this.scanDef = this.def('scan');
    this.restorer = new BulkRestorer(this.ks);
  }

  private def(name: string): CommandDef {
    return this.table.get(name) as CommandDef;
  }

  /** Counts the call (stats() sums the per-command counts) and reads the clock for it. */
  private begin(def: CommandDef): void {
    def.calls++;
    this.ks.begin(this.clock.now());
  }

  /** Runs one command, argv[0] being its name (any case). Throws MnemoError on any error; state is then untouched. */
  execute(argv: Bytes[]): Reply {
    const name = argv.length > 0 ? argv[0] : '';
    let def = this.nameCache.get(name);
    if (def === undefined) {
      def = this.table.get(name.toLowerCase());
      if (def === undefined) throw unknownCommandError(argv.length > 0 ? argv : ['']);
      if (this.nameCache.size < MAX_NAME_CACHE) this.nameCache.set(name, def);
    }
    const arity = def.spec.arity;
    if (arity > 0 ? argv.length !== arity : argv.length < -arity) throw wrongArity(def.spec.name);
    this.begin(def);
    return def.handler(this.ks, argv);
  }

  /** Metadata for a command name (any case), or undefined if unknown. */
  commandSpec(name: string): CommandSpec | undefined {
    return this.table.get(name.toLowerCase())?.spec;
  }

  /** All commands the engine runs. */
  commands(): CommandSpec[] {
    return [...this.table.values()].map((d) => d.spec);
  }

  /** Registers a sink for every change (MutationSink: plain arguments, no record objects); returns its remover. Sinks must not throw. */
  addMutationSink(sink: MutationSink): () => void {
    return this.ks.records.add(sink);
  }

  /**
   * Registers the one sampled sink: every removal and flush, and one value change in a stride the
   * sink sets through the handle (see SampledSinkHandle). Throws if one is registered already.
   */
  addSampledMutationSink(sink: MutationSink): SampledSinkHandle {
    return this.ks.records.addSampled(sink);
  }

  /** The same, with each change as a MutationRecord object (tests, tools; hot paths use a sink). */
  onMutation(listener: MutationListener): () => void {
    return this.addMutationSink(new RecordBuilder(listener));
  }

  /**
   * Sets the one listener for key creation ('new'), read misses ('keymiss'), the 'expire' of a
   * SET with a TTL and the start of a FLUSHALL ('flush', see Keyspace.keyEvents); returns a
   * function that removes it. It must not throw.
   */
  onKeyEvent(listener: KeyEventListener): () => void {
    this.ks.keyEvents = listener;
    return () => {
      if (this.ks.keyEvents === listener) this.ks.keyEvents = null;
    };
  }

  /**
   * Redis's CLIENT NO-TOUCH: while true, key lookups leave the LRU stamp and LFU counter as they
   * were (a new key is still stamped when created). The host sets it around the commands of a
   * client that asked for it, TOUCH excepted.
   */
  set noTouch(on: boolean) {
    this.ks.noTouch = on;
  }

  /** Keys in the keyspace, expired-but-present ones included (DBSIZE). */
  get keyCount(): number {
    return this.ks.map.size;
  }

  /** Seq of the last record emitted or applied. */
  get lastSeq(): number {
    return this.ks.records.lastSeq;
  }

  /**
   * Active expiry cycle: call every ACTIVE_EXPIRE_INTERVAL_MS (see active-expiry.ts). Bounded by
   * activeExpireBudgetMs. Returns the same object every call (no allocation per tick): read it
   * before the next tick.
   */
  tick(): ExpireCycleResult {
    this.ks.begin(this.clock.now());
    return activeExpireCycle(this.ks, this.budgetMs, this.budgetClock, this.budgetClock.now(), this.cycleResult);
  }

  stats(): EngineStats {
    const ks = this.ks;
    if (ks.loadState !== LOAD_NONE) endLoad(ks);
    const commandCalls: Record<string, number> = {};
    let totalCommands = 0;
    for (const def of this.table.values()) {
      if (def.calls > 0) commandCalls[def.spec.name] = def.calls;
      totalCommands += def.calls;
    }
    return {
      keys: ks.map.size,
      keysWithTtl: ks.vol.length,
      usedMemory: ks.usedMemory,
      peakMemory: ks.peakMemory,
      maxmemory: ks.config.maxmemory,
      maxmemoryPolicy: ks.config.policy,
      hits: ks.hits,
      misses: ks.misses,
      expiredKeys: ks.expiredKeys,
      evictedKeys: ks.evictedKeys,
      expiredStaleFraction: ks.staleEstimate,
      avgTtlMs: ks.vol.length === 0 ? 0 : Math.round(ks.avgTtlEstimate),
      totalCommands,
      commandCalls,
      lastSeq: ks.records.lastSeq,
    };
  }

  /** CONFIG RESETSTAT for the engine's counters; peak memory restarts at the current usage. */
  resetStats(): void {
    const ks = this.ks;
    if (ks.loadState !== LOAD_NONE) endLoad(ks);
    ks.hits = 0;
    ks.misses = 0;
    ks.expiredKeys = 0;
    ks.evictedKeys = 0;
    ks.staleEstimate = 0;
    ks.peakMemory = ks.usedMemory;
    for (const def of this.table.values()) def.calls = 0;
  }

  /**
   * Redis's performEvictions, for the host to run before each command: while used memory is over
   * maxmemory, evicts per policy. False when it stays over (noeviction, or nothing left to evict):
   * the host then refuses, before they run or queue, the commands that may grow memory.
   */
  evictBeforeCommand(): boolean {
    const ks = this.ks;
    const max = ks.config.maxmemory;
    if (max === 0 || ks.usedMemory <= max) return true;
    ks.begin(this.clock.now());
    ks.reserve(0, undefined, null, false);
    return ks.usedMemory <= max || (ks.compound !== null && ks.compound.wrote);
  }

  /**
   * Runs `body`, several commands that make one write (EXEC, a script, a host operation of several
   * steps), under Redis's rule for maxmemory in such a write (compound-write.ts): only a step before
   * the first change may be refused with OOM, and eviction spares the keys it has written. Nested
   * calls join the outer one.
   */
  compound<T>(body: () => T): T {
    const ks = this.ks;
    if (ks.compound !== null || ks.config.maxmemory === 0) return body();
    const compound = new CompoundWrite();
    const removeSink = ks.records.add(compound);
    ks.compound = compound;
    try {
      return body();
    } finally {
      ks.compound = null;
      removeSink();
    }
  }

  /** CONFIG GET for engine-owned parameters (maxmemory, maxmemory-policy, maxmemory-samples, lfu-log-factor, lfu-decay-time, proto-max-bulk-len); glob pattern. */
  configGet(pattern: string): Array<[string, string]> {
    return configGet(this.ks.config, pattern);
  }

  /**
   * CONFIG SET for one engine-owned parameter; throws MnemoError with Redis's wording. Returns
   * false if the name is not the engine's. Lowering maxmemory evicts right away (with records).
   */
  configSet(name: string, value: string): boolean {
    const ks = this.ks;
    if (ks.loadState !== LOAD_NONE) endLoad(ks);
    if (!configSet(ks.config, name, value)) return false;
    const lower = name.toLowerCase();
    if (lower === 'maxmemory-policy') {
      ks.trackMode = trackModeOf(ks.config.policy);
      ks.evictor.reset();
    }
    if ((lower === 'maxmemory' || lower === 'maxmemory-policy') && ks.config.maxmemory > 0 && ks.usedMemory > ks.config.maxmemory) {
      ks.begin(this.clock.now());
      ks.reserve(0, undefined, null, false);
    }
    return true;
  }

  // ---- typed fast path (same semantics, records and stats as execute) -----------------------

  get(key: Bytes): Bytes | null {
    this.begin(this.getDef);
    return getValue(this.ks, key);
  }

  /** SET with options; returns false when NX/XX prevented the write. */
  set(key: Bytes, value: Bytes, options?: SetOptions): boolean {
    this.begin(this.setDef);
    if (options === undefined) return setGeneric(this.ks, key, value, false, false, false, NO_EXPIRY);
    if (options.nx && options.xx) throw new MnemoError('ERR', 'syntax error');
    let expiresAt = NO_EXPIRY;
    if (options.expiresAt !== undefined && options.expiresAt !== null) {
      if (options.keepTtl) throw new MnemoError('ERR', 'syntax error');
      if (!Number.isSafeInteger(options.expiresAt) || options.expiresAt <= 0) throw new MnemoError('ERR', "invalid expire time in 'set' command");
      expiresAt = options.expiresAt;
    } else if (options.keepTtl) {
      expiresAt = KEEP_TTL;
    }
    return setGeneric(this.ks, key, value, options.nx === true, options.xx === true, false, expiresAt);
  }

  /** INCRBY: delta must be a safe integer. Returns the new value. */
  incrBy(key: Bytes, delta: number): number | bigint {
    this.begin(this.incrbyDef);
    if (!Number.isSafeInteger(delta)) throw notAnInteger();
    return incrGeneric(this.ks, key, delta);
  }

  del(keys: Bytes[]): number {
    this.begin(this.delDef);
    return delGeneric(this.ks, keys, 0);
  }

  /** Reads a key's metadata without touching its LRU/LFU state; null if missing or expired. */
  keyInfo(key: Bytes): KeyInfo | null {
    const ks = this.ks;
    ks.begin(this.clock.now());
    const e = ks.peek(key);
    if (e === undefined) return null;
    return {
      key,
      type: e.hash === null ? 'string' : 'hash',
      expiresAt: e.expiresAt === NO_EXPIRY ? null : e.expiresAt,
      memory: e.mem,
      idleSeconds: idleSecondsOf(ks, e),
      freq: lfuDecrAndReturn(e.lfu, ks.now, ks.config.lfuDecayTime),
      encoding: encodingOf(e),
      length: e.hash === null ? e.value.length : e.hash.map.size,
      refcount: refcountOf(ks, e),
    };
  }

  /** Reads a hash's fields (flat field, value, ...) or null; counts as an access. */
  hgetall(key: Bytes): Bytes[] | null {
    this.begin(this.hgetallDef);
    return hgetallFlat(this.ks, key);
  }

  scan(cursor: string, options?: ScanOptions): { cursor: string; keys: Bytes[] } {
    this.begin(this.scanDef);
    return scanTyped(this.ks, cursor, options);
  }

  // ---- persistence hooks ----------------------------------------------------------------------

  /** Applies a logged record (recovery/replay): no record emitted, no eviction, no OOM. */
  apply(record: MutationRecord): void {
    const ks = this.ks;
    ks.begin(this.clock.now());
    ks.silent = true;
    try {
      applyRecord(ks, record);
    } finally {
      ks.silent = false;
    }
    ks.records.lastSeq = record.seq;
  }

  /** Fuzzy snapshot iteration with SCAN's guarantee; cursor '0' starts and ends. No LRU side effects. */
  snapshotChunk(cursor: string, count: number): { cursor: string; entries: SnapshotEntry[] } {
    const ks = this.ks;
    ks.begin(this.clock.now());
    const from = Number(parseCursor(cursor));
    const table = ks.table;
    const slots = table.slots;
    let i = table.seek(from);
    const entries: SnapshotEntry[] = [];
    const limit = Math.max(1, count);
    while (i < slots.length && entries.length < limit) {
      const e = slots[i];
      i = table.skipGap(i + 1);
      if (e.slot === -1 || ks.isExpired(e)) continue;
      const expiresAt = e.expiresAt === NO_EXPIRY ? null : e.expiresAt;
      if (e.hash === null) {
        entries.push({ type: 'string', key: e.key, value: e.value, expiresAt });
      } else {
        const fields: Bytes[] = [];
        for (const [f, v] of e.hash.map) fields.push(f, v);
        entries.push({ type: 'hash', key: e.key, fields, expiresAt });
      }
    }
    return { cursor: i < slots.length ? String(slots[i].id) : '0', entries };
  }

  /** Loads one snapshot entry (recovery): no record emitted. An already expired entry is skipped. */
  restoreEntry(entry: SnapshotEntry): void {
    const ks = this.ks;
    ks.begin(this.clock.now());
    if (entry.expiresAt !== null && entry.expiresAt < ks.now) return;
    ks.silent = true;
    try {
      const e = ks.map.get(entry.key);
      if (entry.type === 'string') ks.putString(e, entry.key, entry.value, entry.expiresAt ?? NO_EXPIRY, 'restore');
      else ks.hashReplace(e, entry.key, entry.fields, entry.expiresAt ?? NO_EXPIRY, 'restore');
    } finally {
      ks.silent = false;
    }
  }

  /**
   * Bulk restore (recovery): runs `load` with a RestoreSink that loads snapshot entries and
   * applies records from plain arguments, as restoreEntry and apply do (see bulk-restore.ts,
   * also for why an already expired snapshot entry is loaded here and skipped by restoreEntry),
   * with the clock read once for the batch and no record emitted. Returns what `load` returns;
   * if it throws, what it loaded so far stays loaded. `load` must only call the sink (a command
   * run inside it would emit no record) and must not call restore again.
   */
  restore<T>(load: (sink: RestoreSink) => T): T {
    const ks = this.ks;
    ks.setTime(this.clock.now());
    this.restorer.startBatch();
    ks.silent = true;
    try {
      return load(this.restorer);
    } finally {
      ks.silent = false;
    }
  }

  /**
   * Ends a bulk load: if a snapshot loaded through restore() held a key twice, removes the
   * replaced entries in one pass over the keyspace. Any later command does it too; recovery calls
   * it after the snapshot so that pass does not land on the first client command.
   */
  finishRestore(): void {
    if (this.ks.loadState !== LOAD_NONE) endLoad(this.ks);
  }

  /** Sets the seq of the next record (after recovery: last recovered seq + 1). */
  setNextSeq(seq: number): void {
    if (!Number.isSafeInteger(seq) || seq < 1) throw new MnemoError('ERR', `invalid next seq ${String(seq)}`);
    this.ks.records.lastSeq = seq - 1;
  }
}
