// Applies logged records and snapshot entries to the engine, then drops keys that expired while
// the server was down.
//
// Design note. TTLs are absolute, so a key whose expiry passed while we were down must be gone
// after recovery. Dropping an expired record or entry on sight would be wrong, because a later
// record can still change the key's fate:
//   seq 10  SET k v PXAT 5000          (down from 4000 to 9000)
//   seq 11  PERSIST k   -> ttl k null  (logged at 4500, before k expired)
// Skipping seq 10 makes seq 11 a no-op and loses k. So everything is applied as logged, and the
// tracker follows only keys that ever carried a past expiry; at the end the ones whose final
// expiry is <= now are deleted (k above ends with no expiry and stays).
//
// Recovery's hot path is loadChunk / replayBatch: the codec decodes straight into this class's
// RestoreSink methods, which track expiries and pass the same arguments on to the engine's bulk
// sink (Engine.restore: one clock read per batch, no object per key or record).

import type { Bytes, MutationRecord, RestoreSink, SnapshotEntry } from '@mnemo/engine';
import { decodeEntriesInto, decodeRecordsInto } from '../codec/record-codec';
import type { PersistedEngine } from '../engine-port';

export class Replayer implements RestoreSink {
  /** Keys that carried an expiry <= now at some point, with their current expiry. */
  private readonly tracked = new Map<Bytes, number | null>();
  lastSeq = 0;
  /** The engine's sink for the batch being loaded (set inside engine.restore only). */
  private target: RestoreSink | null = null;

  constructor(
    private readonly engine: PersistedEngine,
    private readonly now: number,
  ) {}

  /** Loads one decoded-on-the-fly snapshot chunk; throws CodecError (entries before the bad byte stay loaded). */
  loadChunk(payload: Uint8Array, count: number): void {
    this.engine.restore((sink) => {
      this.target = sink;
      try {
        decodeEntriesInto(payload, count, this);
      } finally {
        this.target = null;
      }
    });
  }

  /**
   * Applies the records of one log batch payload with seq >= fromSeq; returns how many. The
   * payload must have passed checkRecords (a CodecError here would leave the batch half applied).
   */
  replayBatch(payload: Uint8Array, firstSeq: number, count: number, fromSeq: number): number {
    return this.engine.restore((sink) => {
      this.target = sink;
      try {
        const applied = decodeRecordsInto(payload, firstSeq, count, fromSeq, this);
        if (applied > 0) this.lastSeq = firstSeq + count - 1;
        return applied;
      } finally {
        this.target = null;
      }
    });
  }

  /** Ends the snapshot's bulk load (see Engine.finishRestore). */
  finishSnapshot(): void {
    this.engine.finishRestore();
  }

  // ---- RestoreSink: called by the codec inside loadChunk / replayBatch ------------------------

  string(key: Bytes, value: Bytes, expiresAt: number | null): void {
    (this.target as RestoreSink).string(key, value, expiresAt);
    this.trackEntry(key, expiresAt);
  }

  hash(key: Bytes, fields: Bytes[], expiresAt: number | null): void {
    (this.target as RestoreSink).hash(key, fields, expiresAt);
    this.trackEntry(key, expiresAt);
  }

  applyString(seq: number, key: Bytes, value: Bytes, expiresAt: number | null): void {
    (this.target as RestoreSink).applyString(seq, key, value, expiresAt);
    this.trackPut(key, expiresAt);
  }

  applyHash(seq: number, key: Bytes, fields: Bytes[], replace: boolean, expiresAt: number | null): void {
    (this.target as RestoreSink).applyHash(seq, key, fields, replace, expiresAt);
    this.trackPut(key, expiresAt);
  }

  applyHdel(seq: number, key: Bytes, fields: Bytes[]): void {
    (this.target as RestoreSink).applyHdel(seq, key, fields);
  }

  applyTtl(seq: number, key: Bytes, expiresAt: number | null): void {
    (this.target as RestoreSink).applyTtl(seq, key, expiresAt);
    this.trackPut(key, expiresAt);
  }

  applyDel(seq: number, key: Bytes): void {
    (this.target as RestoreSink).applyDel(seq, key);
    if (this.tracked.size > 0) this.tracked.delete(key);
  }

  applyFlush(seq: number): void {
    (this.target as RestoreSink).applyFlush(seq);
    this.tracked.clear();
  }

  private trackEntry(key: Bytes, expiresAt: number | null): void {
    if (expiresAt !== null && expiresAt <= this.now) this.tracked.set(key, expiresAt);
    else if (this.tracked.size > 0) this.tracked.delete(key);
  }

  private trackPut(key: Bytes, expiresAt: number | null): void {
    if (expiresAt !== null && expiresAt <= this.now) this.tracked.set(key, expiresAt);
    else if (this.tracked.size > 0 && this.tracked.has(key)) this.tracked.set(key, expiresAt);
  }

  // ---- one object at a time (tests, tools) ------------------------------------------------------

  /** Loads one snapshot entry. */
  restore(entry: SnapshotEntry): void {
    this.engine.restoreEntry(entry);
    this.trackEntry(entry.key, entry.expiresAt);
  }

  /** Applies one logged record. */
  apply(record: MutationRecord): void {
    this.engine.apply(record);
    this.lastSeq = record.seq;
    switch (record.kind) {
      case 'string':
      case 'hash':
      case 'ttl':
        if (record.expiresAt !== null && record.expiresAt <= this.now) this.tracked.set(record.key, record.expiresAt);
        else if (this.tracked.has(record.key)) this.tracked.set(record.key, record.expiresAt);
        return;
      case 'del':
        this.tracked.delete(record.key);
        return;
      case 'flush':
        this.tracked.clear();
        return;
      case 'hdel':
        return;
    }
  }

  /** Deletes the tracked keys whose final expiry has passed; returns how many. */
  dropExpired(): number {
    if (this.tracked.size === 0) return 0;
    const seq = this.engine.lastSeq;
    const dropped = this.engine.restore((sink) => {
      let n = 0;
      for (const [key, expiresAt] of this.tracked) {
        if (expiresAt !== null && expiresAt <= this.now) {
          sink.applyDel(seq, key);
          n++;
        }
      }
      return n;
    });
    this.tracked.clear();
    return dropped;
  }
}
