// The key -> Entry lookup table: 256 JS Maps chosen by a few bytes of the key, so that no single
// insert or delete ever rehashes the whole keyspace.
//
// Design note. A V8 Map rehashes all of its entries when it grows past its capacity (on an
// insert) and when it shrinks below a quarter of it (on a delete). With one Map for 1M keys that
// is one insert or one delete taking 50–96 ms with the event loop stopped (measured in
// bench/engine.bench.ts's active-expiry run: single deletes of 47–70 ms, all CPU samples in
// deleteEntry, no GC). Redis avoids the same stall with incremental rehashing; a Map cannot be
// rehashed incrementally, so the table is split instead: each shard holds ~1/256 of the keys
// and rehashes in well under a millisecond.
//
// The shard comes from the key's length and three of its bytes (the last two and the middle
// one), not from a hash of all of it: hashing every byte in JS cost ~100 ns per lookup, these
// three reads cost a few. Keys that differ in their last bytes (counters, ids, random session
// tokens) spread over many shards:
//
//   "key:0000041"  -> last two bytes '4','1'    "key:0000042" -> '4','2' (another shard)
//   "sess:Zk3q..." -> random last bytes: all 256 shards
//
// Keys that differ only elsewhere share shards, which at worst is today's single Map again:
// lookups stay correct and O(1), only the rehash stall comes back for that pattern.

import type { Bytes } from './bytes';
import type { Entry } from './entry';

const SHARDS = 256;

function shardOf(key: Bytes): number {
  const n = key.length;
  if (n < 2) return n === 0 ? 0 : key.charCodeAt(0);
  return (key.charCodeAt(n - 1) + key.charCodeAt(n - 2) * 31 + key.charCodeAt(n >> 1) * 17 + n * 131) & (SHARDS - 1);
}

/** A Map<Bytes, Entry> in 256 shards (see the design note); the subset of Map the keyspace uses. */
export class KeyTable {
  private readonly shards: Array<Map<Bytes, Entry>> = Array.from({ length: SHARDS }, () => new Map<Bytes, Entry>());
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(key: Bytes): Entry | undefined {
    return this.shards[shardOf(key)].get(key);
  }

  /** Inserts or replaces the entry for `key`; true if the key was not in the table. */
  set(key: Bytes, entry: Entry): boolean {
    const shard = this.shards[shardOf(key)];
    const before = shard.size;
    shard.set(key, entry);
    const added = shard.size - before;
    this.count += added;
    return added !== 0;
  }

  /** Removes `key`; true if it was present. */
  delete(key: Bytes): boolean {
    if (!this.shards[shardOf(key)].delete(key)) return false;
    this.count--;
    return true;
  }

  clear(): void {
    for (let i = 0; i < SHARDS; i++) this.shards[i].clear();
    this.count = 0;
  }
}
