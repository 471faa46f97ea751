// When snapshots run: SAVE, BGSAVE and BGREWRITEAOF requests, a rewrite scheduled behind a
// running snapshot, save points and auto-rewrite (Redis's serverCron), and the outcome counters
// INFO persistence reports.

import { MnemoError } from '@mnemo/engine';
import type { PersistenceSettings } from '../config';
import type { PersistedEngine, PersistenceLogger } from '../engine-port';
import type { EventLog } from '../log/event-log';
import type { PersistenceEvent } from '../persistence-events';
import { SnapshotAborted, type Snapshotter, type SnapshotKind, type SnapshotResult } from './snapshotter';

/** A snapshot refused because another one is running (Redis's -ERR; the HTTP API's 409 SNAPSHOT_RUNNING). */
export class SnapshotConflict extends MnemoError {
  constructor(message: string) {
    super('ERR', message);
  }
}

/** Redis waits this long before retrying a failed automatic BGSAVE. */
const BGSAVE_RETRY_DELAY_MS = 5000;
const REWRITE_RETRY_MAX_MS = 5 * 60_000;

/** The running snapshot, if any, and what the last ones did (read by INFO persistence). */
export interface SnapshotState {
  running: { kind: SnapshotKind; startedAt: number; promise: Promise<SnapshotResult> } | null;
  rewriteScheduled: boolean;
  /** BGSAVE SCHEDULE asked during a rewrite: a BGSAVE starts once nothing runs (after a scheduled rewrite). */
  bgsaveScheduled: boolean;
  lastStatus: 'ok' | 'err';
  lastError: string | null;
  lastFailedAt: number;
  lastSaveAt: number;
  lastStartSeq: number;
  /**
   * rdb_changes_since_last_save counts from this seq: the last snapshot's start, or where
   * recovery left the engine (Redis's dirty is 0 after loading: replayed records are not changes).
   */
  changesBaseSeq: number;
  /** -1 until a snapshot has run (Redis's rdb_last_bgsave_time_sec is -1 then). */
  lastDurationMs: number;
  lastKeys: number;
  lastBytes: number;
  /** Snapshots taken as saves (SAVE, BGSAVE, save points, shutdown): Redis's rdb_saves. */
  saves: number;
  rewrites: number;
  lastRewriteStatus: 'ok' | 'err';
  /** -1 until a rewrite has run. */
  lastRewriteDurationMs: number;
  /** Rewrites failed since the last one that succeeded: Redis's aof_rewrites_consecutive_failures. */
  rewriteFailuresInARow: number;
  /** When the last rewrite failed (0: never): automatic rewrites back off from it. */
  lastRewriteFailedAt: number;
  /** Log size right after the last snapshot (or recovery): auto-rewrite measures growth from it. */
  aofBaseSize: number;
}

export interface SnapshotSchedulerDeps {
  engine: Pick<PersistedEngine, 'lastSeq'>;
  /** The event log: told what a snapshot compacted, asked its size (auto-rewrite). */
  log: Pick<EventLog, 'noteCompaction'> & { status(): { bytes: number } };
  snapshotter: Pick<Snapshotter, 'run' | 'abort'>;
  now: () => number;
  logger: PersistenceLogger;
  /** The current settings (CONFIG SET may change them between calls). */
  settings: () => PersistenceSettings;
  /** True once shutdown has begun: no scheduled or automatic snapshot starts then. */
  closing: () => boolean;
  emit: (event: PersistenceEvent) => void;
}

export class SnapshotScheduler {
  readonly state: SnapshotState;

  /** `lastSaveAt`, `lastStartSeq`, `aofBaseSize`: what recovery found in the file; `recoveredSeq`: the engine's seq after recovery. */
  constructor(
    private readonly deps: SnapshotSchedulerDeps,
    initial: { lastSaveAt: number; lastStartSeq: number; aofBaseSize: number; recoveredSeq: number },
  ) {
    this.state = {
      running: null,
      rewriteScheduled: false,
      bgsaveScheduled: false,
      lastStatus: 'ok',
      lastError: null,
      lastFailedAt: 0,
      lastSaveAt: initial.lastSaveAt,
      lastStartSeq: initial.lastStartSeq,
      changesBaseSeq: initial.recoveredSeq,
      lastDurationMs: -1,
      lastKeys: 0,
      lastBytes: 0,
      saves: 0,
      rewrites: 0,
      lastRewriteStatus: 'ok',
      lastRewriteDurationMs: -1,
      rewriteFailuresInARow: 0,
      lastRewriteFailedAt: 0,
      aofBaseSize: initial.aofBaseSize,
    };
  }

