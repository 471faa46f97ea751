// How a write's reply waits for the event log: the seam between the adapters and persistence.

import { MnemoError } from '@mnemo/engine';

/**
 * What adapters ask before and after a write.
 * - `writeError()` non-null: the log cannot commit; refuse writes with it (MISCONF), serve reads.
 * - `waitFor(seq)`: resolves once the record with this seq is as durable as the fsync policy
 *   promises (at once for everysec/no/appendonly no; after the fsynced group commit for always).
 *   Rejects with a MISCONF MnemoError if the batch holding it could not be committed.
 * - `isDurable(seq)`: true when waitFor(seq) would resolve at once, so a reply can be written
 *   in the same turn (the common case under everysec/no) without a promise hop per write.
 * - `readsWait()`: true under appendfsync always: a reply that may show a write (another
 *   client's read of it) waits for that write's commit too, as Redis sends every reply of a
 *   turn after the turn's fsync; otherwise a client could read a value that a crash then takes
 *   back. Pub/sub pushes (keyspace notifications) and the dashboard's feeds are not held.
 */
export interface Durability {
  writeError(): MnemoError | null;
  waitFor(seq: number): Promise<void>;
  isDurable(seq: number): boolean;
  readsWait(): boolean;
}

/** Durability when nothing is persisted (no persistence service wired). */
export const NO_DURABILITY: Durability = {
  writeError: () => null,
  waitFor: () => Promise.resolve(),
  isDurable: () => true,
  readsWait: () => false,
};
