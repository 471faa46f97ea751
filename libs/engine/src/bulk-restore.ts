// Bulk restore for recovery: snapshot entries and logged records loaded from plain arguments,
// with the clock read and the silent flag set once per batch, and no lookup before inserting a
// snapshot entry into an empty keyspace.
//
// Design note. Recovery loads ~1M snapshot entries and replays ~1M records. Engine.restoreEntry
// and Engine.apply do per key what is the same for a whole batch (read the clock, set and reset
// `silent`, take an object the decoder had to build), and restoreEntry looks every key up before
// inserting it, although a snapshot loaded into an empty keyspace rarely holds a key twice.
//
// Rarely is not never: a snapshot is fuzzy (docs/architecture.md, invariant 3), and a key deleted and
// created again while it was written comes back with a new scan id, so the snapshot can hold
// it twice (the later one is newer). So a lookup-free insert is not assumed to be new, it is
// checked: KeyTable.set says whether the key was already there, at no extra hash lookup. If it
// was, the map now points at the new entry and the replaced one is "stale": still in the scan
// table, maybe in the volatile array and the expiry index, and still counted in usedMemory.
// The keyspace then moves to LOAD_STALE, and endLoad removes every entry the map no longer
// points at in one pass over the scan table. endLoad runs before anything else can see the
// stale entries: Keyspace.begin (every command, tick, snapshotChunk, restoreEntry, apply),
// Engine.stats / resetStats / configSet, and Engine.finishRestore, which recovery calls after
// the snapshot. Records replayed meanwhile are correct as they are, since they only reach
// entries through the map.
//
//   empty keyspace, snapshot chunk: a=1 b=2 a=3 (a deleted and set again during the BGSAVE)
//   fresh inserts: a#1, b#2, a#3 -> map {a: a#3, b: b#2}; a#1 stale; state LOAD_STALE
//   endLoad: scan table [a#1 b#2 a#3] -> a#1 is not map.get('a') -> tombstoned, its bytes
//   subtracted -> the same keys, values, TTLs and usedMemory as restoreEntry gives.
//
// What differs from restoreEntry for a key held twice: it keeps its first entry (first scan
// position, LRU stamp and LFU counter) and this keeps the last, and peakMemory can stay above the
// real peak by the stale entries' bytes. Without duplicates, the state is the same.
//
// Also unlike restoreEntry, a snapshot entry whose expiry has passed is loaded, not skipped: a
// later logged record can still change its fate, and skipping it lost data. Example (seen in
// engine-recovery.spec.ts): snapshot h = {f5} expiring at T0+514; log: PEXPIREAT h T0+12022,
// HSET h f1. Recovered at T0+10001, restoreEntry skipped h, the PEXPIREAT found no key, and h came
// back as {f1} alone. The caller drops what is still expired after the log (recovery's Replayer).

import type { Bytes } from './bytes';
import { Entry, NO_EXPIRY } from './entry';
import type { Keyspace } from './keyspace';
import { lfuInit } from './lfu';
import { stringMemory } from './memory';

/** No lookup-free load in progress. */
export const LOAD_NONE = 0;
/** Snapshot entries are inserted without a lookup; no stale entry yet. */
export const LOAD_FRESH = 1;
/** As LOAD_FRESH, and at least one insert replaced an entry that endLoad must still remove. */
export const LOAD_STALE = 2;

/**
 * What Engine.restore hands its loader. Snapshot entries (`string`, `hash`): the key becomes
 * exactly this value, as Engine.restoreEntry, except that an entry whose expiry has passed is
 * loaded too (see the design note: the caller deletes what is still expired once the log is
 * replayed). Records (`apply*`): as Engine.apply with a record of that kind, then lastSeq = seq.
 * expiresAt: absolute ms since epoch, or null for none. Nothing is emitted; no eviction, no OOM.
 */
export interface RestoreSink {
  string(key: Bytes, value: Bytes, expiresAt: number | null): void;
  /** `fields` is flat (field, value, ...) and is not kept by the engine. */
  hash(key: Bytes, fields: Bytes[], expiresAt: number | null): void;
  applyString(seq: number, key: Bytes, value: Bytes, expiresAt: number | null): void;
  applyHash(seq: number, key: Bytes, fields: Bytes[], replace: boolean, expiresAt: number | null): void;
  applyHdel(seq: number, key: Bytes, fields: Bytes[]): void;
  applyTtl(seq: number, key: Bytes, expiresAt: number | null): void;
  applyDel(seq: number, key: Bytes): void;
  applyFlush(seq: number): void;
}

