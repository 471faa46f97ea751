// Persistence events derived from INFO readings, the event-API path, and the status summary.

import type { PersistenceEvent } from '@mnemo/contracts';
import type { PersistenceEvent as StoreEvent, RecoveryReport } from '@mnemo/persistence';
import { NO_PERSISTENCE, PersistenceControl, PersistenceInfo } from '../core/persistence-control';
import { HISTORY_SIZE, persistenceStatus, PersistenceWatch } from './persistence-watch';

function controlWith(read: () => PersistenceInfo): PersistenceControl {
  return { ...NO_PERSISTENCE, info: read };
}

describe('PersistenceWatch', () => {
  it('derives snapshot, rewrite, fsync and recovery events from INFO changes', () => {
    const events: PersistenceEvent[] = [];
    const watch = new PersistenceWatch((event) => events.push(event));
    let info: PersistenceInfo = { loading: 1, rdb_bgsave_in_progress: 0, aof_last_write_status: 'ok' };
    const control = controlWith(() => info);
    watch.poll(control, 1);
    info = { loading: 0, rdb_bgsave_in_progress: 1, aof_rewrite_in_progress: 1, aof_last_write_status: 'ok' };
    watch.poll(control, 2);
    info = { loading: 0, rdb_bgsave_in_progress: 0, rdb_last_bgsave_status: 'err', aof_rewrite_in_progress: 0, aof_last_write_status: 'err' };
    watch.poll(control, 3);
    info = { ...info, aof_last_write_status: 'ok', rdb_saves: 1, rdb_last_bgsave_status: 'ok' };
    watch.poll(control, 4);
    expect(events.map((e) => [e.at, e.kind])).toEqual([
      [1, 'recovery-progress'],
      [2, 'snapshot-started'],
      [2, 'rewrite-started'],
      [2, 'recovery-finished'],
      [3, 'snapshot-failed'],
      [3, 'rewrite-finished'],
      [3, 'fsync-error'],
      [4, 'snapshot-finished'],
      [4, 'fsync-recovered'],
    ]);
    expect(watch.recent()).toEqual(events);
  });

  it('forwards the library event API instead of diffing, with the recovery report first', () => {
    const events: PersistenceEvent[] = [];
    let listener: ((event: StoreEvent) => void) | null = null;
    const send = (event: StoreEvent): void => {
      if (!listener) throw new Error('not subscribed');
      listener(event);
    };
    const recovery = { snapshotId: 3, keysLoaded: 10, recordsReplayed: 5, batchesReplayed: 1, durationMs: 7 } as RecoveryReport;
    const control = Object.assign(controlWith(() => ({ rdb_bgsave_in_progress: 1 })), {
      recovery,
      subscribe: (l: (event: StoreEvent) => void) => {
        listener = l;
        return () => (listener = null);
      },
    });
    const watch = new PersistenceWatch((event) => events.push(event));
    watch.poll(control, 1);
    watch.poll(control, 2);
    expect(events.map((e) => e.kind)).toEqual(['recovery-finished']);
    expect(events[0].message).toBe('loaded 10 keys from snapshot 3, replayed 5 records in 1 batches, 7 ms');
    send({ type: 'snapshot-started', kind: 'rewrite', at: 42 });
    send({ type: 'write-error', message: 'SQLITE_FULL', sqliteCode: 'SQLITE_FULL' });
    send({ type: 'config-changed', name: 'save', value: '' });
    expect(events.slice(1).map((e) => [e.kind, e.message])).toEqual([
      ['rewrite-started', 'log rewrite started'],
      ['fsync-error', 'SQLITE_FULL'],
    ]);
    for (let i = 0; i < HISTORY_SIZE; i++) send({ type: 'write-resumed' });
    expect(watch.recent()).toHaveLength(HISTORY_SIZE);
    expect(watch.recent()[0].kind).toBe('fsync-recovered');
    watch.stop();
    expect(listener).toBeNull();
  });

  it('summarises status, lag and progress flags', () => {
    const info = { aof_enabled: 1, aof_last_write_status: 'err', mnemo_last_write_error: 'disk full', aof_current_size: 4096, mnemo_fsync_lag_ms: 100 };
    expect(persistenceStatus(controlWith(() => info), 'always', 1000)).toEqual({
      status: 'error',
      logEnabled: true,
      appendfsync: 'always',
      lagMs: 100,
      logBytes: 4096,
      bgsaveInProgress: false,
      rewriteInProgress: false,
      lastError: 'disk full',
    });
    expect(persistenceStatus(NO_PERSISTENCE, 'everysec', 1000).status).toBe('off');
    const noLogNoSavePoints = { ...controlWith(() => ({ aof_enabled: 0 })), configGet: () => [['save', ''] as [string, string]] };
    expect(persistenceStatus(noLogNoSavePoints, 'everysec', 1000).status).toBe('off');
    const snapshotsOnly = { ...noLogNoSavePoints, configGet: () => [['save', '3600 1'] as [string, string]] };
    expect(persistenceStatus(snapshotsOnly, 'everysec', 1000)).toMatchObject({ status: 'ok', logEnabled: false, lagMs: null });
    const snapshotsOnlyWithLag = { ...snapshotsOnly, info: () => ({ aof_enabled: 0, mnemo_fsync_lag_ms: 0 }) };
    expect(persistenceStatus(snapshotsOnlyWithLag, 'everysec', 1000)).toMatchObject({ status: 'ok', logEnabled: false, lagMs: null });
  });
});
