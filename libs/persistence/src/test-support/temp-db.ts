// Temporary database files for tests, and quiet loggers that remember what they were told.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PersistenceLogger } from '../engine-port';

/** A fresh directory under the OS temp dir; `cleanup()` removes it. */
export function tempDir(prefix = 'mnemo-persist-'): { dir: string; db: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, db: path.join(dir, 'mnemo.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
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
