// The persistence facade: opens the file, recovers the engine, keeps the log, hands snapshots to
// the scheduler, answers INFO/CONFIG, and shuts down cleanly.

import { globMatch } from '@mnemo/engine';
import type { MnemoError } from '@mnemo/engine';
import { applySetting, DEFAULT_SETTINGS, isPersistenceOption, PERSISTENCE_OPTIONS, PersistenceSettings, settingsToText } from './config';
import { consoleLogger, type PersistedEngine, type PersistenceLogger } from './engine-port';
import { EventLog, SYNC_MODE } from './log/event-log';
import type { PersistenceEvent, PersistenceListener } from './persistence-events';
import { persistenceInfo } from './persistence-info';
import { recover, type RecoveryReport } from './recovery/recover';
import { SnapshotScheduler } from './snapshot/snapshot-scheduler';
import { Snapshotter } from './snapshot/snapshotter';
import { DbLock } from './store/db-lock';
import { openStore, SCHEMA_VERSION, sqliteFileError } from './store/open-store';
import { StoreError } from './store/store-errors';
import { WriterClient } from './writer/writer-client';

export type { PersistenceEvent, PersistenceListener } from './persistence-events';

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
  /** Log bytes waiting for the writer beyond which writes wait for their commit (see EventLog). Default 64 MiB. */
  maxBacklogBytes?: number;
  maxLagMs?: number;
  onEvent?: PersistenceListener;
}

/**
 * The event log's failures and recoveries are the operator's business too, not only the
 * dashboard's: this listener puts them in the server log (Redis logs "Error writing to the AOF
 * file" and "AOF write error looks solved").
 */
function logWriteFailures(logger: PersistenceLogger, now: () => number): PersistenceListener {
  let failingSince: number | null = null;
  return (event) => {
    if (event.type === 'write-error') {
      failingSince = now();
      logger.error(`event log: cannot commit (${event.message}); writes are refused with MISCONF, reads go on; retrying until a commit succeeds`);
    } else if (event.type === 'write-resumed') {
      const seconds = failingSince === null ? '?' : ((now() - failingSince) / 1000).toFixed(1);
      failingSince = null;
      logger.log(`event log: commits succeed again after ${seconds} s; writes resumed, nothing acknowledged was lost`);
    }
  };
}

