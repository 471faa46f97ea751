// Compact binary encoding of mutation records (log batches) and snapshot entries (snapshot chunks).
//
// Design note. A log batch holds records firstSeq..lastSeq with no gap, so seqs are not stored:
// record i of a batch has seq firstSeq + i. Each record is one tag byte, then its fields:
//
//   tag = kind (low 4 bits: 0 string, 1 hash, 2 hdel, 3 ttl, 4 del, 5 flush)
//         | 0x10 if an expiry follows | 0x20 if a hash record replaces the whole hash
//   reason: u8 length + latin1 text      key: varint length + bytes (not for flush)
//   string: value (varint length + bytes)   hash/hdel: varint n, then n byte strings
//   expiry: float64 LE, absolute ms (only when the 0x10 bit is set)
//
//   SET k v EX 5 at seq 7 (now 1000)  ->  11 03 's' 'e' 't' 01 'k' 01 'v' <f64 6000>   (17 bytes)
//
// A snapshot entry uses the same layout without the reason: tag (0 string, 1 hash | 0x10), key,
// value or fields, expiry. Decoding checks every length against the payload, so a torn or
// corrupted payload throws CodecError instead of yielding garbage.

import type { Bytes, MutationRecord, RestoreSink, SnapshotEntry } from '@mnemo/engine';
import { ByteReader, ByteWriter, CodecError } from './byte-buffer';

const KIND_CODES = { string: 0, hash: 1, hdel: 2, ttl: 3, del: 4, flush: 5 } as const;
const HAS_EXPIRY = 0x10;
const REPLACE = 0x20;

function writeFields(writer: ByteWriter, fields: string[]): void {
  writer.varint(fields.length);
  for (let i = 0; i < fields.length; i++) writer.bytes(fields[i]);
}

function readFields(reader: ByteReader): string[] {
  const n = reader.varint();
  const fields = new Array<string>(n);
  for (let i = 0; i < n; i++) fields[i] = reader.bytes();
  return fields;
}

/** Appends one record (its seq is implied by its position in the batch). */
export function encodeRecord(writer: ByteWriter, record: MutationRecord): void {
  switch (record.kind) {
    case 'string':
      return encodeString(writer, record.key, record.value, record.expiresAt, record.reason);
    case 'hash':
      return encodeHash(writer, record.key, record.fields, record.replace, record.expiresAt, record.reason);
    case 'hdel':
      return encodeHdel(writer, record.key, record.fields);
    case 'ttl':
      return encodeTtl(writer, record.key, record.expiresAt, record.reason);
    case 'del':
      return encodeDel(writer, record.key, record.reason);
    case 'flush':
      return encodeFlush(writer, record.reason);
  }
}

// One encoder per record kind, taking the record's fields as arguments: the event log calls these
// from its MutationSink methods, so a write builds no record object (see MutationSink).

export function encodeString(writer: ByteWriter, key: Bytes, value: Bytes, expiresAt: number | null, reason: string): void {
  writer.stringRecord(KIND_CODES.string | (expiresAt === null ? 0 : HAS_EXPIRY), reason, key, value, expiresAt);
}

export function encodeHash(writer: ByteWriter, key: Bytes, fields: Bytes[], replace: boolean, expiresAt: number | null, reason: string): void {
  writer.u8(KIND_CODES.hash | (expiresAt === null ? 0 : HAS_EXPIRY) | (replace ? REPLACE : 0));
  writer.shortText(reason);
  writer.bytes(key);
  writeFields(writer, fields);
  if (expiresAt !== null) writer.f64(expiresAt);
}

/** A hash-field delete; its reason is always 'hdel'. */
export function encodeHdel(writer: ByteWriter, key: Bytes, fields: Bytes[]): void {
  writer.u8(KIND_CODES.hdel);
  writer.shortText('hdel');
  writer.bytes(key);
  writeFields(writer, fields);
}

export function encodeTtl(writer: ByteWriter, key: Bytes, expiresAt: number | null, reason: string): void {
  writer.u8(KIND_CODES.ttl | (expiresAt === null ? 0 : HAS_EXPIRY));
  writer.shortText(reason);
  writer.bytes(key);
  if (expiresAt !== null) writer.f64(expiresAt);
}

export function encodeDel(writer: ByteWriter, key: Bytes, reason: string): void {
  writer.u8(KIND_CODES.del);
  writer.shortText(reason);
  writer.bytes(key);
}

export function encodeFlush(writer: ByteWriter, reason: string): void {
  writer.u8(KIND_CODES.flush);
  writer.shortText(reason);
}

