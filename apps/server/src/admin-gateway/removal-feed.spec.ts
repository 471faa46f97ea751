// The evictions / expirations feed: batching, caps and memory figures.

import { RemovalFeed } from './removal-feed';

const memory = { usedMemory: 900, maxmemory: 1000, maxmemoryPolicy: 'allkeys-lru' };

describe('RemovalFeed', () => {
  it('splits evictions from expirations and ignores other deletes', () => {
    let now = 5;
    const feed = new RemovalFeed(() => now++);
    feed.removed('a', 'evicted');
    feed.removed('b', 'expired');
    feed.removed('c', 'del');
    expect(feed.drain(memory)).toEqual({
      evictions: { events: [{ at: 5, key: 'a', reason: 'evicted', ...{ policy: 'allkeys-lru', usedMemory: 900, maxmemory: 1000 } }], dropped: 0 },
      expirations: { events: [{ at: 6, key: 'b', reason: 'expired', policy: 'allkeys-lru', usedMemory: 900, maxmemory: 1000 }], dropped: 0 },
    });
    expect(feed.pending).toBe(false);
    expect(feed.drain(memory)).toEqual({ evictions: null, expirations: null });
  });

  it('caps a batch and counts the rest', () => {
    const feed = new RemovalFeed(() => 0, 3);
    for (let i = 0; i < 10; i++) feed.removed(`k${i}`, 'evicted');
    const { evictions } = feed.drain(memory);
    expect(evictions?.events.map((e) => e.key)).toEqual(['k0', 'k1', 'k2']);
    expect(evictions?.dropped).toBe(7);
  });
});
