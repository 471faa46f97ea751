// The keyspace feed: coalescing per key, pattern groups, caps with stride sampling, dropped counts.

import { bytesFromText, Engine, ManualClock } from '@mnemo/engine';
import type { KeyInfo, MutationRecord } from '@mnemo/engine';
import { DashboardSink } from './dashboard-sink';
import { KeyspaceFeed, strideSample } from './keyspace-feed';
import { RemovalFeed } from './removal-feed';

const NOW = 1_700_000_000_000;
let seq = 0;
const set = (key: string, expiresAt: number | null = null): MutationRecord => ({
  kind: 'string',
  key: bytesFromText(key),
  value: 'v',
  expiresAt,
  seq: ++seq,
  reason: 'set',
});
const del = (key: string, reason = 'del'): MutationRecord => ({ kind: 'del', key: bytesFromText(key), seq: ++seq, reason });

/** Hands a record to the feed as the dashboards' engine sink does at stride 1 (the stride test uses an engine). */
function put(feed: KeyspaceFeed, record: MutationRecord): void {
  if (record.kind === 'flush') feed.flushed(record.seq, record.reason);
  else if (record.kind === 'del') feed.removed(record.seq, record.key, record.reason);
  else feed.changed(record.seq, record.kind, record.key, record.reason);
}

function feedWith(live: Map<string, KeyInfo>, options: { windowCapacity?: number; maxChangesPerBatch?: number } = {}) {
  return new KeyspaceFeed({ keyInfo: (key) => live.get(key) ?? null, lastSeq: () => seq, setStride: () => undefined, maxKeyBytes: () => 64, ...options });
}

const info = (key: string, expiresAt: number | null = null): KeyInfo => ({
  key,
  type: 'string',
  expiresAt,
  memory: 64,
  idleSeconds: 0,
  freq: 0,
  encoding: 'embstr',
  length: 1,
  refcount: 1,
});

