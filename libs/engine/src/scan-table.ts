// The scan table: every live entry in insertion-id order, for SCAN, snapshots and random picks.
//
// Design note. SCAN must return every key present for the whole scan at least once, even while
// keys are added, removed and evicted. Each new key gets the next insertion id; the table keeps
// entries in id order, and the cursor is the id of the next entry to visit. Deleting a key leaves
// a tombstone (entry.slot = -1) instead of shifting the array, so positions stay valid during a
// loop; new keys append at the end with higher ids. Cursors are ids, found by binary search, so
// they survive compaction. Example:
//
//   ids    [ 1  2  3  4  5 ]     SCAN 0 COUNT 2 -> keys of ids 1,2, cursor "3"
//   del 3, add 6:  [ 1  2  x  4  5  6 ]
//   SCAN 3 -> seek(3) = index 2 (the tombstone) -> visits 4, 5 ... : nothing present is missed.
//
// Compaction is incremental, like Redis's incremental rehashing: once tombstones exceed half the
// table, each add() and each tick moves a few entries from a read index down to a write index.
// Meanwhile the array has three parts: [0, w) compacted, [w, r) a gap to skip, [r, end) not yet
// visited; both live parts stay in id order. Measured: a one-shot compaction of 1M entries
// stalled a write for ~120 ms; in steps, no call pays more than its step.
//
// The same array gives uniform random picks (RANDOMKEY, allkeys-* eviction sampling): with at
// most ~50% tombstones, a pick needs two tries on average.
//
// Scan horizons. New keys go to the end, so a scan that chased them would never end while keys
// come faster than it walks: 20,000 keys with 20 created and 20 deleted per SCAN COUNT 10 call
// never finished (Redis's bucket cursor does, in ~2,000 calls). Keys created after a scan began
// need not be returned, so a scan stops at its horizon: the nextId when it started at cursor 0.
// The cursor stays a plain id (clients such as node-redis 4 read it as a JS number), so the
// horizon is remembered here by the cursor each step answered, for the last MAX_HORIZONS cursors;
// a cursor not found (too old, or from before a restart) scans to the current end, as before.
// Two scans answered the same cursor: the later horizon wins, which only visits more; and a
// cursor stored afresh gets at least the highest horizon forgotten, for the same reason.
import type { Entry } from './entry';

const MAX_HORIZONS = 4096;
const MIN_COMPACT = 64;
/** Entries moved per add() while compacting: enough to finish before the table doubles. */
const STEP_ON_ADD = 4;

export class ScanTable {
  slots: Entry[] = [];
  /** Tombstones outside the gap. */
  dead = 0;
  nextId = 1;
  compacting = false;
  /** Compaction write and read indexes: [w, r) is the gap. Both 0 when not compacting. */
  private w = 0;
  private r = 0;
  /** Cursor answered -> the horizon of the scan it belongs to (see the design note). */
  private readonly horizons = new Map<number, number>();
  /**
   * The highest horizon forgotten (evicted from `horizons`). A cursor stored afresh gets at least
   * this: else a scan behind could store its lower horizon under a cursor a later scan (whose
   * entry was evicted) also holds, and that scan would stop short of keys it must return.
   */
  private forgottenHorizon = 0;

  /** The id a scan continuing from `cursor` stops at (cursor 0: a new scan, stopping at nextId). */
  horizonOf(cursor: number): number {
    return cursor === 0 ? this.nextId : (this.horizons.get(cursor) ?? this.nextId);
  }

  /** Remembers the horizon of the scan that was just answered `cursor`. */
  rememberHorizon(cursor: number, horizon: number): void {
    const known = this.horizons.get(cursor);
    if (known !== undefined) this.horizons.delete(cursor);
    this.horizons.set(cursor, Math.max(horizon, known ?? this.forgottenHorizon));
    if (this.horizons.size > MAX_HORIZONS) {
      const oldest = this.horizons.keys().next().value as number;
      this.forgottenHorizon = Math.max(this.forgottenHorizon, this.horizons.get(oldest) as number);
      this.horizons.delete(oldest);
    }
  }

  get live(): number {
    return this.slots.length - (this.r - this.w) - this.dead;
  }

  /** i itself, or the end of the gap if i falls inside it. Loops call it after each step. */
  skipGap(i: number): number {
    return i >= this.w && i < this.r ? this.r : i;
  }

  /** Appends a new entry, giving it the next id; advances a compaction in progress. */
  add(entry: Entry): void {
    if (this.compacting || this.needsCompaction()) this.compactStep(STEP_ON_ADD);
    entry.id = this.nextId++;
    entry.slot = this.slots.length;
    this.slots.push(entry);
  }

  /** Turns the entry into a tombstone; never moves other entries (safe inside loops). */
  remove(entry: Entry): void {
    entry.slot = -1;
    this.dead++;
  }

  private needsCompaction(): boolean {
    return this.dead > MIN_COMPACT && this.dead * 2 > this.slots.length;
  }

  /**
   * Moves up to `maxMoves` entries down (starting a compaction if tombstones exceed half the
   * table). Returns true while a compaction is still in progress. Never call inside a loop over
   * the slots.
   */
  compactStep(maxMoves: number): boolean {
    if (!this.compacting) {
      if (!this.needsCompaction()) return false;
      this.compacting = true;
      this.w = 0;
      this.r = 0;
    }
    const slots = this.slots;
    let w = this.w;
    let r = this.r;
    const end = Math.min(slots.length, r + maxMoves);
    while (r < end) {
      const e = slots[r++];
      if (e.slot === -1) {
        this.dead--;
      } else {
        e.slot = w;
        slots[w++] = e;
      }
    }
    if (r === slots.length) {
      slots.length = w;
      this.w = 0;
      this.r = 0;
      this.compacting = false;
      return false;
    }
    this.w = w;
    this.r = r;
    return true;
  }

  /** Index of the first live-part slot whose id is >= id (slots.length if none). */
  seek(id: number): number {
    const slots = this.slots;
    if (this.w > 0 && slots[this.w - 1].id >= id) return this.search(0, this.w, id);
    return this.search(this.r, slots.length, id);
  }

  private search(lo: number, hi: number, id: number): number {
    const slots = this.slots;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (slots[mid].id < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A uniformly random live entry, or null if there is none. */
  random(random: () => number): Entry | null {
    if (this.live <= 0) return null;
    const slots = this.slots;
    const gap = this.r - this.w;
    const n = slots.length - gap;
    for (let i = 0; i < 32; i++) {
      const x = Math.floor(random() * n);
      const e = slots[x < this.w ? x : x + gap];
      if (e.slot !== -1) return e;
    }
    for (let i = this.skipGap(0); i < slots.length; i = this.skipGap(i + 1)) if (slots[i].slot !== -1) return slots[i];
    return null;
  }

  clear(): void {
    this.horizons.clear();
    this.forgottenHorizon = this.nextId;
    for (const e of this.slots) e.slot = -1;
    this.slots = [];
    this.dead = 0;
    this.w = 0;
    this.r = 0;
    this.compacting = false;
  }
}
