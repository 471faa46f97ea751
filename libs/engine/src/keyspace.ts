// The keyspace core: entries, TTL index, memory accounting, lazy expiry and mutation records.
//
// Every state change goes through the write primitives below (putString, hashPut, hashDel,
// hashReplace, setExpiry, deleteEntry, flushAll); each keeps usedMemory equal to the sum of
// entry.mem, keeps the scan table and the volatile array in step, and emits exactly one record.
// Command handlers (commands/*.ts) validate everything first and only then call them, so a
// command that throws leaves the state untouched (apart from lazy expiry and eviction, which
// are state changes of their own with their own records, as in Redis).
import type { Bytes } from './bytes';
import { LRU_TICKS_PER_MS, LRU_TICKS_PER_SECOND, TRACK_LFU, TRACK_LRM, TRACK_LRU, trackModeOf } from './access-tracking';
import { Entry, HashValue, HASH_MAX_LISTPACK_ENTRIES, HASH_MAX_LISTPACK_VALUE, NO_EXPIRY } from './entry';
import type { CompoundWrite } from './compound-write';
import { MnemoError, OOM_MESSAGE } from './errors';
import { Evictor } from './eviction';
import { ExpiryIndex } from './expiry-index';
import { lfuAccess, lfuInit } from './lfu';
import { KeyTable } from './key-table';
import { hashMemory, stringMemory } from './memory';
import type { EvictionPolicy } from './options';
import { RecordEmitter } from './record-emitter';
import { LOAD_FRESH, LOAD_NONE, LOAD_STALE, endLoad } from './bulk-restore';
import { ScanTable } from './scan-table';

/** Keyspace events that are not records of their own (see Keyspace.keyEvents). */
export type KeyEventListener = (event: 'new' | 'keymiss' | 'expire' | 'flush', key: Bytes) => void;

/** V8's longest string on 64-bit platforms (Node's buffer.constants.MAX_STRING_LENGTH). */
const MAX_STRING_LENGTH = 2 ** 29 - 24;

/** Pass as expiresAt to putString to keep the key's current TTL (KEEPTTL, INCR, APPEND...). */
export const KEEP_TTL = -1;

export interface KeyspaceConfig {
  maxmemory: number;
  policy: EvictionPolicy;
  samples: number;
  lfuLogFactor: number;
  lfuDecayTime: number;
  protoMaxBulkLen: number;
}

export class Keyspace {
  /** Key -> Entry, sharded so no single write rehashes the whole keyspace (key-table.ts). */
  readonly map = new KeyTable();
  readonly table = new ScanTable();
  /** Entries with a TTL, dense (swap-remove): active expiry and volatile-* sampling. */
  readonly vol: Entry[] = [];
  /** Keys with a TTL by expiry time window: active expiry drains elapsed windows. */
  readonly expiries = new ExpiryIndex();
  readonly evictor: Evictor;

  usedMemory = 0;
  peakMemory = 0;
  /** Command time snapshot (ms since epoch), set by begin(). */
  now = 0;
  /** The LRU clock's last stamp as (seconds, ticks within the second): see access-tracking.ts. */
  private lruSec = 0;
  private lruSub = 0;
  /** The LRU clock's reading of `now` (its floor: stamps never fall behind time). */
  private baseSec = 0;
  private baseSub = 0;
  private readonly epoch: number;
  trackMode: number;

  hits = 0;
  misses = 0;
  expiredKeys = 0;
  evictedKeys = 0;
  staleEstimate = 0;
  /** Redis's db->avg_ttl: moving average of sampled live TTLs (active-expiry.ts). */
  avgTtlEstimate = 0;