describe('KeyspaceFeed', () => {
  it('sends nothing and keeps nothing without subscribers', () => {
    const feed = feedWith(new Map());
    expect(feed.active).toBe(false);
    expect(feed.drain(NOW)).toEqual([]);
  });

  it('coalesces many writes to one key into its latest state and counts the rest dropped', () => {
    const live = new Map([['k', info('k', NOW + 5000)]]);
    const feed = feedWith(live);
    feed.subscribe('a', '*');
    for (let i = 0; i < 1000; i++) put(feed, set('k', NOW + 5000));
    const [{ ids, batch }] = feed.drain(NOW);
    expect(ids).toEqual(['a']);
    expect(batch.changes).toEqual([{ kind: 'set', event: 'set', key: 'k', addressable: true, type: 'string', ttlMs: 5000, size: 64, seq }]);
    expect(batch.dropped).toBe(999);
    expect(feed.drain(NOW)).toEqual([]);
  });

  it('marks keys whose text does not name them exactly, or that are over max-key-length, as not addressable', () => {
    const feed = feedWith(new Map());
    feed.subscribe('a', '*');
    // Engine bytes, one char per byte: "a" + 0xff is not UTF-8 and reads as "a\ufffd", the text of
    // the key whose bytes are "a" + ef bf bd; max-key-length is 64 here.
    put(feed, { kind: 'del', key: 'a\xff', seq: ++seq, reason: 'del' });
    put(feed, del('b\ufffd'));
    put(feed, del('k'.repeat(65)));
    put(feed, del('k'.repeat(64)));
    const [{ batch }] = feed.drain(NOW);
    expect(batch.changes.map((change) => [change.key, change.addressable])).toEqual([
      ['a\ufffd', false],
      ['b\ufffd', true],
      ['k'.repeat(65), false],
      ['k'.repeat(64), true],
    ]);
  });

  it('filters by pattern and maps removal reasons to kinds', () => {
    const feed = feedWith(new Map([['user:1', info('user:1')]]));
    feed.subscribe('users', 'user:*');
    feed.subscribe('carts', 'cart:?');
    put(feed, set('user:1'));
    put(feed, del('cart:1', 'expired'));
    put(feed, del('cart:2', 'evicted'));
    put(feed, del('cart:33'));
    const batches = new Map(feed.drain(NOW).flatMap(({ ids, batch }) => ids.map((id) => [id, batch] as const)));
    expect(batches.get('users')?.changes.map((c) => [c.kind, c.key])).toEqual([['set', 'user:1']]);
    expect(batches.get('carts')?.changes.map((c) => [c.kind, c.key])).toEqual([
      ['expire', 'cart:1'],
      ['evict', 'cart:2'],
    ]);
    expect(batches.get('carts')?.dropped).toBe(0);
  });

  it('caps each batch with an even sample across the window', () => {
    const feed = feedWith(new Map(), { maxChangesPerBatch: 10 });
    feed.subscribe('a', '*');
    for (let i = 0; i < 100; i++) put(feed, del(`k${i}`));
    const [{ batch }] = feed.drain(NOW);
    expect(batch.changes.map((c) => c.key)).toEqual(Array.from({ length: 10 }, (_, i) => `k${i * 10}`));
    expect(batch.dropped).toBe(90);
  });

  it('keeps the latest changes of a window and reports the overwritten ones to every subscriber', () => {
    const feed = feedWith(new Map(), { windowCapacity: 50 }); // rounded up to 64
    feed.subscribe('a', 'x*');
    feed.subscribe('b', 'y*');
    for (let i = 0; i < 80; i++) put(feed, del(`x${i}`));
    const batches = new Map(feed.drain(NOW).flatMap(({ ids, batch }) => ids.map((id) => [id, batch] as const)));
    expect(batches.get('a')?.dropped).toBe(16);
    expect(batches.get('a')?.changes.map((c) => c.key)).toEqual(Array.from({ length: 64 }, (_, i) => `x${i + 16}`));
    expect(batches.get('b')).toEqual({ changes: [], dropped: 16 });
  });

  it('under heavy load has the engine sample one write in a stride sized from the last window, and counts every change', () => {
    const engine = new Engine({ clock: new ManualClock() });
    const strides: number[] = [];
    let handle: ReturnType<Engine['addSampledMutationSink']> | null = null;
    const feed = new KeyspaceFeed({
      keyInfo: (key) => engine.keyInfo(key),
      lastSeq: () => engine.lastSeq,
      maxKeyBytes: () => 1024,
      setStride: (stride) => {
        strides.push(stride);
        handle?.restart(stride);
      },
      windowCapacity: 64,
      maxChangesPerBatch: 1000,
    });
    handle = engine.addSampledMutationSink(new DashboardSink(new RemovalFeed(() => 0), feed));
    handle.restart(feed.currentStride);
    feed.subscribe('a', '*');
    const window = (name: string, n: number, removals = 0) => {
      for (let i = 0; i < n; i++) engine.execute(['SET', `${name}-${i}`, 'v']);
      for (let i = 0; i < removals; i++) engine.execute(['DEL', `${name}-${i}`]);
      const [{ batch }] = feed.drain(0);
      return { keys: batch.changes.map((c) => c.key), dropped: batch.dropped };
    };
    // First window: every change stored, the ring keeps the last 64.
    expect(window('w1', 640)).toEqual({ keys: Array.from({ length: 64 }, (_, i) => `w1-${576 + i}`), dropped: 576 });
    // 640 changes a window would fill the 64-slot ring ten times: the engine hands over one in 640 / 32 = 20.
    expect(window('w2', 640)).toEqual({ keys: Array.from({ length: 32 }, (_, i) => `w2-${i * 20}`), dropped: 608 });
    // Removals are sampled at the same stride by the feed (w3-0's delete coalesces with its SET:
    // 12 changes, 1 key sent); the stride follows the load down one window later.
    expect(window('w3', 10, 2)).toEqual({ keys: ['w3-0'], dropped: 11 });
    expect(window('w4', 10)).toEqual({ keys: Array.from({ length: 10 }, (_, i) => `w4-${i}`), dropped: 0 });
    // A removal per write (as under eviction) does not flood the ring: at stride 20, 16 SETs and
    // 16 deletes of 640 changes are stored (half the ring), coalescing into 16 keys.
    window('w5', 320, 320);
    const heavy = window('w6', 320, 320);
    expect(heavy).toEqual({ keys: Array.from({ length: 16 }, (_, i) => `w6-${i * 20}`), dropped: 624 });
    feed.unsubscribe('a');
    expect(strides).toEqual([1, 20, 20, 1, 1, 20, 20, 0]);
  });

  it('reports the latest kind and reason of a key with its state at drain time', () => {
    const live = new Map<string, KeyInfo>();
    const feed = feedWith(live);
    feed.subscribe('a', '*');
    put(feed, set('gone'));
    put(feed, del('gone', 'evicted'));
    put(feed, del('back'));
    put(feed, set('back', NOW + 50));
    live.set('back', info('back', NOW + 50));
    const [{ batch }] = feed.drain(NOW);
    expect(batch.changes.map((c) => [c.key, c.kind, c.event, c.ttlMs])).toEqual([
      ['gone', 'evict', 'evicted', null],
      ['back', 'set', 'set', 50],
    ]);
    expect(batch.dropped).toBe(2);
  });

  it('turns a FLUSHALL into one change and supersedes what came before it', () => {
    const feed = feedWith(new Map([['after', info('after')]]));
    feed.subscribe('a', 'after');
    put(feed, del('before'));
    put(feed, { kind: 'flush', seq: ++seq, reason: 'flushall' });
    put(feed, set('after'));
    const [{ batch }] = feed.drain(NOW);
    expect(batch.changes.map((c) => [c.kind, c.event, c.key])).toEqual([
      ['del', 'flushall', '*'],
      ['set', 'set', 'after'],
    ]);
    expect(batch.dropped).toBe(1);
  });

  it('shares one group between subscribers with the same patterns, and unsubscribes', () => {
    const feed = feedWith(new Map());
    expect(feed.subscribe('a', 'k*')).toEqual(['k*']);
    expect(feed.subscribe('a', 'j*')).toEqual(['k*', 'j*']);
    feed.subscribe('b', 'j*');
    feed.subscribe('b', 'k*');
    put(feed, del('k1'));
    put(feed, del('j1'));
    const out = feed.drain(NOW);
    expect(out).toHaveLength(1);
    expect(out[0].ids.sort()).toEqual(['a', 'b']);
    expect(out[0].batch.changes.map((c) => c.key)).toEqual(['k1', 'j1']);
    expect(feed.unsubscribe('a', 'k*')).toEqual(['j*']);
    expect(feed.unsubscribe('a')).toEqual([]);
    feed.unsubscribe('b');
    expect(feed.active).toBe(false);
  });

  it('refuses a 17th pattern and carries dropped counts of skipped batches', () => {
    const feed = feedWith(new Map());
    for (let i = 0; i < 16; i++) feed.subscribe('a', `p${i}`);
    expect(feed.subscribe('a', 'one-too-many')).toEqual({ error: 'at most 16 patterns per connection' });
    feed.subscribe('b', 'p0');
    feed.carryDropped('a', 7);
    put(feed, del('p0'));
    const out = feed.drain(NOW);
    expect(out).toContainEqual({ ids: ['a'], batch: { changes: [expect.objectContaining({ key: 'p0' })], dropped: 7 } });
    expect(out).toContainEqual({ ids: ['b'], batch: { changes: [expect.objectContaining({ key: 'p0' })], dropped: 0 } });
    expect(feed.drain(NOW)).toEqual([]);
  });

  it('strideSample keeps everything under the cap', () => {
    expect(strideSample([1, 2, 3], 5)).toEqual([1, 2, 3]);
    expect(strideSample([0, 1, 2, 3, 4, 5], 3)).toEqual([0, 2, 4]);
  });
});
