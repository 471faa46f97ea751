// The persistence facade: opens the file, recovers the engine, keeps the log, runs save points,
// snapshots and rewrites, answers INFO/CONFIG, and shuts down cleanly.

import { statSync } from 'node:fs';
import { MnemoError } from '@mnemo/engine';
import { applySetting, DEFAULT_SETTINGS, globMatch, isPersistenceOption, PERSISTENCE_OPTIONS, PersistenceSettings, settingsToText } from './config';
import { consoleLogger, type PersistedEngine, type PersistenceLogger } from './engine-port';
import { EventLog, SYNC_MODE, type EventLogStatus, type LogEvent } from './log/event-log';
import { recover, type RecoveryProgress, type RecoveryReport } from './recovery/recover';
import { SnapshotAborted, Snapshotter, type SnapshotKind, type SnapshotResult } from './snapshot/snapshotter';
import { DbLock } from './store/db-lock';
import { openStore, SCHEMA_VERSION } from './store/open-store';
import { WriterClient } from './writer/writer-client';

/** Everything persistence tells listeners (dashboard, logs). Subscribe with Persistence.subscribe. */
export type PersistenceEvent =
  | { type: 'recovery-progress'; progress: RecoveryProgress }
  | { type: 'recovery-finished'; report: RecoveryReport }
  | { type: 'snapshot-started'; kind: SnapshotKind; at: number }
  | { type: 'snapshot-finished'; kind: SnapshotKind; result: SnapshotResult }
  | { type: 'snapshot-failed'; kind: SnapshotKind; error: string }
  | LogEvent
  | { type: 'config-changed'; name: string; value: string };

export type PersistenceListener = (event: PersistenceEvent) => void;

export interface PersistenceOptions extends Partial<PersistenceSettings> {
  dbPath: string;
  /** Wall clock (ms). Default Date.now; tests pass a fake to move save points and expiry. */
  now?: () => number;
  logger?: PersistenceLogger;
  migrationsDir?: string;
  /** How often save points and auto-rewrite are checked, ms. Default 1000. */
  cronMs?: number;
  /** Log flush interval under everysec/no, ms. Default 100. */
  flushIntervalMs?: number;
  /** Retry interval after a failed commit, ms. Default 1000. */
  retryMs?: number;
  busyTimeoutMs?: number;
  onEvent?: PersistenceListener;
}

/** Redis waits this long before retrying a failed automatic BGSAVE. */
const BGSAVE_RETRY_DELAY_MS = 5000;

interface SnapshotState {
  running: { kind: SnapshotKind; startedAt: number; promise: Promise<SnapshotResult> } | null;
  rewriteScheduled: boolean;
  lastStatus: 'ok' | 'err';
  lastError: string | null;
  lastFailedAt: number;
  lastSaveAt: number;
  lastStartSeq: number;
  lastDurationMs: number;
  lastKeys: number;
  lastBytes: number;
  saves: number;
  rewrites: number;
  lastRewriteStatus: 'ok' | 'err';
  lastRewriteDurationMs: number;
}

export class Persistence {
  private settings: PersistenceSettings;
  private readonly listeners = new Set<PersistenceListener>();
  private readonly cron: NodeJS.Timeout;
  private readonly snap: SnapshotState;
  private aofBaseSize: number;
  private closing: Promise<void> | null = null;
  /** The file's single-process lock (store/db-lock.ts), released once the writer has stopped. */
  private lock: DbLock | null = null;
  private readonly unhook: () => void;

  private constructor(
    private readonly engine: PersistedEngine,
    readonly dbPath: string,
    private readonly writer: WriterClient,
    readonly log: EventLog,
    private readonly snapshotter: Snapshotter,
    readonly recovery: RecoveryReport,
    settings: PersistenceSettings,
    private readonly now: () => number,
    private readonly logger: PersistenceLogger,
    cronMs: number,
    onEvent: PersistenceListener | undefined,
  ) {
    this.settings = settings;
    if (onEvent) this.listeners.add(onEvent);
    const lastSaveAt = recovery.snapshotFinishedAt || now();
    this.snap = {
      running: null,
      rewriteScheduled: false,
      lastStatus: 'ok',
      lastError: null,
      lastFailedAt: 0,
      lastSaveAt,
      lastStartSeq: recovery.snapshotId === null ? 0 : recovery.snapshotStartSeq,
      lastDurationMs: 0,
      lastKeys: 0,
      lastBytes: 0,
      saves: 0,
      rewrites: 0,
      lastRewriteStatus: 'ok',
      lastRewriteDurationMs: 0,
    };
    this.aofBaseSize = recovery.logBytes;
    this.unhook = engine.onMutation((record) => log.append(record));
    this.cron = setInterval(() => this.tick(), cronMs);
    this.cron.unref();
  }

