// Persistence events and status for the dashboard, derived from PersistenceControl.
//
// Design note. If the persistence control offers the library's event API (`subscribe`, as
// @mnemo/persistence's Persistence does), its events are mapped and forwarded as they happen, and
// its start-up recovery report becomes a first 'recovery-finished' event. Otherwise events are
// derived by comparing two INFO persistence readings (taken every second), with Redis's names:
//
//   rdb_bgsave_in_progress 0 -> 1                  snapshot-started
//   rdb_bgsave_in_progress 1 -> 0                  snapshot-finished / -failed (rdb_last_bgsave_status)
//   rdb_saves or rdb_last_save_time grew, 0 -> 0   snapshot-finished (it started and ended between readings)
//   aof_rewrite_in_progress (+ aof_rewrites)       rewrite-started / -finished / -failed (aof_last_bgrewrite_status)
//   aof_last_write_status ok -> err / err -> ok    fsync-error / fsync-recovered
//   loading 1 (each reading) / 1 -> 0              recovery-progress / recovery-finished
//
// A short history (the last HISTORY_SIZE events) is kept for dashboards that connect later.

import type { PersistenceEvent, PersistenceEventKind, StatsFrame } from '@mnemo/contracts';
import { NO_PERSISTENCE } from '../core/persistence-control';
import type { PersistenceControl, PersistenceInfo } from '../core/persistence-control';
import { fromStoreEvent, isStoreEventSource, recoveryFinished } from './persistence-events';

export const HISTORY_SIZE = 50;

function num(info: PersistenceInfo, field: string): number {
  const value = Number(info[field] ?? 0);
  return Number.isFinite(value) ? value : 0;
}

function text(info: PersistenceInfo, field: string): string | null {
  return info[field] === undefined ? null : String(info[field]);
}

export class PersistenceWatch {
  private readonly history: PersistenceEvent[] = [];
  private previous: PersistenceInfo | null = null;
  private source: PersistenceControl | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly emit: (event: PersistenceEvent) => void) {}

  /** The recent events, oldest first. */
  recent(): PersistenceEvent[] {
    return [...this.history];
  }

  /**
   * Reads `control` once: forwards its events if it has an event API (subscribing the first time
   * a given control is seen), else diffs its INFO with the previous reading. Never throws.
   * `now` stamps derived events; forwarded ones carry their own time (or the wall clock).
   */
  poll(control: PersistenceControl, now: number): void {
    if (control !== this.source) {
      this.unsubscribe?.();
      this.unsubscribe = null;
      this.source = control;
      this.previous = null;
      if (isStoreEventSource(control)) {
        if (control.recovery) this.push(recoveryFinished(control.recovery, now));
        this.unsubscribe = control.subscribe((event) => {
          const mapped = fromStoreEvent(event, Date.now());
          if (mapped) this.push(mapped);
        });
      }
    }
    if (this.unsubscribe) return;
    let info: PersistenceInfo;
    try {
      info = control.info();
    } catch (error) {
      this.push({ at: now, kind: 'fsync-error', message: `persistence info failed: ${(error as Error).message}` });
      return;
    }
    if (this.previous) this.diff(this.previous, info, now);
    else if (num(info, 'loading') === 1) this.push({ at: now, kind: 'recovery-progress', message: 'loading the dataset' });
    this.previous = info;
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private diff(before: PersistenceInfo, after: PersistenceInfo, at: number): void {
    const event = (kind: PersistenceEventKind, message: string, details?: PersistenceEvent['details']): void =>
      this.push(details ? { at, kind, message, details } : { at, kind, message });
    const wasSaving = num(before, 'rdb_bgsave_in_progress') === 1;
    const saving = num(after, 'rdb_bgsave_in_progress') === 1;
    const saved =
      num(after, 'rdb_saves') > num(before, 'rdb_saves') || num(after, 'rdb_last_save_time') > num(before, 'rdb_last_save_time');
    if (!wasSaving && saving) event('snapshot-started', 'background snapshot started');
    if ((wasSaving && !saving) || (!wasSaving && !saving && saved)) {
      const ok = text(after, 'rdb_last_bgsave_status') !== 'err';
      event(ok ? 'snapshot-finished' : 'snapshot-failed', ok ? 'background snapshot finished' : 'background snapshot failed', {
        durationSec: num(after, 'rdb_last_bgsave_time_sec'),
      });
    }
    const wasRewriting = num(before, 'aof_rewrite_in_progress') === 1;
    const rewriting = num(after, 'aof_rewrite_in_progress') === 1;
    const rewrote = num(after, 'aof_rewrites') > num(before, 'aof_rewrites');
    if (!wasRewriting && rewriting) event('rewrite-started', 'log rewrite started');
    if ((wasRewriting && !rewriting) || (!wasRewriting && !rewriting && rewrote)) {
      const ok = text(after, 'aof_last_bgrewrite_status') !== 'err';
      event(ok ? 'rewrite-finished' : 'rewrite-failed', ok ? 'log rewrite finished' : 'log rewrite failed', {
        logBytes: num(after, 'aof_current_size'),
      });
    }
    const writeBefore = text(before, 'aof_last_write_status');
    const writeAfter = text(after, 'aof_last_write_status');
    if (writeBefore !== 'err' && writeAfter === 'err') {
      event('fsync-error', text(after, 'mnemo_last_write_error') || 'writing the event log failed');
    }
    if (writeBefore === 'err' && writeAfter === 'ok') event('fsync-recovered', 'event log writes succeed again');
    if (num(after, 'loading') === 1) {
      event('recovery-progress', 'loading the dataset', { loadedPerc: num(after, 'loading_loaded_perc') });
    }
    if (num(before, 'loading') === 1 && num(after, 'loading') === 0) event('recovery-finished', 'dataset loaded');
  }

  private push(event: PersistenceEvent): void {
    this.history.push(event);
    if (this.history.length > HISTORY_SIZE) this.history.shift();
    this.emit(event);
  }
}