  readonly records: RecordEmitter;
  /** True while applying/restoring: no records, no stats. */
  silent = false;
  /**
   * The host's listener for the keyspace events Redis sends that are not records of their own:
   * 'new' (a key is created, before the write's own record), 'keymiss' (a read finds no key) and
   * 'expire' after the 'set' of a SET, SETEX or PSETEX that gives the key a TTL (one record says
   * both: the value and its expiry), and 'flush' (key '') as FLUSHALL begins, while the keys are
   * still there to look at (WATCH asks which of its keys existed). One slot, null when nobody
   * listens: each costs a null check on its path.
   */
  keyEvents: KeyEventListener | null = null;
  /** CLIENT NO-TOUCH for the command running now (Engine.noTouch): access() does nothing. */
  noTouch = false;
  /** Lookup-free snapshot loading state (bulk-restore.ts): LOAD_NONE, LOAD_FRESH or LOAD_STALE. */
  loadState = LOAD_NONE;

  /** SET ... GET / GETSET: the value before the write (scratch, read right after setGeneric). */
  previousValue: Bytes | null = null;

  /** Keys an eviction in progress must not pick (the keys the current write touches). */
  protectEntry: Entry | undefined = undefined;
  protectKeys: Bytes[] | null = null;
  /** The compound write running now (Engine.compound), or null: see compound-write.ts. */
  compound: CompoundWrite | null = null;

  constructor(
    readonly config: KeyspaceConfig,
    readonly random: () => number,
    now: number,
    firstSeq: number,
  ) {
    this.epoch = now;
    this.records = new RecordEmitter(firstSeq);
    this.trackMode = trackModeOf(config.policy);
    this.evictor = new Evictor(this);
    this.begin(now);
  }

  /** Starts a command at time `now`: every expiry check of the command uses this snapshot. */
  begin(now: number): void {
    // A command must never see a bulk load's stale entries (bulk-restore.ts), so it ends the load.
    if (this.loadState !== LOAD_NONE) endLoad(this);
    this.setTime(now);
  }

  /** Sets the time snapshot only (a bulk restore batch, which must not end its own load). */
  setTime(now: number): void {
    // Hosts read the clock once per event-loop turn, so most commands see the same time.
    if (now === this.now) return;
    this.now = now;
    const ms = Math.floor(now - this.epoch);
    const sec = Math.floor(ms / 1000);
    this.baseSec = sec;
    this.baseSub = (ms - sec * 1000) * LRU_TICKS_PER_MS;
  }

  /** Stamps `e` with the next LRU tick: one past the last stamp, or the current time if later. */
  stampLru(e: Entry): void {
    let sec = this.lruSec;
    let sub = this.lruSub + 1;
    if (sub === LRU_TICKS_PER_SECOND) {
      sec++;
      sub = 0;
    }
    if (sec < this.baseSec || (sec === this.baseSec && sub < this.baseSub)) {
      sec = this.baseSec;
      sub = this.baseSub;
    }
    this.lruSec = sec;
    this.lruSub = sub;
    e.lruSec = sec;
    e.lruSub = sub;
  }

  /** LRU ticks since `e`'s stamp: its idle time (or, under *-lrm, time since its last write). */
  lruIdleTicks(e: Entry): number {
    const clockAhead = this.lruSec > this.baseSec || (this.lruSec === this.baseSec && this.lruSub > this.baseSub);
    const sec = clockAhead ? this.lruSec : this.baseSec;
    const sub = clockAhead ? this.lruSub : this.baseSub;
    return (sec - e.lruSec) * LRU_TICKS_PER_SECOND + (sub - e.lruSub);
  }

  /** Records an access (read or write lookup) in the policy's metadata. */
  access(e: Entry): void {
    if (this.noTouch) return;
    const mode = this.trackMode;
    if (mode === TRACK_LRU) this.stampLru(e);
    else if (mode === TRACK_LFU) e.lfu = lfuAccess(e.lfu, this.now, this.config.lfuDecayTime, this.config.lfuLogFactor, this.random);
  }