  /** SAVE: a point-in-time snapshot taken in one turn; rejects 'ERR ...' if one is running. */
  async save(): Promise<void> {
    this.refuseWhileRunning();
    await this.run('save', true);
  }

  /**
   * BGSAVE: starts a fuzzy snapshot; resolves with Redis's reply text once it has started. During
   * a rewrite it is refused as Redis refuses it beside an AOF child, or with `schedule` (BGSAVE
   * SCHEDULE) kept for when the rewrite is done; beside another snapshot it is refused either way.
   */
  async bgsave(schedule = false): Promise<string> {
    if (this.state.running?.kind === 'rewrite') {
      if (!schedule) throw new SnapshotConflict("Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
      this.state.bgsaveScheduled = true;
      return 'Background saving scheduled';
    }
    this.refuseWhileRunning();
    void this.run('bgsave', false).catch(() => undefined);
    return 'Background saving started';
  }

  /** Refuses SAVE and BGSAVE while a snapshot or a rewrite runs, naming which. */
  private refuseWhileRunning(): void {
    const running = this.state.running;
    if (!running) return;
    if (running.kind === 'rewrite') throw new SnapshotConflict("Background append only file rewriting in progress: can't save right now, try again when it is done");
    throw new SnapshotConflict('Background save already in progress');
  }

  /** BGREWRITEAOF: a snapshot that drops the log it covers; scheduled if a snapshot is running. */
  async rewrite(): Promise<string> {
    if (this.state.running?.kind === 'rewrite') throw new SnapshotConflict('Background append only file rewriting already in progress');
    if (this.state.running) {
      this.state.rewriteScheduled = true;
      return 'Background append only file rewriting scheduled';
    }
    void this.run('rewrite', false).catch(() => undefined);
    return 'Background append only file rewriting started';
  }

  /**
   * A rewrite that starts from the current seq: at once, or behind the running snapshot even
   * when that is a rewrite (it started before now, so it cannot cover what came since). What
   * appendonly yes needs: the log's base must cover the records made while it was off.
   */
  rewriteFromNow(): void {
    if (this.state.running) this.state.rewriteScheduled = true;
    else void this.run('rewrite', false).catch(() => undefined);
  }

  /** Waits for the running snapshot, if any (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.state.running) await this.state.running.promise.catch(() => undefined);
  }

  /** Aborts a running BGSAVE/rewrite (shutdown) and waits until it has stopped. */
  async abort(): Promise<void> {
    if (!this.state.running) return;
    this.deps.snapshotter.abort();
    await this.idle();
  }

  /**
   * Runs one snapshot of `kind` (blocking: in one turn) and books its outcome: the counters,
   * the log's compaction, the events, then a rewrite scheduled behind it. Resolves with the
   * result or rejects with the snapshot's error (SnapshotAborted when aborted).
   */
  run(kind: SnapshotKind, blocking: boolean): Promise<SnapshotResult> {
    const { deps, state } = this;
    const startedAt = deps.now();
    deps.emit({ type: 'snapshot-started', kind, at: startedAt });
    const promise = deps.snapshotter.run(kind, blocking).then(
      (result) => {
        state.running = null;
        // Either kind writes a snapshot a restart can load, so LASTSAVE and the changes since it
        // follow both; the BGSAVE fields (status, duration, count) follow saves only, the
        // rewrite fields rewrites only, as in Redis's INFO.
        state.lastSaveAt = startedAt + result.durationMs;
        state.lastStartSeq = result.startSeq;
        state.changesBaseSeq = result.startSeq;
        state.lastKeys = result.keys;
        state.lastBytes = result.bytes;
        if (kind === 'rewrite') {
          state.rewrites++;
          state.lastRewriteStatus = 'ok';
          state.lastRewriteDurationMs = result.durationMs;
          state.rewriteFailuresInARow = 0;
          state.lastError = null;
        } else {
          state.saves++;
          state.lastStatus = 'ok';
          state.lastError = null;
          state.lastDurationMs = result.durationMs;
        }
        deps.log.noteCompaction(result.droppedBatches, result.droppedBytes);
        state.aofBaseSize = deps.log.status().bytes;
        deps.logger.log(`${kind} snapshot #${result.snapshotId}: ${result.keys} keys, ${result.bytes} bytes in ${result.durationMs} ms; dropped ${result.droppedBatches} log batches`);
        deps.emit({ type: 'snapshot-finished', kind, result });
        this.runScheduled();
        return result;
      },
      (error: Error) => {
        state.running = null;
        if (!(error instanceof SnapshotAborted)) {
          state.lastError = error.message;
          if (kind === 'rewrite') {
            state.lastRewriteStatus = 'err';
            state.rewriteFailuresInARow++;
            state.lastRewriteFailedAt = deps.now();
          } else {
            state.lastStatus = 'err';
            state.lastFailedAt = deps.now();
          }
          deps.logger.error(`${kind} failed: ${error.message}`);
        }
        deps.emit({ type: 'snapshot-failed', kind, error: error.message });
        this.runScheduled();
        throw error;
      },
    );
    state.running = { kind, startedAt, promise };
    return promise;
  }

  /** Once a snapshot ends: a scheduled rewrite, else a scheduled BGSAVE (in Redis's serverCron order). */
  private runScheduled(): void {
    if (this.deps.closing()) return;
    if (this.state.rewriteScheduled) {
      this.state.rewriteScheduled = false;
      void this.run('rewrite', false).catch(() => undefined);
    } else if (this.state.bgsaveScheduled) {
      this.state.bgsaveScheduled = false;
      void this.run('bgsave', false).catch(() => undefined);
    }
  }

  /**
   * Save points and auto-rewrite (Redis's serverCron), called every cronMs: starts a BGSAVE when
   * a save point is due, else a rewrite when the log grew auto-aof-rewrite-percentage over its
   * base and is past auto-aof-rewrite-min-size. Nothing while a snapshot runs or shutdown has
   * begun; no save point within 5 s of a failed save, and no rewrite within 5 s of a failed
   * rewrite, doubling with each failure in a row up to 5 minutes (a full disk made a rewrite of
   * the whole keyspace start and fail every second).
   */
  tick(): void {
    const { deps, state } = this;
    if (state.running || deps.closing()) return;
    const settings = deps.settings();
    const now = deps.now();
    const changes = deps.engine.lastSeq - state.changesBaseSeq;
    const retryOk = state.lastStatus === 'ok' || now - state.lastFailedAt > BGSAVE_RETRY_DELAY_MS;
    const due = settings.save.find((point) => changes >= point.changes && now - state.lastSaveAt >= point.seconds * 1000);
    if (due && changes > 0 && retryOk) {
      deps.logger.log(`${due.changes} changes in ${due.seconds} seconds. Saving...`);
      void this.run('auto', false).catch(() => undefined);
      return;
    }
    const { autoAofRewritePercentage: pct, autoAofRewriteMinSize: minSize } = settings;
    const size = deps.log.status().bytes;
    const rewriteBackoffMs = Math.min(REWRITE_RETRY_MAX_MS, BGSAVE_RETRY_DELAY_MS * 2 ** Math.max(0, state.rewriteFailuresInARow - 1));
    const rewriteRetryOk = state.rewriteFailuresInARow === 0 || now - state.lastRewriteFailedAt > rewriteBackoffMs;
    if (settings.appendonly && pct > 0 && size > minSize && rewriteRetryOk) {
      const base = state.aofBaseSize;
      const growth = base === 0 ? Infinity : ((size - base) * 100) / base;
      if (growth >= pct) {
        const why = base === 0 ? `log of ${size} bytes, more than auto-aof-rewrite-min-size (${minSize}), since the last rewrite left none` : `log grew ${Math.round(growth)}% over ${base} bytes`;
        deps.logger.log(`starting automatic rewrite: ${why}`);
        void this.run('rewrite', false).catch(() => undefined);
      }
    }
  }
}
