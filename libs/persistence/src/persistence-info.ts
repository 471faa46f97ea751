// INFO persistence: Redis's field names plus mnemo_* extras, from the log, snapshot and recovery state.

import { statSync } from 'node:fs';
import type { EventLogStatus } from './log/event-log';
import type { RecoveryReport } from './recovery/recover';
import type { SnapshotState } from './snapshot/snapshot-scheduler';

export interface InfoSources {
  log: EventLogStatus;
  snap: SnapshotState;
  /** The running snapshot's progress (Snapshotter.progress); read only while one runs. */
  saveProgress: { processed: number; total: number };
  recovery: RecoveryReport;
  /** Wall clock now (ms) and the engine's last seq. */
  now: number;
  lastSeq: number;
  dbPath: string;
}

/** The INFO persistence section as field -> value, in Redis's order, then Mnemo's own fields. */
export function persistenceInfo({ log, snap, saveProgress, recovery, now, lastSeq, dbPath }: InfoSources): Record<string, string | number> {
  const running = snap.running;
  return {
    loading: 0,
    async_loading: 0,
    // Keys written by the running SAVE/BGSAVE/rewrite and the keyspace's size when it began; 0 when none runs.
    current_save_keys_processed: running ? saveProgress.processed : 0,
    current_save_keys_total: running ? saveProgress.total : 0,
    rdb_changes_since_last_save: Math.max(0, lastSeq - snap.changesBaseSeq),
    rdb_bgsave_in_progress: running && running.kind !== 'rewrite' ? 1 : 0,
    rdb_last_save_time: Math.floor(snap.lastSaveAt / 1000),
    rdb_last_bgsave_status: snap.lastStatus,
    rdb_last_bgsave_time_sec: seconds(snap.lastDurationMs),
    rdb_current_bgsave_time_sec: running && running.kind !== 'rewrite' ? Math.round((now - running.startedAt) / 1000) : -1,
    rdb_saves: snap.saves,
    rdb_last_load_keys_expired: recovery.keysExpired,
    rdb_last_load_keys_loaded: recovery.keysLoaded,
    aof_enabled: log.enabled ? 1 : 0,
    aof_rewrite_in_progress: running?.kind === 'rewrite' ? 1 : 0,
    aof_rewrite_scheduled: snap.rewriteScheduled ? 1 : 0,
    aof_last_rewrite_time_sec: seconds(snap.lastRewriteDurationMs),
    aof_current_rewrite_time_sec: running?.kind === 'rewrite' ? Math.round((now - running.startedAt) / 1000) : -1,
    aof_last_bgrewrite_status: snap.lastRewriteStatus,
    aof_rewrites: snap.rewrites,
    aof_rewrites_consecutive_failures: snap.rewriteFailuresInARow,
    aof_last_write_status: log.lastWriteOk ? 'ok' : 'err',
    aof_current_size: log.bytes,
    aof_base_size: snap.aofBaseSize,
    aof_buffer_length: log.pendingBytes,
    // Redis counts fsyncs that made a write wait, and one running in the background: Mnemo's
    // writes wait when the log is more than 2 s behind (event-log.ts, lag limit).
    aof_pending_bio_fsync: log.checkpointInFlight ? 1 : 0,
    aof_delayed_fsync: log.delayedFsyncs,
    mnemo_db_path: dbPath,
    mnemo_db_bytes: fileSize(dbPath) + fileSize(`${dbPath}-wal`),
    mnemo_appendfsync: log.policy,
    mnemo_log_batches: log.batches,
    mnemo_log_pending_records: log.pendingRecords,
    mnemo_log_backlogged: log.backlogged ? 1 : 0,
    mnemo_log_commits: log.commits,
    mnemo_log_records_committed: log.recordsCommitted,
    mnemo_last_commit_time_ms: log.lastCommitAt,
    mnemo_last_fsync_time_ms: log.lastFsyncAt,
    mnemo_fsync_lag_ms: log.fsyncLagMs ?? -1,
    mnemo_last_write_error: log.lastError ?? '',
    mnemo_last_write_error_time_ms: log.lastErrorAt,
    mnemo_durable_seq: log.durableSeq,
    mnemo_last_seq: lastSeq,
    mnemo_snapshot_in_progress: running ? running.kind : '',
    mnemo_last_snapshot_keys: snap.lastKeys,
    mnemo_last_snapshot_bytes: snap.lastBytes, // encoded, before deflate (what it holds, not its size on disk)
    mnemo_last_snapshot_duration_ms: Math.max(0, snap.lastDurationMs), // 0 before the first (rdb_last_bgsave_time_sec says -1)
    mnemo_last_snapshot_error: snap.lastError ?? '',
  };
}

/** Whole seconds of a duration in ms; -1 stays -1 (never ran). */
function seconds(ms: number): number {
  return ms < 0 ? -1 : Math.round(ms / 1000);
}

/** Size of `file` in bytes, 0 when it does not exist (no WAL yet). */
function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0; // ENOENT and the like: no such file means nothing on disk to count
  }
}
