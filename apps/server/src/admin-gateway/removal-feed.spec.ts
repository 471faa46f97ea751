// The evictions / expirations feed: batching, caps and memory figures.

import type { MutationRecord } from '@mnemo/engine';
import { RemovalFeed } from './removal-feed';

const memory = { usedMemory: 900, maxmemory: 1000, maxmemoryPolicy: 'allkeys-lru' };
const del = (key: string, reason: string): MutationRecord => ({ kind: 'del', key, seq: 1, reason });

describe('RemovalFeed', () => {
  it('splits evictions from expirations and ignores other records', () => {
    let now = 5;
    const feed = new RemovalFeed(() => now++);
    feed.record(del('a', 'evicted'));
    feed.record(del('b', 'expired'));
    feed.record(del('c', 'del'));
    feed.record({ kind: 'ttl', key: 'd', expiresAt: 1, seq: 2, reason: 'expire' });
    expect(feed.drain(memory)).toEqual({
      evictions: { events: [{ at: 5, key: 'a', reason: 'evicted', ...{ policy: 'allkeys-lru', usedMemory: 900, maxmemory: 1000 } }], dropped: 0 },
      expirations: { events: [{ at: 6, key: 'b', reason: 'expired', policy: 'allkeys-lru', usedMemory: 900, maxmemory: 1000 }], dropped: 0 },
    });
    expect(feed.pending).toBe(false);
    expect(feed.drain(memory)).toEqual({ evictions: null, expirations: null });
  });

  it('caps a batch and counts the rest', () => {
    const feed = new RemovalFeed(() => 0, 3);
    for (let i = 0; i < 10; i++) feed.record(del(`k${i}`, 'evicted'));
    const { evictions } = feed.drain(memory);
    expect(evictions?.events.map((e) => e.key)).toEqual(['k0', 'k1', 'k2']);
    expect(evictions?.dropped).toBe(7);
  });
});