  /** True if the entry is past its expiry (Redis: expired when now > when). */
  isExpired(e: Entry): boolean {
    return e.expiresAt !== NO_EXPIRY && e.expiresAt < this.now;
  }

  /** Read lookup: lazily expires, counts a hit or miss, and touches unless touch=false. */
  lookupRead(key: Bytes, touch = true): Entry | undefined {
    const e = this.map.get(key);
    if (e === undefined) {
      this.misses++;
      if (this.keyEvents !== null) this.keyEvents('keymiss', key);
      return undefined;
    }
    if (e.expiresAt !== NO_EXPIRY && e.expiresAt < this.now) {
      this.deleteEntry(e, 'expired');
      this.misses++;
      if (this.keyEvents !== null) this.keyEvents('keymiss', key);
      return undefined;
    }
    this.hits++;
    if (touch) this.access(e);
    return e;
  }

  /** Write lookup: lazily expires and touches; no hit/miss stats. */
  lookupWrite(key: Bytes): Entry | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt !== NO_EXPIRY && e.expiresAt < this.now) {
      this.deleteEntry(e, 'expired');
      return undefined;
    }
    this.access(e);
    return e;
  }

  /** Lookup with lazy expiry but no touch and no stats (OBJECT, MEMORY USAGE). */
  lookupQuiet(key: Bytes): Entry | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt !== NO_EXPIRY && e.expiresAt < this.now) {
      this.deleteEntry(e, 'expired');
      return undefined;
    }
    return e;
  }

  /** The live entry without any side effect (introspection, snapshots). */
  peek(key: Bytes): Entry | undefined {
    const e = this.map.get(key);
    if (e === undefined || (e.expiresAt !== NO_EXPIRY && e.expiresAt < this.now)) return undefined;
    return e;
  }

  // ---- memory -----------------------------------------------------------------------------

  /**
   * Makes room for a write that grows memory by at most `delta` bytes, evicting per policy
   * (never `protect` nor `protectKeys`). Returns normally if the write may go on; throws OOM if
   * it may not and the command is denyoom. Non-denyoom writes (DEL, EXPIRE, RENAME...) evict on
   * a best-effort basis and always go on, as in Redis. Inside a compound write that has written
   * already, no step is refused (compound-write.ts).
   */
  reserve(delta: number, protect: Entry | undefined, protectKeys: Bytes[] | null, denyoom: boolean): void {
    const max = this.config.maxmemory;
    if (max === 0) return;
    const need = delta > 0 ? delta : 0;
    if (this.usedMemory + need <= max) return;
    this.protectEntry = protect;
    this.protectKeys = protectKeys;
    let ok: boolean;
    try {
      ok = this.evictor.freeMemory(max - need);
    } finally {
      this.protectEntry = undefined;
      this.protectKeys = null;
    }
    if (!ok && denyoom && (this.compound === null || !this.compound.wrote)) throw new MnemoError('OOM', OOM_MESSAGE);
  }

  /** Sets e.mem (keeping usedMemory the sum and peakMemory the max); write primitives and bulk-restore.ts only. */
  account(e: Entry, mem: number): void {
    this.usedMemory += mem - e.mem;
    e.mem = mem;
    if (this.usedMemory > this.peakMemory) this.peakMemory = this.usedMemory;
  }

  // ---- TTL index --------------------------------------------------------------------------

  /** Sets e.expiresAt and files the entry in vol and the expiry index; no record. */
  setExpiryRaw(e: Entry, at: number): void {
    if (e.expiresAt === at) return;
    if (e.bucketPos !== -1) this.expiries.remove(e);
    if (at === NO_EXPIRY) {
      if (e.volSlot !== -1) this.removeVolatile(e);
    } else if (e.volSlot === -1) {
      e.volSlot = this.vol.length;
      this.vol.push(e);
    }
    e.expiresAt = at;
    if (at !== NO_EXPIRY) this.expiries.add(e, this.now);
  }

  removeVolatile(e: Entry): void {
    const vol = this.vol;
    const last = vol.pop() as Entry;
    if (last !== e) {
      vol[e.volSlot] = last;
      last.volSlot = e.volSlot;
    }
    e.volSlot = -1;
  }

  private insert(e: Entry): void {
    this.map.set(e.key, e);
    this.table.add(e);
    if (this.keyEvents !== null && !this.silent) this.keyEvents('new', e.key);
  }

  // ---- write primitives -------------------------------------------------------------------

  /**
   * The key becomes the string `value`. `e` is the key's live entry or undefined; a hash entry
   * turns into a string in place (keeping its scan id). expiresAt: absolute ms, NO_EXPIRY, or
   * KEEP_TTL. Emits a 'string' record with `reason`.
   */
  putString(e: Entry | undefined, key: Bytes, value: Bytes, expiresAt: number, reason: string): Entry {
    if (e === undefined) {
      e = new Entry(key, value, null, lfuInit(this.now));
      this.stampLru(e);
      this.insert(e);
      if (expiresAt > 0) this.setExpiryRaw(e, expiresAt);
    } else {
      e.value = value;
      if (e.hash !== null) e.hash = null;
      if (expiresAt !== KEEP_TTL && expiresAt !== e.expiresAt) this.setExpiryRaw(e, expiresAt);
      if (this.trackMode === TRACK_LRM) this.stampLru(e);
    }
    const mem = stringMemory(key.length, value.length);
    if (mem !== e.mem) this.account(e, mem);
    if (!this.silent) this.records.string(key, value, e.expiresAt, reason);
    return e;
  }

  /** A fresh empty hash entry (not yet accounted for fields), replacing nothing. */
  private newHashEntry(key: Bytes): Entry {
    const e = new Entry(key, '', new HashValue(), lfuInit(this.now));
    this.stampLru(e);
    this.insert(e);
    return e;
  }

  private setField(h: HashValue, field: Bytes, value: Bytes): boolean {
    const old = h.map.get(field);
    h.map.set(field, value);
    if (old === undefined) {
      h.dataBytes += field.length + value.length;
    } else {
      h.dataBytes += value.length - old.length;
    }
    if (!h.hashtable && (h.map.size > HASH_MAX_LISTPACK_ENTRIES || field.length > HASH_MAX_LISTPACK_VALUE || value.length > HASH_MAX_LISTPACK_VALUE)) {
      h.hashtable = true;
    }
    return old === undefined;
  }

  /**
   * Sets fields (flat field, value pairs of `fields` from index `from`) on the hash `e`, or on a
   * new hash when `e` is undefined; a string entry becomes a hash (replay only). Returns the
   * number of new fields. Emits a 'hash' record (replace: false) with `reason`.
   */
  hashPut(e: Entry | undefined, key: Bytes, fields: Bytes[], from: number, reason: string): number {
    if (e === undefined) {
      e = this.newHashEntry(key);
    } else if (e.hash === null) {
      e.hash = new HashValue();
      e.value = '';
    }
    const h = e.hash as HashValue;
    let added = 0;
    for (let i = from; i + 1 < fields.length; i += 2) {
      if (this.setField(h, fields[i], fields[i + 1])) added++;
    }
    if (this.trackMode === TRACK_LRM) this.stampLru(e);
    this.account(e, hashMemory(key.length, h.map.size, h.dataBytes));
    if (!this.silent) this.records.hash(key, fields, from, false, e.expiresAt, reason);
    return added;
  }

  /** The key becomes exactly this hash (RENAME target, restore, replace records). */
  hashReplace(e: Entry | undefined, key: Bytes, fields: Bytes[], expiresAt: number, reason: string): Entry {
    if (e === undefined) {
      e = this.newHashEntry(key);
    } else {
      e.hash = new HashValue();
      e.value = '';
    }
    const h = e.hash as HashValue;
    for (let i = 0; i + 1 < fields.length; i += 2) this.setField(h, fields[i], fields[i + 1]);
    this.setExpiryRaw(e, expiresAt);
    this.account(e, hashMemory(key.length, h.map.size, h.dataBytes));
    if (h.map.size === 0) {
      this.deleteEntry(e, reason);
      return e;
    }
    if (!this.silent) this.records.hash(key, fields, 0, true, e.expiresAt, reason);
    return e;
  }

  /**
   * Removes fields (from index `from`) of the hash `e`. Returns how many existed. Emits an
   * 'hdel' record of the removed fields, or a 'del' record (reason 'hdel') if the hash is now
   * empty and therefore gone; nothing if no field existed.
   */
  hashDel(e: Entry, fields: Bytes[], from: number): number {
    const h = e.hash as HashValue;
    const removed: Bytes[] = [];
    for (let i = from; i < fields.length; i++) {
      const f = fields[i];
      const old = h.map.get(f);
      if (old === undefined) continue;
      h.map.delete(f);
      h.dataBytes -= f.length + old.length;
      h.deletions++;
      removed.push(f);
    }
    if (removed.length === 0) return 0;
    h.scanResumes = null; // their cursors are no longer exact (commands/scan.ts)
    if (h.map.size === 0) {
      this.deleteEntry(e, 'hdel');
      return removed.length;
    }
    if (this.trackMode === TRACK_LRM) this.stampLru(e);
    this.account(e, hashMemory(e.key.length, h.map.size, h.dataBytes));
    if (!this.silent) this.records.hdel(e.key, removed);
    return removed.length;
  }

  /** Sets the key's absolute expiry (NO_EXPIRY removes it). Emits a 'ttl' record. */
  setExpiry(e: Entry, at: number, reason: string): void {
    this.setExpiryRaw(e, at);
    if (this.trackMode === TRACK_LRM) this.stampLru(e);
    if (!this.silent) this.records.ttl(e.key, at, reason);
  }

  /** Deletes the key. reason 'expired' / 'evicted' also count in stats. Emits a 'del' record. */
  deleteEntry(e: Entry, reason: string): void {
    this.map.delete(e.key);
    this.table.remove(e);
    if (e.volSlot !== -1) this.removeVolatile(e);
    if (e.bucketPos !== -1) this.expiries.remove(e);
    this.usedMemory -= e.mem;
    e.mem = 0;
    e.value = '';
    e.hash = null;
    if (this.silent) return;
    if (reason === 'expired') this.expiredKeys++;
    else if (reason === 'evicted') this.evictedKeys++;
    this.records.del(e.key, reason);
  }

  /** Removes every key. Emits the 'flush' key event while the keys are still there, then a 'flush' record. */
  flushAll(reason: string): void {
    if (this.keyEvents !== null && !this.silent) this.keyEvents('flush', '');
    this.map.clear();
    this.table.clear();
    for (const e of this.vol) e.volSlot = -1;
    this.vol.length = 0;
    this.expiries.clear();
    this.usedMemory = 0;
    this.avgTtlEstimate = 0;
    this.evictor.reset();
    if (this.loadState === LOAD_STALE) this.loadState = LOAD_FRESH;
    if (!this.silent) this.records.flush(reason);
  }

  // ---- checks shared by commands ----------------------------------------------------------

  /**
   * Redis's checkStringLength: throws if a string would exceed proto-max-bulk-len, or the longest
   * string V8 can hold (2^29 - 24 chars, a little under Redis's 512 MB default: SETRANGE and
   * APPEND just under 512 MB failed with V8's "Invalid string length" instead of this error).
   */
  checkLength(length: number): void {
    if (length > this.config.protoMaxBulkLen || length > MAX_STRING_LENGTH) {
      throw new MnemoError('ERR', 'string exceeds maximum allowed size (proto-max-bulk-len)');
    }
  }
}
