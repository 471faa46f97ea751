// The expiry index: keys with a TTL grouped into time buckets, so active expiry finds expired
// keys without searching for them.
//
// Design note. Sampling alone (Redis's activeExpireCycle) must look at about 1/p keys per expired
// key it finds, p being the stale fraction it tolerates: measured in bench/engine.bench.ts with
// 1M keys whose TTLs spread over 60 s (16.7k expiries per second), a sampling/sweeping cycle
// needed ~17k checks per 100 ms tick (~4 ms here) and still let 50% of the keys go stale within
// a 3 ms budget. So each key with a TTL also sits in a bucket covering a window of expiry times;
// a bucket whose window has fully passed holds only expired keys, and draining it costs one
// delete per key and nothing else.
//
// Bucket width grows with the distance to the expiry when the key is filed, so that a key stays
// at most ~1/64 of its TTL in an elapsed-but-undrained state while far-future TTLs do not
// create one bucket each (the number of live buckets stays around 64 per power-of-two level):
//
//   level = 0 if ttl <= 64 x 128 ms, else ceil(log2(ttl / 8192 ms));  width = 128 ms << level
//   bucket = floor(expiresAt / width)   key = bucket * 64 + level   end = (bucket + 1) * width
//
//   Example: now = 0, EX 60 -> ttl 60000 ms, level 3 (width 1024 ms), bucket 58 = [59392, 60416):
//   drained at the first tick at or after 60416 ms, so at most ~0.5 s stale.
//
// A min-heap orders buckets by end time. Each entry points to its bucket and knows its position
// in it (swap-remove), so a TTL change or delete leaves the index in O(1).
import type { Entry } from './entry';

const BASE_MS = 128;
const SLOTS_PER_LEVEL = 64;
const MAX_LEVEL = 40;

export class ExpiryBucket {
  readonly entries: Entry[] = [];
  constructor(
    readonly key: number,
    readonly end: number,
  ) {}
}

function levelFor(ttl: number): number {
  if (ttl <= SLOTS_PER_LEVEL * BASE_MS) return 0;
  const level = Math.ceil(Math.log2(ttl / (SLOTS_PER_LEVEL * BASE_MS)));
  return level > MAX_LEVEL ? MAX_LEVEL : level;
}

export class ExpiryIndex {
  private readonly buckets = new Map<number, ExpiryBucket>();
  private readonly heap: ExpiryBucket[] = [];

  /** Files `e` (whose expiresAt is set) given the current time. */
  add(e: Entry, now: number): void {
    const level = levelFor(e.expiresAt - now);
    const width = BASE_MS * 2 ** level;
    const index = Math.floor(e.expiresAt / width);
    const key = index * SLOTS_PER_LEVEL + level;
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = new ExpiryBucket(key, (index + 1) * width);
      this.buckets.set(key, b);
      this.push(b);
    }
    e.bucket = b;
    e.bucketPos = b.entries.length;
    b.entries.push(e);
  }

  /** Unfiles `e` (which must be filed). */
  remove(e: Entry): void {
    const entries = (e.bucket as ExpiryBucket).entries;
    const last = entries.pop() as Entry;
    if (last !== e) {
      entries[e.bucketPos] = last;
      last.bucketPos = e.bucketPos;
    }
    e.bucket = null;
    e.bucketPos = -1;
  }

  /**
   * The bucket whose window ended first, if it ended at or before `now` (all its keys are then
   * expired); empty elapsed buckets are dropped on the way. Null if none is due.
   */
  due(now: number): ExpiryBucket | null {
    const heap = this.heap;
    while (heap.length > 0 && heap[0].end <= now) {
      const b = heap[0];
      if (b.entries.length > 0) return b;
      this.pop();
      this.buckets.delete(b.key);
    }
    return null;
  }

  clear(): void {
    this.buckets.clear();
    this.heap.length = 0;
  }

  get bucketCount(): number {
    return this.buckets.size;
  }

  private push(b: ExpiryBucket): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(b);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent].end <= b.end) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = b;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop() as ExpiryBucket;
    if (heap.length === 0) return;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && heap[r].end < heap[l].end ? r : l;
      if (heap[c].end >= last.end) break;
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = last;
  }
}
