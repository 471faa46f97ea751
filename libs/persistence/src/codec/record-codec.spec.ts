// Log and snapshot codec: every record kind and entry type round-trips, damage is detected.

import type { MutationRecord, RestoreSink, SnapshotEntry } from '@mnemo/engine';
import { ByteWriter, checksum, CodecError } from './byte-buffer';
import { checkRecords, decodeEntries, decodeEntriesInto, decodeRecordList, decodeRecordsInto, encodeEntry, encodeRecord } from './record-codec';

const BINARY = '\u0000\u00ff\u00e2\u0082\u00ac\n\r';

const RECORDS: MutationRecord[] = [
  { kind: 'string', seq: 10, reason: 'set', key: 'k', value: 'v', expiresAt: null },
  { kind: 'string', seq: 11, reason: 'incrby', key: BINARY, value: '42', expiresAt: 1_700_000_005_000 },
  { kind: 'hash', seq: 12, reason: 'hset', key: 'h', fields: ['f', '1', BINARY, BINARY], replace: false, expiresAt: null },
  { kind: 'hash', seq: 13, reason: 'rename_to', key: 'h2', fields: ['a', ''], replace: true, expiresAt: 1.5e12 },
  { kind: 'hdel', seq: 14, reason: 'hdel', key: 'h', fields: ['f'] },
  { kind: 'ttl', seq: 15, reason: 'expire', key: 'k', expiresAt: 1_700_000_010_000 },
  { kind: 'ttl', seq: 16, reason: 'persist', key: 'k', expiresAt: null },
  { kind: 'del', seq: 17, reason: 'expired', key: '' },
  { kind: 'flush', seq: 18, reason: 'flushall' },
  { kind: 'string', seq: 19, reason: 'set', key: 'y'.repeat(127), value: 'z'.repeat(128), expiresAt: null },
  { kind: 'string', seq: 20, reason: 'set', key: 'big', value: 'x'.repeat(70_000), expiresAt: null },
];

/** A RestoreSink that rebuilds what it is given as records and entries (reason: 'restore'). */
function collector(): { sink: RestoreSink; records: MutationRecord[]; entries: SnapshotEntry[] } {
  const records: MutationRecord[] = [];
  const entries: SnapshotEntry[] = [];
  const reason = 'restore';
  const sink: RestoreSink = {
    string: (key, value, expiresAt) => entries.push({ type: 'string', key, value, expiresAt }),
    hash: (key, fields, expiresAt) => entries.push({ type: 'hash', key, fields, expiresAt }),
    applyString: (seq, key, value, expiresAt) => records.push({ kind: 'string', seq, reason, key, value, expiresAt }),
    applyHash: (seq, key, fields, replace, expiresAt) => records.push({ kind: 'hash', seq, reason, key, fields, replace, expiresAt }),
    applyHdel: (seq, key, fields) => records.push({ kind: 'hdel', seq, reason, key, fields }),
    applyTtl: (seq, key, expiresAt) => records.push({ kind: 'ttl', seq, reason, key, expiresAt }),
    applyDel: (seq, key) => records.push({ kind: 'del', seq, reason, key }),
    applyFlush: (seq) => records.push({ kind: 'flush', seq, reason }),
  };
  return { sink, records, entries };
}

/** The error a call throws (its class name and message), or null. */
function outcome(run: () => void): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