/**
 * Ends a lookup-free load: removes the stale entries (see the design note) if there are any, in
 * one pass over the scan table, and returns the keyspace to LOAD_NONE. Never emits records.
 */
export function endLoad(ks: Keyspace): void {
  const stale = ks.loadState === LOAD_STALE;
  ks.loadState = LOAD_NONE;
  if (!stale) return;
  const table = ks.table;
  const slots = table.slots;
  const map = ks.map;
  for (let i = table.skipGap(0); i < slots.length; i = table.skipGap(i + 1)) {
    const e = slots[i];
    if (e.slot === -1 || map.get(e.key) === e) continue;
    table.remove(e);
    if (e.volSlot !== -1) ks.removeVolatile(e);
    if (e.bucketPos !== -1) ks.expiries.remove(e);
    ks.usedMemory -= e.mem;
    e.mem = 0;
    e.value = '';
    e.hash = null;
  }
}

/** The engine's one RestoreSink; Engine.restore calls startBatch before handing it out. */
export class BulkRestorer implements RestoreSink {
  /** lfuInit of the batch's time: the same for every key of the batch. */
  private lfu = 0;

  constructor(private readonly ks: Keyspace) {}

  /** Takes the batch's time (already set on the keyspace) and picks lookup-free inserts when the keyspace is empty. */
  startBatch(): void {
    const ks = this.ks;
    this.lfu = lfuInit(ks.now);
    if (ks.loadState === LOAD_NONE && ks.map.size === 0) ks.loadState = LOAD_FRESH;
  }

  /** A new entry for `key`, in the map and the scan table, without looking the key up first. */
  private insertFresh(key: Bytes, value: Bytes): Entry {
    const ks = this.ks;
    const e = new Entry(key, value, null, this.lfu);
    ks.stampLru(e);
    if (!ks.map.set(key, e)) ks.loadState = LOAD_STALE;
    ks.table.add(e);
    return e;
  }

  string(key: Bytes, value: Bytes, expiresAt: number | null): void {
    const ks = this.ks;
    if (ks.loadState === LOAD_NONE) {
      ks.putString(ks.map.get(key), key, value, expiresAt ?? NO_EXPIRY, 'restore');
      return;
    }
    const e = this.insertFresh(key, value);
    if (expiresAt !== null && expiresAt > 0) ks.setExpiryRaw(e, expiresAt);
    ks.account(e, stringMemory(key.length, value.length));
  }

  hash(key: Bytes, fields: Bytes[], expiresAt: number | null): void {
    const ks = this.ks;
    // An empty hash deletes the key (hashReplace): that needs the key's current entry.
    const e = ks.loadState === LOAD_NONE || fields.length < 2 ? ks.map.get(key) : this.insertFresh(key, '');
    ks.hashReplace(e, key, fields, expiresAt ?? NO_EXPIRY, 'restore');
  }

  applyString(seq: number, key: Bytes, value: Bytes, expiresAt: number | null): void {
    const ks = this.ks;
    ks.putString(ks.map.get(key), key, value, expiresAt ?? NO_EXPIRY, 'restore');
    ks.records.lastSeq = seq;
  }

  applyHash(seq: number, key: Bytes, fields: Bytes[], replace: boolean, expiresAt: number | null): void {
    const ks = this.ks;
    const e = ks.map.get(key);
    if (replace || e === undefined || e.hash === null) {
      ks.hashReplace(e, key, fields, expiresAt ?? NO_EXPIRY, 'restore');
    } else {
      ks.hashPut(e, key, fields, 0, 'restore');
      ks.setExpiry(e, expiresAt ?? NO_EXPIRY, 'restore');
    }
    ks.records.lastSeq = seq;
  }

  applyHdel(seq: number, key: Bytes, fields: Bytes[]): void {
    const ks = this.ks;
    const e = ks.map.get(key);
    if (e !== undefined && e.hash !== null) ks.hashDel(e, fields, 0);
    ks.records.lastSeq = seq;
  }

  applyTtl(seq: number, key: Bytes, expiresAt: number | null): void {
    const ks = this.ks;
    const e = ks.map.get(key);
    if (e !== undefined) ks.setExpiry(e, expiresAt ?? NO_EXPIRY, 'restore');
    ks.records.lastSeq = seq;
  }

  applyDel(seq: number, key: Bytes): void {
    const ks = this.ks;
    const e = ks.map.get(key);
    if (e !== undefined) ks.deleteEntry(e, 'restore');
    ks.records.lastSeq = seq;
  }

  applyFlush(seq: number): void {
    this.ks.flushAll('restore');
    this.ks.records.lastSeq = seq;
  }
}
