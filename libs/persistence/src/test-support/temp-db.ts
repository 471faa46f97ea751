// Temporary database files for tests, and quiet loggers that remember what they were told.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PersistedEngine, PersistenceLogger } from '../engine-port';
import { Persistence, type PersistenceOptions } from '../persistence';

/** A fresh directory under the OS temp dir; `cleanup()` removes it. */
export function tempDir(prefix = 'mnemo-persist-'): { dir: string; db: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, db: path.join(dir, 'mnemo.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TempStore {
  /** The current test's database file. */
  readonly db: string;
  /** Opens Persistence on it: quiet logger, no save points, then `extra`. */
  open(engine: PersistedEngine, extra?: Partial<PersistenceOptions>): Promise<Persistence>;
  /** Removes the current directory and starts the test over on a new one. */
  renew(): void;
}

/** Call inside a describe block: every test gets its own temp database, removed after it. */
export function useTempStore(): TempStore {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());
  return {
    get db() {
      return tmp.db;
    },
    open: (engine, extra = {}) => Persistence.open(engine, { dbPath: tmp.db, logger: memoryLogger(), save: [], ...extra }),
    renew: () => {
      tmp.cleanup();
      tmp = tempDir();
    },
  };
}

export interface MemoryLogger extends PersistenceLogger {
  lines: string[];
  warnings: string[];
  errors: string[];
}

export function memoryLogger(): MemoryLogger {
  const lines: string[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    warnings,
    errors,
    log: (message) => lines.push(message),
    warn: (message) => warnings.push(message),
    error: (message) => errors.push(message),
  };
}