describe('record codec', () => {
  it('round-trips every record kind with implicit seqs', () => {
    const writer = new ByteWriter(16);
    for (const record of RECORDS) encodeRecord(writer, record);
    const payload = writer.finish();
    expect(decodeRecordList(payload, 10, RECORDS.length)).toEqual(RECORDS);
    expect(writer.length).toBe(0);
  });

  it('is compact: SET k v EX costs about 20 bytes', () => {
    const writer = new ByteWriter();
    encodeRecord(writer, { kind: 'string', seq: 1, reason: 'set', key: 'k', value: 'v', expiresAt: 6000 });
    expect(writer.finish().length).toBe(1 + 4 + 2 + 2 + 8);
  });

  it('throws CodecError on a truncated payload, a wrong count or a bad tag', () => {
    const writer = new ByteWriter();
    for (const record of RECORDS) encodeRecord(writer, record);
    const payload = writer.finish();
    expect(() => decodeRecordList(payload.subarray(0, payload.length - 3), 10, RECORDS.length)).toThrow(CodecError);
    expect(() => decodeRecordList(payload, 10, RECORDS.length - 1)).toThrow(/bytes after/);
    expect(() => decodeRecordList(payload, 10, RECORDS.length + 1)).toThrow(/ends after/);
    const bad = Buffer.from(payload);
    bad[0] = 0x0e;
    expect(() => decodeRecordList(bad, 10, RECORDS.length)).toThrow(/unknown record tag/);
  });

  it('checkRecords accepts exactly what decodes and throws the same error on every cut and bad byte', () => {
    const writer = new ByteWriter();
    const small = RECORDS.filter((record) => record.seq < 19);
    for (const record of small) encodeRecord(writer, record);
    const payload = writer.finish();
    expect(outcome(() => checkRecords(payload, small.length))).toBeNull();
    let failures = 0;
    const compare = (bytes: Buffer, count: number): void => {
      const decoded = outcome(() => decodeRecordList(bytes, 10, count));
      expect(outcome(() => checkRecords(bytes, count))).toBe(decoded);
      if (decoded !== null) failures++;
    };
    for (let cut = 0; cut < payload.length; cut++) compare(payload.subarray(0, cut), small.length);
    for (const count of [0, small.length - 1, small.length + 1]) compare(payload, count);
    for (let at = 0; at < payload.length; at++) {
      for (const byte of [0x00, 0x0e, 0x7f, 0x80, 0xff, payload[at] ^ 0x10, payload[at] ^ 0x01]) {
        const bad = Buffer.from(payload);
        bad[at] = byte;
        compare(bad, small.length);
      }
    }
    expect(failures).toBeGreaterThan(payload.length); // the damage was real, not all benign
  });

  it('round-trips snapshot entries and checksums catch a flipped bit', () => {
    const entries: SnapshotEntry[] = [
      { type: 'string', key: 'a', value: BINARY, expiresAt: null },
      { type: 'hash', key: 'h', fields: ['f', 'v', 'g', ''], expiresAt: 1.7e12 },
      { type: 'string', key: BINARY, value: '', expiresAt: 123 },
    ];
    const writer = new ByteWriter();
    for (const entry of entries) encodeEntry(writer, entry);
    const payload = writer.finish();
    const out: SnapshotEntry[] = [];
    decodeEntries(payload, entries.length, (entry) => out.push(entry));
    expect(out).toEqual(entries);
    const sum = checksum(payload);
    payload[3] ^= 1;
    expect(checksum(payload)).not.toBe(sum);
  });

  it('decodeRecordsInto passes every record from fromSeq on, as decodeRecords makes them (reason aside)', () => {
    const writer = new ByteWriter(16);
    for (const record of RECORDS) encodeRecord(writer, record);
    const payload = writer.finish();
    for (const fromSeq of [0, 10, 11, 14, 20, 21]) {
      const { sink, records } = collector();
      const passed = decodeRecordsInto(payload, 10, RECORDS.length, fromSeq, sink);
      const expected = RECORDS.filter((r) => r.seq >= fromSeq).map((r) => ({ ...r, reason: 'restore' }));
      expect(records).toEqual(expected);
      expect(passed).toBe(expected.length);
    }
    for (let cut = 0; cut < payload.length; cut += 31) {
      const { sink } = collector();
      expect(outcome(() => decodeRecordsInto(payload.subarray(0, cut), 10, RECORDS.length, 0, sink))).toBe(outcome(() => decodeRecordList(payload.subarray(0, cut), 10, RECORDS.length)));
    }
  });

  it('decodeEntriesInto passes the entries decodeEntries makes, and throws the same errors', () => {
    const entries: SnapshotEntry[] = [
      { type: 'string', key: 'a', value: BINARY, expiresAt: null },
      { type: 'hash', key: 'h', fields: ['f', 'v', 'g', ''], expiresAt: 1.7e12 },
      { type: 'string', key: BINARY, value: 'x'.repeat(300), expiresAt: 123 },
      { type: 'hash', key: 'e', fields: [], expiresAt: null },
    ];
    const writer = new ByteWriter();
    for (const entry of entries) encodeEntry(writer, entry);
    const payload = writer.finish();
    const { sink, entries: out } = collector();
    decodeEntriesInto(payload, entries.length, sink);
    expect(out).toEqual(entries);
    const viaObjects = (bytes: Buffer, count: number): string | null => outcome(() => decodeEntries(bytes, count, () => undefined));
    for (let cut = 0; cut < payload.length; cut++) {
      expect(outcome(() => decodeEntriesInto(payload.subarray(0, cut), entries.length, collector().sink))).toBe(viaObjects(payload.subarray(0, cut), entries.length));
    }
    expect(outcome(() => decodeEntriesInto(payload, entries.length - 1, collector().sink))).toMatch(/bytes after/);
  });
});
