// The part of the engine persistence needs: records out, records and snapshot entries in.

import type { Engine } from '@mnemo/engine';

/** Structural subset of Engine, so tests can also drive persistence with a simple model. */
export type PersistedEngine = Pick<Engine, 'addMutationSink' | 'lastSeq' | 'keyCount' | 'apply' | 'snapshotChunk' | 'restoreEntry' | 'restore' | 'finishRestore' | 'setNextSeq'>;

/** Where persistence writes its operator messages (Nest's Logger, console, or a test spy). */
export interface PersistenceLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const consoleLogger: PersistenceLogger = {
  log: (message) => console.log(`[persistence] ${message}`),
  warn: (message) => console.warn(`[persistence] ${message}`),
  error: (message) => console.error(`[persistence] ${message}`),
};