function decodeRecord(reader: ByteReader, seq: number): MutationRecord {
  const tag = reader.u8();
  const kind = tag & 0x0f;
  const reason = reader.shortText();
  switch (kind) {
    case KIND_CODES.string: {
      const key = reader.bytes();
      const value = reader.bytes();
      const expiresAt = tag & HAS_EXPIRY ? reader.f64() : null;
      return { kind: 'string', seq, reason, key, value, expiresAt };
    }
    case KIND_CODES.hash: {
      const key = reader.bytes();
      const fields = readFields(reader);
      const expiresAt = tag & HAS_EXPIRY ? reader.f64() : null;
      return { kind: 'hash', seq, reason, key, fields, replace: (tag & REPLACE) !== 0, expiresAt };
    }
    case KIND_CODES.hdel:
      return { kind: 'hdel', seq, reason, key: reader.bytes(), fields: readFields(reader) };
    case KIND_CODES.ttl: {
      const key = reader.bytes();
      return { kind: 'ttl', seq, reason, key, expiresAt: tag & HAS_EXPIRY ? reader.f64() : null };
    }
    case KIND_CODES.del:
      return { kind: 'del', seq, reason, key: reader.bytes() };
    case KIND_CODES.flush:
      return { kind: 'flush', seq, reason };
    default:
      throw new CodecError(`unknown record tag ${tag} at byte ${reader.pos - 1}`);
  }
}

/**
 * Decodes a batch payload of `count` records starting at `firstSeq`, calling `visit` for each in
 * order. Throws CodecError if the payload is truncated, holds an unknown tag, or holds more or
 * fewer records than `count` (nothing is visited past the first bad byte).
 */
export function decodeRecords(payload: Uint8Array, firstSeq: number, count: number, visit: (record: MutationRecord) => void): void {
  const reader = new ByteReader(payload);
  for (let i = 0; i < count; i++) {
    if (reader.done) throw new CodecError(`payload ends after ${i} of ${count} records`);
    visit(decodeRecord(reader, firstSeq + i));
  }
  if (!reader.done) throw new CodecError(`payload has bytes after its ${count} records`);
}

/**
 * Checks that a batch payload holds exactly `count` well-formed records without making them:
 * returns normally exactly when decodeRecords would visit all `count` records, and otherwise
 * throws the CodecError decodeRecords would throw. Recovery checks a batch whole before applying
 * any of it (a torn batch must not be half applied), then decodes it straight into the engine
 * with no array of records in between (measured: the array kept ~50k records a batch alive
 * across young-generation GCs, which then copied them).
 */
export function checkRecords(payload: Uint8Array, count: number): void {
  const reader = new ByteReader(payload);
  for (let i = 0; i < count; i++) {
    if (reader.done) throw new CodecError(`payload ends after ${i} of ${count} records`);
    skipRecord(reader);
  }
  if (!reader.done) throw new CodecError(`payload has bytes after its ${count} records`);
}

/** What decodeRecordsInto calls: one method per record kind, plain arguments (Engine.restore's sink has them). */
export type RecordSink = Pick<RestoreSink, 'applyString' | 'applyHash' | 'applyHdel' | 'applyTtl' | 'applyDel' | 'applyFlush'>;

/**
 * Decodes a batch payload of `count` records starting at `firstSeq` straight into `sink`, with no
 * record object per record and no reason string (the engine does not keep it). Records with a seq
 * below `fromSeq` (those a snapshot covers) are stepped over. Returns how many were passed on.
 * Throws CodecError as decodeRecords does, having passed on the records before the bad byte:
 * recovery runs checkRecords on the whole payload first.
 */
export function decodeRecordsInto(payload: Uint8Array, firstSeq: number, count: number, fromSeq: number, sink: RecordSink): number {
  const reader = new ByteReader(payload);
  let passed = 0;
  for (let i = 0; i < count; i++) {
    if (reader.done) throw new CodecError(`payload ends after ${i} of ${count} records`);
    const seq = firstSeq + i;
    if (seq < fromSeq) {
      skipRecord(reader);
      continue;
    }
    const tag = reader.u8();
    reader.skipShortText();
    switch (tag & 0x0f) {
      case KIND_CODES.string: {
        const key = reader.bytes();
        const value = reader.bytes();
        sink.applyString(seq, key, value, tag & HAS_EXPIRY ? reader.f64() : null);
        break;
      }
      case KIND_CODES.hash: {
        const key = reader.bytes();
        const fields = readFields(reader);
        sink.applyHash(seq, key, fields, (tag & REPLACE) !== 0, tag & HAS_EXPIRY ? reader.f64() : null);
        break;
      }
      case KIND_CODES.hdel: {
        const key = reader.bytes();
        sink.applyHdel(seq, key, readFields(reader));
        break;
      }
      case KIND_CODES.ttl: {
        const key = reader.bytes();
        sink.applyTtl(seq, key, tag & HAS_EXPIRY ? reader.f64() : null);
        break;
      }
      case KIND_CODES.del:
        sink.applyDel(seq, reader.bytes());
        break;
      case KIND_CODES.flush:
        sink.applyFlush(seq);
        break;
      default:
        throw new CodecError(`unknown record tag ${tag} at byte ${reader.pos - 1}`);
    }
    passed++;
  }
  if (!reader.done) throw new CodecError(`payload has bytes after its ${count} records`);
  return passed;
}

