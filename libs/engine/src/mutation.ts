// Mutation records: what every state change of the keyspace emits, for the event log and the live
// feed. The engine does not know who listens.
//
// Design note (ARCHITECTURE.md invariant 1). A record says what the key IS after the write, not
// what was done to it, so replaying any suffix of the log over a state that already contains part
// of it gives the same state:
//
//   INCR k          (k was "41", expires at T)  -> { kind: 'string', key: 'k', value: '42', expiresAt: T }
//   EXPIRE k 10     (now = N)                   -> { kind: 'ttl', key: 'k', expiresAt: N + 10000 }
//   SET k v EX 5                                -> { kind: 'string', value: 'v', expiresAt: N + 5000 }
//   HINCRBY h f 2   (f was "1")                 -> { kind: 'hash', fields: ['f', '3'], replace: false, expiresAt }
//   HDEL h f        (h keeps other fields)      -> { kind: 'hdel', fields: ['f'] }
//   HDEL h f        (f was the last field)      -> { kind: 'del', reason: 'hdel' }
//   lazy/active expiry, eviction                -> { kind: 'del', reason: 'expired' | 'evicted' }
//   RENAME a b                                  -> del a (reason 'rename_from'), full put of b ('rename_to')
//
// Per key, the records after a point fully determine the key's end state whatever state the key
// was in at any later point: full puts and deletes overwrite everything, field puts overwrite their
// fields, and a hash's key-level fields (expiresAt) travel with every hash record.
//
// `seq` is gapless and increasing across all records of one engine.
// `reason` is the Redis keyspace-notification event name of the change ('set', 'incrby',
// 'expire', 'expired', 'evicted', 'del', 'hset', ...), so the RESP listener can publish
// `__keyevent@0__:<reason>` directly.

import type { Bytes } from './bytes';

export type MutationRecord =
  | StringRecord
  | HashRecord
  | HashDeleteRecord
  | TtlRecord
  | DeleteRecord
  | FlushRecord;

interface RecordBase {
  seq: number;
  reason: string;
}

/** The key is now this string value with this absolute expiry (ms since epoch) or none. */
export interface StringRecord extends RecordBase {
  kind: 'string';
  key: Bytes;
  value: Bytes;
  expiresAt: number | null;
}

/**
 * The key is now a hash. `fields` is flat: field, value, field, value, ...
 * `replace: true` means exactly these fields (RENAME, restore); false means these fields are
 * set on top of whatever the hash has (creating it if missing or of another type).
 */
export interface HashRecord extends RecordBase {
  kind: 'hash';
  key: Bytes;
  fields: Bytes[];
  replace: boolean;
  expiresAt: number | null;
}

/** These fields are gone from the hash; the hash still has at least one field. */
export interface HashDeleteRecord extends RecordBase {
  kind: 'hdel';
  key: Bytes;
  fields: Bytes[];
}

/** The key's absolute expiry is now this (null: PERSIST). No-op if the key is missing. */
export interface TtlRecord extends RecordBase {
  kind: 'ttl';
  key: Bytes;
  expiresAt: number | null;
}

/** The key is gone: DEL, UNLINK, GETDEL, expiry ('expired'), eviction ('evicted'), RENAME source. */
export interface DeleteRecord extends RecordBase {
  kind: 'del';
  key: Bytes;
}

/** Every key is gone (FLUSHALL / FLUSHDB). */
export interface FlushRecord extends RecordBase {
  kind: 'flush';
}

export type MutationListener = (record: MutationRecord) => void;

/** One key as a snapshot stores it (see Engine.snapshotChunk / Engine.restoreEntry). */
export type SnapshotEntry =
  | { type: 'string'; key: Bytes; value: Bytes; expiresAt: number | null }
  | { type: 'hash'; key: Bytes; fields: Bytes[]; expiresAt: number | null };