  /**
   * Opens the database (migrating it, refusing foreign/newer files with a StoreError), recovers
   * `engine` from it, starts the writer thread and the log. With appendonly no and a log left
   * in the file, takes a snapshot at once so the log can go. Rejects with StoreError on refusal:
   * IN_USE (before anything reads or writes the file) when another process holds its lock.
   */
  static async open(engine: PersistedEngine, options: PersistenceOptions): Promise<Persistence> {
    const settings: PersistenceSettings = { ...DEFAULT_SETTINGS };
    for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof PersistenceSettings>) {
      if (options[key] !== undefined) Object.assign(settings, { [key]: options[key] });
    }
    const lock = DbLock.acquire(options.dbPath); // before any read or write of the file
    try {
      return await Persistence.openLocked(engine, options, settings, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** open() once the file's lock is held; the caller releases the lock if this rejects. */
  private static async openLocked(engine: PersistedEngine, options: PersistenceOptions, settings: PersistenceSettings, lock: DbLock): Promise<Persistence> {
    const now = options.now ?? Date.now;
    const logger = options.logger ?? consoleLogger;
    const store = await openStore(options.dbPath, { migrationsDir: options.migrationsDir, busyTimeoutMs: options.busyTimeoutMs });
    if (store.migrated.length > 0) logger.log(`${store.created ? 'created' : 'migrated'} ${store.path} (${store.migrated.join(', ')})`);
    const upgrade = store.payloadUpgrade;
    if (upgrade) logger.log(`upgraded ${store.path} to schema ${SCHEMA_VERSION}: ${upgrade.compressed} payloads compressed, ${upgrade.kept} already compressed, ${upgrade.unreadable} unreadable`);
    let report: RecoveryReport;
    try {
      report = await recover(store.prisma, engine, {
        now: now(),
        aofLoadTruncated: settings.aofLoadTruncated,
        logger,
        onProgress: (progress) => options.onEvent?.({ type: 'recovery-progress', progress }),
      });
    } finally {
      await store.prisma.$disconnect();
    }
    options.onEvent?.({ type: 'recovery-finished', report });
    const writer = new WriterClient(store.path, SYNC_MODE[settings.appendfsync], options.busyTimeoutMs ?? 2000);
    writer.onStartupError = (error) => logger.error(`writer thread could not configure SQLite: ${error.message}`);
    let self: Persistence | null = null;
    const log = new EventLog(writer, {
      policy: settings.appendfsync,
      enabled: settings.appendonly,
      now,
      batches: report.logBatches,
      bytes: report.logBytes,
      durableSeq: report.lastSeq,
      flushIntervalMs: options.flushIntervalMs,
      retryMs: options.retryMs,
      onEvent: (event) => self?.emit(event),
    });
    const snapshotter = new Snapshotter(engine, writer, { now });
    self = new Persistence(engine, store.path, writer, log, snapshotter, report, settings, now, logger, options.cronMs ?? 1000, options.onEvent);
    self.lock = lock;
    if (!settings.appendonly && report.logBatches > 0) {
      logger.log(`appendonly is no: saving a snapshot so the ${report.logBatches} log batches left in the file can be dropped`);
      await self.save();
    }
    return self;
  }

  /** Adds a listener for PersistenceEvents; returns a function that removes it. */
  subscribe(listener: PersistenceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** MISCONF error while the log cannot commit, else null (adapters refuse writes with it). */
  writeError(): MnemoError | null {
    return this.log.writeError();
  }

  /** See EventLog.waitFor: resolves when `seq` is durable per appendfsync, rejects with MISCONF. */
  waitFor(seq: number): Promise<void> {
    return this.log.waitFor(seq);
  }

  /** See EventLog.isDurable. */
  isDurable(seq: number): boolean {
    return this.log.isDurable(seq);
  }

  /** SAVE: a point-in-time snapshot taken in one turn; rejects 'ERR ...' if one is running. */
  async save(): Promise<void> {
    if (this.snap.running) throw new MnemoError('ERR', 'Background save already in progress');
    await this.startSnapshot('save', true);
  }

  /** BGSAVE: starts a fuzzy snapshot; resolves with Redis's reply text once it has started. */
  async bgsave(): Promise<string> {
    if (this.snap.running) throw new MnemoError('ERR', 'Background save already in progress');
    void this.startSnapshot('bgsave', false).catch(() => undefined);
    return 'Background saving started';
  }

  /** BGREWRITEAOF: a snapshot that drops the log it covers; scheduled if a snapshot is running. */
  async rewrite(): Promise<string> {
    if (this.snap.running?.kind === 'rewrite') throw new MnemoError('ERR', 'Background append only file rewriting already in progress');
    if (this.snap.running) {
      this.snap.rewriteScheduled = true;
      return 'Background append only file rewriting scheduled';
    }
    void this.startSnapshot('rewrite', false).catch(() => undefined);
    return 'Background append only file rewriting started';
  }

  /** Waits for the running snapshot, if any (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.snap.running) await this.snap.running.promise.catch(() => undefined);
  }

  /** Unix seconds of the last successful snapshot (LASTSAVE). */
  lastSave(): number {
    return Math.floor(this.snap.lastSaveAt / 1000);
  }

  configGet(pattern: string): Array<[string, string]> {
    const text = settingsToText(this.settings);
    return PERSISTENCE_OPTIONS.filter((name) => globMatch(pattern, name)).map((name) => [name, text[name]]);
  }

  /**
   * CONFIG SET for a persistence option: returns false if `name` is not one; throws MnemoError
   * ERR naming the option and the allowed values if `value` is invalid. appendonly yes starts
   * the log and a rewrite (so the log has a base); no flushes and stops it.
   */
  async configSet(name: string, value: string): Promise<boolean> {
    const option = name.toLowerCase();
    if (!isPersistenceOption(option)) return false;
    const next = applySetting(this.settings, option, value);
    const before = this.settings;
    this.settings = next;
    if (next.appendfsync !== before.appendfsync) await this.log.setPolicy(next.appendfsync);
    if (next.appendonly !== before.appendonly) {
      await this.log.setEnabled(next.appendonly);
      if (next.appendonly) await this.rewrite().catch(() => undefined);
    }
    this.emit({ type: 'config-changed', name: option, value: settingsToText(next)[option] });
    return true;
  }

  /** INFO persistence, with Redis's field names plus mnemo_* extras. */
  info(): Record<string, string | number> {
    const log: EventLogStatus = this.log.status();
    const now = this.now();
    const running = this.snap.running;
    const lastSeq = this.engine.lastSeq;
    return {
      loading: 0,
      async_loading: 0,
      rdb_changes_since_last_save: Math.max(0, lastSeq - this.snap.lastStartSeq),
      rdb_bgsave_in_progress: running ? 1 : 0,
      rdb_last_save_time: this.lastSave(),
      rdb_last_bgsave_status: this.snap.lastStatus,
      rdb_last_bgsave_time_sec: Math.round(this.snap.lastDurationMs / 1000),
      rdb_current_bgsave_time_sec: running ? Math.round((now - running.startedAt) / 1000) : -1,
      rdb_saves: this.snap.saves,
      rdb_last_load_keys_expired: this.recovery.keysExpired,
      rdb_last_load_keys_loaded: this.recovery.keysLoaded,
      aof_enabled: log.enabled ? 1 : 0,
      aof_rewrite_in_progress: running?.kind === 'rewrite' ? 1 : 0,
      aof_rewrite_scheduled: this.snap.rewriteScheduled ? 1 : 0,
      aof_last_rewrite_time_sec: Math.round(this.snap.lastRewriteDurationMs / 1000),
      aof_current_rewrite_time_sec: running?.kind === 'rewrite' ? Math.round((now - running.startedAt) / 1000) : -1,
      aof_last_bgrewrite_status: this.snap.lastRewriteStatus,
      aof_rewrites: this.snap.rewrites,
      aof_last_write_status: log.lastWriteOk ? 'ok' : 'err',
      aof_current_size: log.bytes,
      aof_base_size: this.aofBaseSize,
      aof_buffer_length: log.pendingBytes,
      mnemo_db_path: this.dbPath,
      mnemo_db_bytes: fileSize(this.dbPath) + fileSize(`${this.dbPath}-wal`),
      mnemo_appendfsync: log.policy,
      mnemo_log_batches: log.batches,
      mnemo_log_pending_records: log.pendingRecords,
      mnemo_log_commits: log.commits,
      mnemo_log_records_committed: log.recordsCommitted,
      mnemo_last_commit_time_ms: log.lastCommitAt,
      mnemo_last_fsync_time_ms: log.lastFsyncAt,
      mnemo_fsync_lag_ms: log.fsyncLagMs ?? -1,
      mnemo_last_write_error: log.lastError ?? '',
      mnemo_durable_seq: log.durableSeq,
      mnemo_last_seq: lastSeq,
      mnemo_snapshot_in_progress: running ? running.kind : '',
      mnemo_last_snapshot_keys: this.snap.lastKeys,
      mnemo_last_snapshot_bytes: this.snap.lastBytes,
      mnemo_last_snapshot_duration_ms: this.snap.lastDurationMs,
      mnemo_last_snapshot_error: this.snap.lastError ?? '',
    };
  }

  /**
   * Graceful shutdown: aborts a running BGSAVE, commits and fsyncs the log (or, with appendonly
   * no and save points set, takes a final SAVE as Redis does), then stops the writer thread.
   * Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    clearInterval(this.cron);
    if (this.snap.running) {
      this.snapshotter.abort();
      await this.idle();
    }
    try {
      if (this.settings.appendonly) await this.log.flushAndSync();
      else if (this.settings.save.length > 0) await this.startSnapshot('shutdown', true);
    } catch (error) {
      this.logger.error(`shutdown could not persist everything: ${(error as Error).message}`);
    }
    this.unhook();
    this.log.close();
    try {
      await this.writer.close();
    } finally {
      this.lock?.release();
      this.lock = null;
    }
  }

  private startSnapshot(kind: SnapshotKind, blocking: boolean): Promise<SnapshotResult> {
    const startedAt = this.now();
    this.emit({ type: 'snapshot-started', kind, at: startedAt });
    const promise = this.snapshotter.run(kind, blocking).then(
      (result) => {
        this.snap.running = null;
        this.snap.lastStatus = 'ok';
        this.snap.lastError = null;
        this.snap.lastSaveAt = startedAt + result.durationMs;
        this.snap.lastStartSeq = result.startSeq;
        this.snap.lastDurationMs = result.durationMs;
        this.snap.lastKeys = result.keys;
        this.snap.lastBytes = result.bytes;
        this.snap.saves++;
        if (kind === 'rewrite') {
          this.snap.rewrites++;
          this.snap.lastRewriteStatus = 'ok';
          this.snap.lastRewriteDurationMs = result.durationMs;
        }
        this.log.noteCompaction(result.droppedBatches, result.droppedBytes);
        this.aofBaseSize = this.log.status().bytes;
        this.logger.log(`${kind} snapshot #${result.snapshotId}: ${result.keys} keys, ${result.bytes} bytes in ${result.durationMs} ms; dropped ${result.droppedBatches} log batches`);
        this.emit({ type: 'snapshot-finished', kind, result });
        this.runScheduledRewrite();
        return result;
      },
      (error: Error) => {
        this.snap.running = null;
        if (!(error instanceof SnapshotAborted)) {
          this.snap.lastStatus = 'err';
          this.snap.lastError = error.message;
          this.snap.lastFailedAt = this.now();
          if (kind === 'rewrite') this.snap.lastRewriteStatus = 'err';
          this.logger.error(`${kind} failed: ${error.message}`);
        }
        this.emit({ type: 'snapshot-failed', kind, error: error.message });
        this.runScheduledRewrite();
        throw error;
      },
    );
    this.snap.running = { kind, startedAt, promise };
    return promise;
  }

  private runScheduledRewrite(): void {
    if (!this.snap.rewriteScheduled || this.closing) return;
    this.snap.rewriteScheduled = false;
    void this.startSnapshot('rewrite', false).catch(() => undefined);
  }

  /** Save points and auto-rewrite, checked every cronMs (Redis's serverCron). */
  private tick(): void {
    if (this.snap.running || this.closing) return;
    const now = this.now();
    const changes = this.engine.lastSeq - this.snap.lastStartSeq;
    const retryOk = this.snap.lastStatus === 'ok' || now - this.snap.lastFailedAt > BGSAVE_RETRY_DELAY_MS;
    const due = this.settings.save.find((point) => changes >= point.changes && now - this.snap.lastSaveAt >= point.seconds * 1000);
    if (due && changes > 0 && retryOk) {
      this.logger.log(`${due.changes} changes in ${due.seconds} seconds. Saving...`);
      void this.startSnapshot('auto', false).catch(() => undefined);
      return;
    }
    const { autoAofRewritePercentage: pct, autoAofRewriteMinSize: minSize } = this.settings;
    const size = this.log.status().bytes;
    if (this.settings.appendonly && pct > 0 && size > minSize && retryOk) {
      const base = this.aofBaseSize || 1;
      const growth = ((size - base) * 100) / base;
      if (growth >= pct) {
        this.logger.log(`starting automatic rewrite: log grew ${Math.round(growth)}% over ${base} bytes`);
        void this.startSnapshot('rewrite', false).catch(() => undefined);
      }
    }
  }

  private emit(event: PersistenceEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.warn(`a persistence listener threw: ${(error as Error).message}`);
      }
    }
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