/**
 * The `persistence` part of a stats frame. 'off' when nothing is persisted (no persistence
 * service, or neither the log (aof_enabled) nor save points), 'error' when the last log write or snapshot
 * failed. `lagMs`: how long the oldest un-fsynced commit has waited (mnemo_fsync_lag_ms; null
 * under appendfsync no), else the time since mnemo_last_fsync_time_ms.
 */
export function persistenceStatus(control: PersistenceControl, appendfsync: string, now: number): StatsFrame['persistence'] {
  let info: PersistenceInfo;
  let savePoints = '';
  try {
    info = control.info();
    savePoints = control.configGet('save')[0]?.[1] ?? '';
  } catch (error) {
    info = { aof_enabled: 1, aof_last_write_status: 'err', mnemo_last_write_error: (error as Error).message };
  }
  const off = control === NO_PERSISTENCE || (num(info, 'aof_enabled') === 0 && savePoints.trim() === '');
  const writeFailed = text(info, 'aof_last_write_status') === 'err';
  const snapshotFailed = text(info, 'rdb_last_bgsave_status') === 'err';
  let lagMs: number | null = null;
  if (info['mnemo_fsync_lag_ms'] !== undefined) {
    const reported = num(info, 'mnemo_fsync_lag_ms');
    lagMs = reported >= 0 ? reported : null;
  } else if (num(info, 'mnemo_last_fsync_time_ms') > 0) {
    lagMs = Math.max(0, now - num(info, 'mnemo_last_fsync_time_ms'));
  }
  const lastError =
    text(info, 'mnemo_last_write_error') || text(info, 'mnemo_last_snapshot_error') || null;
  const logEnabled = !off && num(info, 'aof_enabled') === 1;
  return {
    status: off ? 'off' : writeFailed || snapshotFailed ? 'error' : 'ok',
    logEnabled,
    appendfsync: text(info, 'mnemo_appendfsync') ?? appendfsync,
    lagMs: logEnabled ? lagMs : null,
    logBytes: num(info, 'aof_current_size'),
    bgsaveInProgress: num(info, 'rdb_bgsave_in_progress') === 1,
    rewriteInProgress: num(info, 'aof_rewrite_in_progress') === 1,
    lastError: lastError ?? (writeFailed ? 'event log write failed' : snapshotFailed ? 'snapshot failed' : null),
  };
}
