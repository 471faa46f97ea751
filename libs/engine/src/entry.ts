// Keyspace entries: one small class per key (monomorphic for V8) and the hash value type.
import type { Bytes } from './bytes';
import type { ExpiryBucket } from './expiry-index';

/** Redis converts a listpack hash to a hashtable past these sizes and never back. */
export const HASH_MAX_LISTPACK_ENTRIES = 128;
export const HASH_MAX_LISTPACK_VALUE = 64;

/** A hash value: fields in insertion order plus the counters HSCAN and MEMORY USAGE need. */
export class HashValue {
  readonly map = new Map<Bytes, Bytes>();
  /** Sum of field and value lengths in bytes. */
  dataBytes = 0;
  /** Fields deleted so far: HSCAN rewinds its position by the deletions since the last call. */
  deletions = 0;
  /** OBJECT ENCODING 'hashtable' once true; like Redis, it never goes back to 'listpack'. */
  hashtable = false;
  /** Where the last HSCAN calls stopped, so the next call with that cursor resumes there (commands/scan.ts). */
  scanResumes: HscanResume[] | null = null;
}

/** An HSCAN left off: the cursor it answered, its live iterator over the field names, and the field read but not returned. */
export interface HscanResume {
  cursor: bigint;
  iterator: Iterator<Bytes>;
  pendingField: Bytes;
}

/** Marks "no TTL" in Entry.expiresAt (real expiries are positive ms since epoch). */
export const NO_EXPIRY = 0;

/*
 * Design note: how V8 stores an Entry decides what the hot path costs.
 *
 * Field order is memory layout: V8 lays fields out in the order they are first defined, after
 * a 24-byte header (hidden class, properties, elements). The fields every lookup reads or every
 * write changes come first, so a GET or SET on a key that is not in the CPU cache touches as
 * few 64-byte lines of its Entry as possible:
 *
 *   offset  0  header (the map word is read by every type check)
 *          24  value     GET, SET, INCR
 *          32  hash      type check of every string command
 *          40  expiresAt lazy-expiry check of every lookup
 *          48  lruSec    LRU stamp of every access: seconds since start,
 *          56  lruSub      and ticks within that second (access-tracking.ts)
 *          64  mem       memory accounting of every write
 *          72  lfu, id, slot, volSlot, bucket, bucketPos, key   (LFU policy, SCAN, TTL index)
 *
 * Field representation, measured in a scratch harness (mixed GET/SET/INCR over 200k keys,
 * against a bare Map of plain objects in the same process, Node 20):
 * - `value`, `hash`, `expiresAt`, `lfu` are declared without an initializer and assigned once in
 *   the constructor. Giving them typed initial values in their declarations (then assigning them
 *   again in the constructor) made GET-only runs ~40% slower (1.7-2.1 vs 3.0-3.4 M ops/s; a
 *   bare Map of plain objects did 3.5-4.1 in the same runs). We did not pin down why, so do not
 *   "tidy" this. `expiresAt` then has V8's generic representation: NO_EXPIRY is a small integer
 *   stored inline, and a real expiry time is a 16-byte heap number allocated when it is set.
 * - The LRU stamp is two fields that always hold small integers (seconds below 2^30, ticks
 *   below 4,096,000), so V8 stores them inline and an access writes the Entry's own cache line.
 *   As one number the stamp left the small-integer range after ~262 s of uptime: with the
 *   generic representation every access then allocated a heap number (10-25% slower), and with a
 *   double field (`lru = -0`, used until 2026-11-27) every access wrote a separate 16-byte box,
 *   one more cache miss per lookup (~10% of a mixed GET/SET/INCR, access-tracking.ts).
 */
export class Entry {
  /** String value; '' for a hash. */
  value: Bytes;
  /** Hash value, or null for a string. */
  hash: HashValue | null;
  /** Absolute expiry in ms since epoch, or NO_EXPIRY. */
  expiresAt: number;
  /** LRU/LRM stamp of the last access (or modification under *-lrm): whole seconds since start, */
  lruSec = 0;
  /** and LRU ticks within that second (see Keyspace.stampLru). */
  lruSub = 0;
  /** Estimated bytes (see memory.ts); the keyspace's usedMemory is the sum of these. */
  mem = 0;
  /** Packed LFU state (see lfu.ts). */
  lfu: number;
  /** Insertion id: SCAN's order and cursor. */
  id = 0;
  /** Index in the scan table; -1 once deleted (the entry is then a tombstone). */
  slot = 0;
  /** Index in the volatile (has-TTL) array, or -1. */
  volSlot = -1;
  /** Expiry index bucket and position in it (see expiry-index.ts); null / -1 if not filed. */
  bucket: ExpiryBucket | null = null;
  bucketPos = -1;
  readonly key: Bytes;

  /** The caller stamps the LRU fields (Keyspace.stampLru). */
  constructor(key: Bytes, value: Bytes, hash: HashValue | null, lfu: number) {
    this.key = key;
    this.value = value;
    this.hash = hash;
    this.lfu = lfu;
    this.expiresAt = NO_EXPIRY;
  }
}
