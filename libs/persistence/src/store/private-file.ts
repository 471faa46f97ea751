// Files Mnemo creates for its data: readable by their owner only.

import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { StoreError } from './store-errors';

/**
 * The database holds every session and key, so a new one is readable by its owner only: the
 * directories Mnemo creates for it are 0700 and the file 0600 (SQLite gives its -wal and -shm
 * files the database file's mode). An existing file or directory keeps the mode its operator set.
 * Used for the database and for the copies Mnemo writes of it.
 */
export function createPrivateFile(file: string): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    // An existing file is left as it is: whoever opens it next decides (SQLite refuses a foreign one).
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw new StoreError('OPEN_FAILED', `cannot create ${file}: ${(error as Error).message}`);
  }
}