export class Persistence {
  private settings: PersistenceSettings;
  private readonly listeners = new Set<PersistenceListener>();
  private readonly cron: NodeJS.Timeout;
  private readonly snapshots: SnapshotScheduler;
  private closing: Promise<void> | null = null;
  /** False after SHUTDOWN NOSAVE (or SAVE, which just saved): close takes no snapshot of its own. */
  private finalSnapshot = true;
  /** The CONFIG SET calls in progress, run one after the other (configSet). */
  private configChain: Promise<unknown> = Promise.resolve();
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
    this.listeners.add(logWriteFailures(logger, now));
    if (onEvent) this.listeners.add(onEvent);
    this.snapshots = new SnapshotScheduler(
      { engine, log, snapshotter, now, logger, settings: () => this.settings, closing: () => this.closing !== null, emit: (event) => this.emit(event) },
      {
        lastSaveAt: recovery.snapshotFinishedAt || now(),
        lastStartSeq: recovery.snapshotId === null ? 0 : recovery.snapshotStartSeq,
        aofBaseSize: recovery.logBytes,
        recoveredSeq: recovery.lastSeq,
      },
    );
    this.unhook = engine.addMutationSink(log);
    this.cron = setInterval(() => this.snapshots.tick(), cronMs);
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
    if (store.wasEmptyFile) logger.warn(`${store.path} existed but was empty (0 bytes): made it a new, empty Mnemo database`);
    else if (store.migrated.length > 0) logger.log(`${store.created ? 'created' : 'migrated'} ${store.path} (${store.migrated.join(', ')})`);
    else logger.log(`opened ${store.path}`);
    const upgrade = store.payloadUpgrade;
    if (upgrade) logger.log(`upgraded ${store.path} from schema ${upgrade.fromVersion} to ${SCHEMA_VERSION}`);
    let report: RecoveryReport;
    try {
      report = await recover(store.prisma, engine, {
        dbPath: store.path,
        now: now(),
        aofLoadTruncated: settings.aofLoadTruncated,
        logger,
        onProgress: (progress) => options.onEvent?.({ type: 'recovery-progress', progress }),
      });
    } catch (error) {
      // SQLite finding the file damaged while reading it back is a refusal naming the file.
      throw (error instanceof StoreError ? null : sqliteFileError(store.path, error)) ?? error;
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
      maxBacklogBytes: options.maxBacklogBytes,
      maxLagMs: options.maxLagMs,
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

  /** True when replies that may show a write wait for its commit too (appendfsync always, log on). */
  readsWait(): boolean {
    return this.log.readsWait();
  }

  /** SAVE: a point-in-time snapshot taken in one turn; rejects 'ERR ...' if one is running. */
  save(): Promise<void> {
    return this.snapshots.save();
  }

  /**
   * SHUTDOWN SAVE / NOSAVE, before the stop: SAVE aborts a running background snapshot and saves
   * now (as Redis kills its BGSAVE child); NOSAVE skips the final snapshot that appendonly no with
   * save points would take at close (the log, when on, is still flushed: nothing acknowledged goes).
   */
  async prepareShutdown(mode: 'save' | 'nosave'): Promise<void> {
    if (mode === 'save') {
      await this.snapshots.abort();
      await this.snapshots.save();
    }
    this.finalSnapshot = false;
  }

  /** BGSAVE [SCHEDULE]: starts a fuzzy snapshot; resolves with Redis's reply text once it has started (or is scheduled). */
  bgsave(schedule = false): Promise<string> {
    return this.snapshots.bgsave(schedule);
  }

  /** BGREWRITEAOF: a snapshot that drops the log it covers; scheduled if a snapshot is running. */
  rewrite(): Promise<string> {
    return this.snapshots.rewrite();
  }

  /** Waits for the running snapshot, if any (tests, shutdown). */
  idle(): Promise<void> {
    return this.snapshots.idle();
  }

  /** Unix seconds of the last successful snapshot (LASTSAVE). */
  lastSave(): number {
    return Math.floor(this.snapshots.state.lastSaveAt / 1000);
  }

  configGet(pattern: string): Array<[string, string]> {
    const text = settingsToText(this.settings);
    return PERSISTENCE_OPTIONS.filter((name) => globMatch(pattern, name, true)).map((name) => [name, text[name]]);
  }

  /**
   * CONFIG SET for a persistence option: returns false if `name` is not one; throws MnemoError
   * ERR naming the option and the allowed values if `value` is invalid. appendonly yes starts
   * the log and a rewrite (so the log has a base); no flushes and stops it.
   */
  configSet(name: string, value: string): Promise<boolean> {
    // One at a time: each reads the settings the previous one left. Two overlapping calls (say
    // appendonly no, then yes while the first waited for its flush) each wrote back what it had
    // read before its await, and the log stayed off while CONFIG GET said yes.
    const run = this.configChain.then(() => this.applyConfig(name, value));
    this.configChain = run.catch(() => undefined);
    return run;
  }

  private async applyConfig(name: string, value: string): Promise<boolean> {
    const option = name.toLowerCase();
    if (!isPersistenceOption(option)) return false;
    const next = applySetting(this.settings, option, value);
    const before = this.settings;
    // The writer thread first: if it refuses the new sync mode, CONFIG GET keeps the policy in force.
    if (next.appendfsync !== before.appendfsync) await this.log.setPolicy(next.appendfsync);
    this.settings = next;
    if (next.appendonly !== before.appendonly) {
      await this.log.setEnabled(next.appendonly, this.engine.lastSeq);
      if (next.appendonly) this.snapshots.rewriteFromNow();
    }
    this.emit({ type: 'config-changed', name: option, value: settingsToText(next)[option] });
    return true;
  }

  /** INFO persistence, with Redis's field names plus mnemo_* extras (see persistence-info.ts). */
  info(): Record<string, string | number> {
    return persistenceInfo({ log: this.log.status(), snap: this.snapshots.state, saveProgress: this.snapshotter.progress, recovery: this.recovery, now: this.now(), lastSeq: this.engine.lastSeq, dbPath: this.dbPath });
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
    await this.snapshots.abort();
    const lastSeq = this.engine.lastSeq;
    try {
      if (this.settings.appendonly) {
        await this.log.flushAndSync();
        this.logger.log(`shutdown: the event log is committed and fsynced up to seq ${lastSeq}`);
        // Records made while appendonly was off are only in a snapshot; if no snapshot since
        // covers them (the rewrite appendonly yes started did not finish), take one now, as
        // Redis will not exit while it writes its initial AOF.
        if (this.log.unloggedThrough > this.snapshots.state.lastStartSeq) {
          const saved = await this.snapshots.run('shutdown', true);
          this.logger.log(`shutdown: saved a snapshot of ${saved.keys} keys (records up to seq ${this.log.unloggedThrough} were made while appendonly was off)`);
        }
      } else if (this.settings.save.length > 0 && this.finalSnapshot) {
        const saved = await this.snapshots.run('shutdown', true);
        this.logger.log(`shutdown: saved a snapshot of ${saved.keys} keys (appendonly no)`);
      } else {
        this.logger.warn('shutdown: appendonly no and no save points: nothing is persisted (pure cache mode)');
      }
    } catch (error) {
      const durable = this.log.durableSeq;
      const lost = this.settings.appendonly && lastSeq > durable ? `; records ${durable + 1}..${lastSeq} (${lastSeq - durable}) were not committed` : '';
      this.logger.error(`shutdown could not persist everything: ${(error as Error).message}${lost}`);
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
