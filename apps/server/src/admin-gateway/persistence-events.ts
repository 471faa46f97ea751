// Maps the persistence library's events (Persistence.subscribe) onto the dashboard's
// PersistenceEvent shape from @mnemo/contracts.

import type { PersistenceEvent as StoreEvent, RecoveryReport } from '@mnemo/persistence';
import type { PersistenceEvent } from '@mnemo/contracts';

/** A persistence control that can be listened to (the library's Persistence is one). */
export interface StoreEventSource {
  subscribe(listener: (event: StoreEvent) => void): () => void;
  /** The report of the recovery at start-up, when offered. */
  readonly recovery?: RecoveryReport;
}

export function isStoreEventSource(control: object): control is StoreEventSource {
  return typeof (control as Partial<StoreEventSource>).subscribe === 'function';
}

/** The dashboard event for the recovery at start-up. */
export function recoveryFinished(report: RecoveryReport, at: number): PersistenceEvent {
  return {
    at,
    kind: 'recovery-finished',
    message:
      `loaded ${report.keysLoaded} keys` +
      (report.snapshotId === null ? ' (no snapshot)' : ` from snapshot ${report.snapshotId}`) +
      `, replayed ${report.recordsReplayed} records in ${report.batchesReplayed} batches, ${report.durationMs} ms`,
    details: {
      snapshotId: report.snapshotId,
      keysLoaded: report.keysLoaded,
      keysExpired: report.keysExpired,
      batchesReplayed: report.batchesReplayed,
      recordsReplayed: report.recordsReplayed,
      lastSeq: report.lastSeq,
      truncatedBatchId: report.truncatedBatchId,
      discardedSnapshots: report.discardedSnapshots,
      durationMs: report.durationMs,
    },
  };
}

/** The dashboard event for a library event, or null for events the dashboard has no kind for. */
export function fromStoreEvent(event: StoreEvent, at: number): PersistenceEvent | null {
  switch (event.type) {
    case 'recovery-progress': {
      const p = event.progress;
      return {
        at,
        kind: 'recovery-progress',
        message: `loading: ${p.keysLoaded}/${p.keysTotal} keys, ${p.batchesReplayed}/${p.batchesTotal} batches`,
        details: { ...p },
      };
    }
    case 'recovery-finished':
      return recoveryFinished(event.report, at);
    case 'snapshot-started':
      return {
        at: event.at,
        kind: event.kind === 'rewrite' ? 'rewrite-started' : 'snapshot-started',
        message: event.kind === 'rewrite' ? 'log rewrite started' : `snapshot started (${event.kind})`,
        details: { kind: event.kind },
      };
    case 'snapshot-finished': {
      const r = event.result;
      return {
        at,
        kind: r.kind === 'rewrite' ? 'rewrite-finished' : 'snapshot-finished',
        message: `${r.kind === 'rewrite' ? 'log rewrite' : 'snapshot'} finished: ${r.keys} keys, ${r.bytes} bytes in ${r.durationMs} ms`,
        details: { kind: r.kind, snapshotId: r.snapshotId, keys: r.keys, bytes: r.bytes, durationMs: r.durationMs, droppedBatches: r.droppedBatches },
      };
    }
    case 'snapshot-failed':
      return {
        at,
        kind: event.kind === 'rewrite' ? 'rewrite-failed' : 'snapshot-failed',
        message: event.error,
        details: { kind: event.kind },
      };
    case 'write-error':
      return { at, kind: 'fsync-error', message: event.message, details: { sqliteCode: event.sqliteCode } };
    case 'write-resumed':
      return { at, kind: 'fsync-recovered', message: 'event log writes succeed again' };
    default:
      return null;
  }
}