/** Moves past one record (tag byte first) without making anything; throws as checkRecords does. */
function skipRecord(reader: ByteReader): void {
  const tag = reader.u8();
  reader.skipShortText();
  switch (tag & 0x0f) {
    case KIND_CODES.string:
      reader.skipBytes();
      reader.skipBytes();
      if (tag & HAS_EXPIRY) reader.skip(8);
      return;
    case KIND_CODES.hash:
      reader.skipBytes();
      skipFields(reader);
      if (tag & HAS_EXPIRY) reader.skip(8);
      return;
    case KIND_CODES.hdel:
      reader.skipBytes();
      skipFields(reader);
      return;
    case KIND_CODES.ttl:
      reader.skipBytes();
      if (tag & HAS_EXPIRY) reader.skip(8);
      return;
    case KIND_CODES.del:
      reader.skipBytes();
      return;
    case KIND_CODES.flush:
      return;
    default:
      throw new CodecError(`unknown record tag ${tag} at byte ${reader.pos - 1}`);
  }
}

function skipFields(reader: ByteReader): void {
  const n = reader.varint();
  for (let i = 0; i < n; i++) reader.skipBytes();
}

/** Convenience for tests and tools: the records of a payload as an array. */
export function decodeRecordList(payload: Uint8Array, firstSeq: number, count: number): MutationRecord[] {
  const out: MutationRecord[] = [];
  decodeRecords(payload, firstSeq, count, (record) => out.push(record));
  return out;
}

/** Appends one snapshot entry. */
export function encodeEntry(writer: ByteWriter, entry: SnapshotEntry): void {
  const expiry = entry.expiresAt === null ? 0 : HAS_EXPIRY;
  if (entry.type === 'string') {
    writer.u8(0 | expiry);
    writer.bytes(entry.key);
    writer.bytes(entry.value);
  } else {
    writer.u8(1 | expiry);
    writer.bytes(entry.key);
    writeFields(writer, entry.fields);
  }
  if (entry.expiresAt !== null) writer.f64(entry.expiresAt);
}

/** What decodeEntriesInto calls (Engine.restore's sink has both methods). */
export type EntrySink = Pick<RestoreSink, 'string' | 'hash'>;

/**
 * Decodes a chunk of `count` entries straight into `sink` (no entry object per key). Throws
 * CodecError as decodeEntries does, having passed on the entries before the bad byte.
 */
export function decodeEntriesInto(payload: Uint8Array, count: number, sink: EntrySink): void {
  const reader = new ByteReader(payload);
  for (let i = 0; i < count; i++) {
    if (reader.done) throw new CodecError(`chunk ends after ${i} of ${count} entries`);
    const tag = reader.u8();
    const key = reader.bytes();
    if ((tag & 0x0f) === 0) {
      const value = reader.bytes();
      sink.string(key, value, tag & HAS_EXPIRY ? reader.f64() : null);
    } else if ((tag & 0x0f) === 1) {
      const fields = readFields(reader);
      sink.hash(key, fields, tag & HAS_EXPIRY ? reader.f64() : null);
    } else {
      throw new CodecError(`unknown entry tag ${tag} at byte ${reader.pos}`);
    }
  }
  if (!reader.done) throw new CodecError(`chunk has bytes after its ${count} entries`);
}

/** Decodes a chunk of `count` entries; throws CodecError on any malformed or missing byte. */
export function decodeEntries(payload: Uint8Array, count: number, visit: (entry: SnapshotEntry) => void): void {
  decodeEntriesInto(payload, count, {
    string: (key, value, expiresAt) => visit({ type: 'string', key, value, expiresAt }),
    hash: (key, fields, expiresAt) => visit({ type: 'hash', key, fields, expiresAt }),
  });
}
