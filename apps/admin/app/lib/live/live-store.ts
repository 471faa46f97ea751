// The dashboard's live state: what the socket.io streams pushed, kept in bounded buffers so a
// tab left open for days uses constant memory. Plain TypeScript (no React, no socket) so it can
// be unit-tested; React reads it through useSyncExternalStore (see live-provider.tsx).

import type { KeyspaceBatch, PersistenceEvent, RemovalBatch, RemovalEvent, StatsFrame } from '@mnemo/contracts';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'unauthorized' | 'offline';

/** Frames kept for the overview charts: one a second, so 5 minutes. */
export const STATS_HISTORY = 300;
/** Evictions/expirations kept for the events page. */
export const REMOVALS_KEPT = 500;
export const PERSISTENCE_EVENTS_KEPT = 100;

export interface LiveSnapshot {
  connection: ConnectionState;
  /** Why the last connection attempt failed, if it did. */
  connectionError: string | null;
  stats: readonly StatsFrame[];
  removals: readonly RemovalEvent[];
  persistenceEvents: readonly PersistenceEvent[];
  /** Total removal events received (including ones no longer kept). */
  removalsSeen: number;
  /** Removals the server counted but did not send (sampled away under load). */
  removalsDropped: number;
}

type KeyspaceListener = (batch: KeyspaceBatch) => void;

/**
 * Holds the latest snapshot and replaces it (never mutates it) on every change, which is what
 * useSyncExternalStore needs to notice a change.
 *
 * Worked example: with STATS_HISTORY = 3, pushing frames a, b, c, d leaves stats = [b, c, d];
 * the chart then shows the newest three seconds.
 */
export class LiveStore {
  private snapshot: LiveSnapshot = {
    connection: 'connecting',
    connectionError: null,
    stats: [],
    removals: [],
    persistenceEvents: [],
    removalsSeen: 0,
    removalsDropped: 0,
  };
  private readonly listeners = new Set<() => void>();
  private readonly keyspaceListeners = new Set<KeyspaceListener>();

  constructor(private readonly limits = { stats: STATS_HISTORY, removals: REMOVALS_KEPT, persistence: PERSISTENCE_EVENTS_KEPT }) {}

  getSnapshot = (): LiveSnapshot => this.snapshot;

  /** Registers a change listener; returns the function that removes it. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  setConnection(connection: ConnectionState, error: string | null = null): void {
    if (connection === this.snapshot.connection && error === this.snapshot.connectionError) return;
    this.update({ connection, connectionError: error });
  }

  /** Appends a frame; one not newer than the last kept (re-sent on reconnect) is skipped. */
  pushStats(frame: StatsFrame): void {
    const last = this.snapshot.stats[this.snapshot.stats.length - 1];
    if (last && frame.at <= last.at) return;
    this.update({ stats: appendBounded(this.snapshot.stats, [frame], this.limits.stats) });
  }

  /** Keeps the newest first, as the feed shows them (a batch arrives oldest first). */
  pushRemovals(batch: RemovalBatch): void {
    if (batch.events.length === 0 && batch.dropped === 0) return;
    const newestFirst = [...batch.events].reverse();
    this.update({
      removals: prependAllBounded(this.snapshot.removals, newestFirst, this.limits.removals),
      removalsSeen: this.snapshot.removalsSeen + batch.events.length,
      removalsDropped: this.snapshot.removalsDropped + batch.dropped,
    });
  }

  /**
   * Keeps the newest first. The server replays its recent history on every (re)connect, so an
   * event already kept (same time, kind and message) is skipped.
   */
  pushPersistenceEvent(event: PersistenceEvent): void {
    const seen = this.snapshot.persistenceEvents.some((kept) => kept.at === event.at && kept.kind === event.kind && kept.message === event.message);
    if (seen) return;
    this.update({ persistenceEvents: prependBounded(this.snapshot.persistenceEvents, event, this.limits.persistence) });
  }

  /** Keyspace batches are not kept: they go to whoever listens (the key table) right away. */
  pushKeyspace(batch: KeyspaceBatch): void {
    for (const listener of this.keyspaceListeners) listener(batch);
  }

  onKeyspace(listener: KeyspaceListener): () => void {
    this.keyspaceListeners.add(listener);
    return () => this.keyspaceListeners.delete(listener);
  }

  private update(change: Partial<LiveSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of this.listeners) listener();
  }
}

/** A new array of `items` appended to `list`, keeping only the last `limit`. */
export function appendBounded<T>(list: readonly T[], items: readonly T[], limit: number): T[] {
  const next = list.concat(items);
  return next.length > limit ? next.slice(next.length - limit) : next;
}

/** A new array with `item` first, keeping only the first `limit`. */
export function prependBounded<T>(list: readonly T[], item: T, limit: number): T[] {
  return prependAllBounded(list, [item], limit);
}

/** A new array with `items` (in their order) before `list`, keeping only the first `limit`. */
export function prependAllBounded<T>(list: readonly T[], items: readonly T[], limit: number): T[] {
  const next = items.concat(list);
  if (next.length > limit) next.length = limit;
  return next;
}
