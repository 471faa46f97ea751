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

import type { Bytes, MutationRecord, SnapshotEntry } from '@mnemo/engine';
import type { PersistedEngine } from '../engine-port';

export class Replayer {
  /** Keys that carried an expiry <= now at some point, with their current expiry. */
  private readonly tracked = new Map<Bytes, number | null>();
  lastSeq = 0;

  constructor(
    private readonly engine: PersistedEngine,
    private readonly now: number,
  ) {}

  /** Loads one snapshot entry. */
  restore(entry: SnapshotEntry): void {
    this.engine.restoreEntry(entry);
    if (entry.expiresAt !== null && entry.expiresAt <= this.now) this.tracked.set(entry.key, entry.expiresAt);
    else if (this.tracked.size > 0) this.tracked.delete(entry.key);
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
    let dropped = 0;
    for (const [key, expiresAt] of this.tracked) {
      if (expiresAt !== null && expiresAt <= this.now) {
        this.engine.apply({ kind: 'del', seq: this.engine.lastSeq, reason: 'expired', key });
        dropped++;
      }
    }
    this.tracked.clear();
    return dropped;
  }
}
