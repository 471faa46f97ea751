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
}

/** Marks "no TTL" in Entry.expiresAt (real expiries are positive ms since epoch). */
export const NO_EXPIRY = 0;

export class Entry {
  /** String value; '' for a hash. */
  value: Bytes;
  /** Hash value, or null for a string. */
  hash: HashValue | null;
  /** Absolute expiry in ms since epoch, or NO_EXPIRY. */
  expiresAt: number;
  /** LRU/LRM logical clock stamp of the last access (or modification under *-lrm). */
  lru: number;
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
  /** Estimated bytes (see memory.ts); the keyspace's usedMemory is the sum of these. */
  mem = 0;

  constructor(
    readonly key: Bytes,
    value: Bytes,
    hash: HashValue | null,
    lru: number,
    lfu: number,
  ) {
    this.value = value;
    this.hash = hash;
    this.expiresAt = NO_EXPIRY;
    this.lru = lru;
    this.lfu = lfu;
  }
}
