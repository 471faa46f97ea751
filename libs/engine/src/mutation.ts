// Mutation records: what every state change of the keyspace emits, for the event log and the live
// feed. The engine does not know who listens.
//
// Design note (docs/architecture.md, invariant 1). A record says what the key IS after the write, not
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

/** The record kinds that change one key (every kind but flush). */
export type KeyRecordKind = Exclude<MutationRecord['kind'], 'flush'>;

/**
 * Receives every state change as plain arguments, one method per record kind, with the same
 * fields a MutationRecord would carry (expiresAt: absolute ms or null). What the event log, the
 * admin feed and the RESP listener register: no record object is built per write.
 *
 * Design note. The record object was the log's largest cost on a write: measured with
 * `npm run bench:persistence -- --only=logcost`, an engine SET with a listener that only received
 * the record was ~10 % slower than with none. The object doubles what a SET allocates in the young
 * generation (a ~80 B record beside an 11-byte key and a 30-byte value), so scavenges come twice
 * as often, and each scavenge here costs several ms copying the values that are still live.
 * Arguments cost nothing on the heap. Sinks must not throw and must not keep `fields` arrays they
 * are handed beyond the call unless they copy them (the engine does not reuse them, but a sink
 * that keeps them pins them).
 */
export interface MutationSink {
  onString(seq: number, key: Bytes, value: Bytes, expiresAt: number | null, reason: string): void;
  onHash(seq: number, key: Bytes, fields: Bytes[], replace: boolean, expiresAt: number | null, reason: string): void;
  onHdel(seq: number, key: Bytes, fields: Bytes[]): void;
  onTtl(seq: number, key: Bytes, expiresAt: number | null, reason: string): void;
  onDel(seq: number, key: Bytes, reason: string): void;
  onFlush(seq: number, reason: string): void;
}

/**
 * The handle on a sampled sink (Engine.addSampledMutationSink).
 *
 * Design note. The live dashboards keep one change in a stride of a heavy write load and count the
 * rest (see the admin gateway's keyspace-feed.ts). Done inside a sink, that still costs a call on
 * every write, which with no event log is the only sink call a SET makes: ~12 ns of a ~200 ns SET
 * (measured with `npm run bench:feed`). So the engine counts down for such a sink: it calls
 * onString / onHash / onHdel / onTtl for one value change in `stride` and for none of the others
 * (a decrement per write), and onDel / onFlush for every removal and flush (the evictions and
 * expirations feeds want each of them; they are rarer than writes). The sink counts what it did
 * not hear from the seqs. Example, after restart(3):
 *   SET a, SET b, SET c, DEL d, SET e, SET f, SET g  ->  the sink hears a, d (a removal), e
 */
export interface SampledSinkHandle {
  /** Delivers the next value change, then one in `stride` (0: one in 2^30, none in practice). */
  restart(stride: number): void;
  remove(): void;
}

/** Hands one record to a sink, through the method of its kind (tests, tools and replay feed sinks so). */
export function deliverRecord(sink: MutationSink, record: MutationRecord): void {
  switch (record.kind) {
    case 'string':
      return sink.onString(record.seq, record.key, record.value, record.expiresAt, record.reason);
    case 'hash':
      return sink.onHash(record.seq, record.key, record.fields, record.replace, record.expiresAt, record.reason);
    case 'hdel':
      return sink.onHdel(record.seq, record.key, record.fields);
    case 'ttl':
      return sink.onTtl(record.seq, record.key, record.expiresAt, record.reason);
    case 'del':
      return sink.onDel(record.seq, record.key, record.reason);
    case 'flush':
      return sink.onFlush(record.seq, record.reason);
  }
}

/** A sink that builds each change's MutationRecord and passes it to a listener (Engine.onMutation). */
export class RecordBuilder implements MutationSink {
  constructor(private readonly listener: MutationListener) {}

  onString(seq: number, key: Bytes, value: Bytes, expiresAt: number | null, reason: string): void {
    this.listener({ kind: 'string', seq, reason, key, value, expiresAt });
  }

  onHash(seq: number, key: Bytes, fields: Bytes[], replace: boolean, expiresAt: number | null, reason: string): void {
    this.listener({ kind: 'hash', seq, reason, key, fields, replace, expiresAt });
  }

  onHdel(seq: number, key: Bytes, fields: Bytes[]): void {
    this.listener({ kind: 'hdel', seq, reason: 'hdel', key, fields });
  }

  onTtl(seq: number, key: Bytes, expiresAt: number | null, reason: string): void {
    this.listener({ kind: 'ttl', seq, reason, key, expiresAt });
  }

  onDel(seq: number, key: Bytes, reason: string): void {
    this.listener({ kind: 'del', seq, reason, key });
  }

  onFlush(seq: number, reason: string): void {
    this.listener({ kind: 'flush', seq, reason });
  }
}

/** One key as a snapshot stores it (see Engine.snapshotChunk / Engine.restoreEntry). */
export type SnapshotEntry =
  | { type: 'string'; key: Bytes; value: Bytes; expiresAt: number | null }
  | { type: 'hash'; key: Bytes; fields: Bytes[]; expiresAt: number | null };
