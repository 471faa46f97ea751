// `mnemo backup`: a consistent copy of a database file, taken while a server runs on it.
//
// Design note: VACUUM INTO from a read-only connection. In WAL mode a reader sees one committed
// state and never blocks the server's writer (nor is blocked by it), so the copy is the database
// as of one commit: every batch acknowledged before it, none half-written. VACUUM INTO writes a
// compact, self-contained file (no -wal beside it), which a server opens like any database. The
// copy is checked (SQLite's integrity_check, Mnemo's stamp) before it is reported done. It takes
// no Mnemo lock: the copy is read-only work, as the server's own snapshots are.

import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createPrivateFile } from './private-file';
import { StoreError } from './store-errors';

export interface BackupReport {
  source: string;
  destination: string;
  bytes: number;
  ms: number;
}

/** Copies the database at `dbPath` to `destination` (which must not exist, or be empty). */
export function backupDatabase(dbPath: string, destination: string): BackupReport {
  const source = path.resolve(dbPath);
  const target = path.resolve(destination);
  if (!existsSync(source)) throw new StoreError('OPEN_FAILED', `no database file at ${source}; nothing to back up`);
  if (existsSync(target) && statSync(target).size > 0) throw new StoreError('OPEN_FAILED', `${target} already exists; a backup never overwrites a file`);
  const started = performance.now();
  let db: Database.Database;
  try {
    db = new Database(source, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new StoreError('OPEN_FAILED', `cannot open ${source}: ${(error as Error).message}`);
  }
  try {
    if (!isMnemoDatabase(db)) throw new StoreError('NOT_MNEMO', `${source} is not a Mnemo database; nothing was copied`);
    createPrivateFile(target);
    db.prepare('VACUUM INTO ?').run(target);
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError('OPEN_FAILED', `cannot copy ${source} to ${target}: ${(error as Error).message}`);
  } finally {
    db.close();
  }
  checkCopy(target);
  return { source, destination: target, bytes: statSync(target).size, ms: Math.round(performance.now() - started) };
}

function isMnemoDatabase(db: Database.Database): boolean {
  try {
    return (db.prepare("SELECT value FROM meta WHERE key = 'format'").get() as { value?: string } | undefined)?.value === 'mnemo';
  } catch {
    return false; // no meta table
  }
}

/** The copy opens, passes SQLite's integrity check and carries Mnemo's stamp; else CORRUPT. */
function checkCopy(target: string): void {
  const copy = new Database(target, { readonly: true, fileMustExist: true });
  try {
    const result = (copy.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check;
    if (result !== 'ok' || !isMnemoDatabase(copy)) throw new StoreError('CORRUPT', `the copy ${target} failed its check (${result}); do not rely on it`);
  } finally {
    copy.close();
  }
}
