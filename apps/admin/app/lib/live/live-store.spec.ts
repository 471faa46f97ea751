// LiveStore: bounded buffers, immutable snapshots, keyspace fan-out.
import type { RemovalEvent, StatsFrame } from '@mnemo/contracts';
import { LiveStore } from './live-store';

function frame(at: number): StatsFrame {
  return {
    at,
    opsPerSec: at,
    opsByFamily: {},
    hitRate: null,
    keys: 0,
    keysWithTtl: 0,
    usedMemory: 0,
    maxmemory: 0,
    maxmemoryPolicy: 'noeviction',
    evictionsPerSec: 0,
    expirationsPerSec: 0,
    connectedClients: 0,
    persistence: { status: 'off', logEnabled: false, appendfsync: 'everysec', lagMs: null, logBytes: 0, bgsaveInProgress: false, rewriteInProgress: false, lastError: null },
    rateLimit: { allowedPerSec: 0, deniedPerSec: 0 },
  };
}

function removal(key: string): RemovalEvent {
  return { at: 0, key, reason: 'evicted', policy: 'allkeys-lru', usedMemory: 1, maxmemory: 1 };
}

describe('LiveStore', () => {
  it('keeps only the newest stats frames, oldest first, skipping a re-sent one', () => {
    const store = new LiveStore({ stats: 3, removals: 2, persistence: 2 });
    for (const at of [1, 2, 3, 4, 4]) store.pushStats(frame(at));
    expect(store.getSnapshot().stats.map((f) => f.at)).toEqual([2, 3, 4]);
  });

  it('keeps the newest removals first and counts every one seen', () => {
    const store = new LiveStore({ stats: 3, removals: 2, persistence: 2 });
    store.pushRemovals({ events: [removal('a'), removal('b')], dropped: 0 });
    store.pushRemovals({ events: [removal('c')], dropped: 4 });
    expect(store.getSnapshot().removals.map((r) => r.key)).toEqual(['c', 'b']);
    expect(store.getSnapshot().removalsSeen).toBe(3);
    expect(store.getSnapshot().removalsDropped).toBe(4);
  });

  it('replaces the snapshot on change and notifies, but not for a repeated connection state', () => {
    const store = new LiveStore();
    const calls: number[] = [];
    const off = store.subscribe(() => calls.push(1));
    const before = store.getSnapshot();
    store.setConnection('connected');
    store.setConnection('connected');
    expect(calls).toHaveLength(1);
    expect(store.getSnapshot()).not.toBe(before);
    off();
    store.setConnection('reconnecting');
    expect(calls).toHaveLength(1);
  });

  it('hands keyspace batches to listeners without keeping them', () => {
    const store = new LiveStore();
    const seen: number[] = [];
    const off = store.onKeyspace((batch) => seen.push(batch.dropped));
    store.pushKeyspace({ changes: [], dropped: 7 });
    off();
    store.pushKeyspace({ changes: [], dropped: 9 });
    expect(seen).toEqual([7]);
  });

  it('skips persistence events replayed on reconnect', () => {
    const store = new LiveStore();
    const event = { at: 5, kind: 'recovery-finished' as const, message: 'loaded 3 keys' };
    store.pushPersistenceEvent(event);
    store.pushPersistenceEvent({ ...event });
    store.pushPersistenceEvent({ ...event, at: 6 });
    expect(store.getSnapshot().persistenceEvents.map((e) => e.at)).toEqual([6, 5]);
  });
});
