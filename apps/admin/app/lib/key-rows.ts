// Rows of the key table and how a live keyspace batch changes them (pure, unit-tested).
import type { KeyspaceBatch } from '@mnemo/contracts';
import type { KeySummary } from './mnemo-client';

export interface KeyRow {
  key: string;
  type: KeySummary['type'];
  /** Absolute expiry in the browser's clock, null if none. */
  expiresAt: number | null;
  size: number | null;
  gone: boolean;
  /** Bumped on each live change, so the row flashes. */
  version: number;
  /** Added by the live stream (not by the page's scan). */
  live?: boolean;
}

/**
 * Rows the live stream may add to the first page, at most: the newest are kept. The cap is on the
 * table, not per batch: under 40k new keys a second the table grew by 1,000 rows a second, every
 * batch re-rendered them all, and the tab froze for seconds at a time.
 */
export const MAX_LIVE_ROWS = 200;

/**
 * Applies one keyspace batch to the rows. Example: rows [a, b], batch [set b ttl 5000, del a,
 * set c] with `matches` accepting c and addNew on → [c (new), a (gone), b (expires in 5 s)].
 */
export function applyBatch(rows: KeyRow[], batch: KeyspaceBatch, now: number, matches: (key: string) => boolean, addNew: boolean): KeyRow[] {
  const byKey = new Map(rows.map((row) => [row.key, row]));
  const added: KeyRow[] = [];
  for (const change of batch.changes) {
    if (change.event === 'flushall' || change.event === 'flushdb') {
      for (const [key, row] of byKey) byKey.set(key, { ...row, gone: true, version: row.version + 1 });
      continue;
    }
    // A key whose text does not name it exactly (not UTF-8) or that the key routes refuse (too
    // long) gets no row, and cannot touch the row of the key its text reads as.
    if (!change.addressable) continue;
    const existing = byKey.get(change.key);
    const removed = change.kind !== 'set';
    if (!existing) {
      if (removed || !addNew || !matches(change.key)) continue;
      const row: KeyRow = { key: change.key, type: change.type, expiresAt: change.ttlMs === null ? null : now + change.ttlMs, size: change.size, gone: false, version: 1, live: true };
      byKey.set(change.key, row);
      added.push(row);
      continue;
    }
    const next: KeyRow = removed
      ? { ...existing, gone: true, version: existing.version + 1 }
      : { ...existing, type: change.type ?? existing.type, expiresAt: change.ttlMs === null ? null : now + change.ttlMs, size: change.size ?? existing.size, gone: false, version: existing.version + 1 };
    byKey.set(change.key, next);
  }
  const addedKeys = new Set(added.map((row) => row.key));
  const next = [...added.reverse(), ...rows.map((row) => byKey.get(row.key) ?? row).filter((row) => !addedKeys.has(row.key))];
  // Live rows sit on top, newest first: past the cap, the oldest of them go.
  let live = 0;
  return next.filter((row) => !row.live || ++live <= MAX_LIVE_ROWS);
}
