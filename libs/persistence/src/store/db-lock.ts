// One Mnemo process per database file: an OS lock on a side file `<db>.lock` that dies with the process.

import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { createPrivateFile } from './private-file';
import { StoreError } from './store-errors';

/** Locks held by this process, by absolute lock-file path (value: the database path as given). */
const held = new Map<string, string>();

/** Offset of SQLite's `user_version` header field (4 bytes, big-endian) in the lock file. */
const USER_VERSION_OFFSET = 60;

/*
 * Design note. The lock is not on the database itself: Mnemo's own connections (recovery on the
 * main thread, the writer thread, repair-log) must keep sharing it in WAL mode. Instead a small
 * side file `<db>.lock` is opened as an SQLite database with `locking_mode=EXCLUSIVE` and
 * `BEGIN EXCLUSIVE`, which takes an fcntl write lock on it and never gives it back until the
 * connection closes. The kernel drops fcntl locks when the process dies, so SIGKILL or a crash
 * frees the file with nothing stale left to clean up; no pid-liveness guess is involved.
 * Example: server A (pid 4242) holds ./data/mnemo.db.lock; server B runs `BEGIN EXCLUSIVE` with
 * a 0 ms busy timeout, gets SQLITE_BUSY and refuses ("database ./data/mnemo.db is in use by
 * another Mnemo process (pid 4242)"; main prints it as "mnemo: start-up failed: ..."), before
 * opening the database. A is SIGKILLed; C's `BEGIN EXCLUSIVE` succeeds.
 * The holder writes its pid into the file's `user_version` header field (committed, lock kept),
 * so B reads bytes 60..63 of the file for the message without needing SQLite's lock. B only
 * reads with fs when the holder is another process: within one process, closing any fd on the
 * file would drop the holder's fcntl locks (POSIX), so in-process holders come from `held`.
 * The lock file stays on disk after release (deleting it would race with a new opener).
 */
export class DbLock {
  private constructor(
    readonly lockPath: string,
    private connection: Database.Database | null,
  ) {}

  /**
   * Takes the lock for `dbPath` (creating its directory and `<db>.lock` if missing) before the
   * database is opened. Throws StoreError IN_USE naming the file (as given) and the holder's pid
   * when another process, or another open in this process, holds it; OPEN_FAILED when the lock
   * file cannot be created or locked for another reason.
   */
  static acquire(dbPath: string): DbLock {
    const lockPath = `${canonicalPath(dbPath)}.lock`;
    if (held.has(lockPath)) throw inUse(dbPath, process.pid);
    let connection: Database.Database;
    try {
      createPrivateFile(lockPath);
      connection = new Database(lockPath, { timeout: 0 });
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError('OPEN_FAILED', `cannot create the lock file ${lockPath}: ${(error as Error).message}`);
    }
    try {
      connection.pragma('locking_mode = EXCLUSIVE');
      connection.exec('BEGIN EXCLUSIVE');
      connection.pragma(`user_version = ${process.pid}`);
      connection.exec('COMMIT'); // locking_mode EXCLUSIVE keeps the write lock after the commit
    } catch (error) {
      connection.close();
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw inUse(dbPath, readHolderPid(lockPath));
      throw new StoreError('OPEN_FAILED', `cannot lock ${lockPath}: ${(error as Error).message}`);
    }
    held.set(lockPath, dbPath);
    return new DbLock(lockPath, connection);
  }

  /** Releases the lock (closing the lock file's connection). Idempotent. */
  release(): void {
    if (!this.connection) return;
    this.connection.close();
    this.connection = null;
    held.delete(this.lockPath);
  }
}

function inUse(dbPath: string, pid: number | null): StoreError {
  const holder = pid ? `another Mnemo process (pid ${pid})` : 'another Mnemo process';
  return new StoreError('IN_USE', `database ${dbPath} is in use by ${holder}; stop that process first (lock held on ${dbPath}.lock)`);
}

/** The pid the holder stamped into the lock file's header, or null if unreadable (message only). */
function readHolderPid(lockPath: string): number | null {
  const buffer = Buffer.alloc(4);
  let fd: number | null = null;
  try {
    fd = openSync(lockPath, 'r');
    if (readSync(fd, buffer, 0, 4, USER_VERSION_OFFSET) < 4) return null;
    const pid = buffer.readUInt32BE(0);
    return pid > 0 ? pid : null;
  } catch (error) {
    void error; // the pid only decorates the refusal message; the refusal stands without it
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * The one name of the database file the lock is taken for: symbolic links resolved, so
 * `data -> /mnt/volume` and `/mnt/volume/mnemo.db` share one lock (two servers on one file
 * through a link would each log and snapshot over the other's acknowledged writes). A file with
 * several hard links is refused: SQLite names its WAL after the path it is opened by, so two
 * names would be two logs over one file, which SQLite itself lists as a way to corrupt it.
 */
export function canonicalPath(dbPath: string): string {
  const absolute = path.resolve(dbPath);
  if (existsSync(absolute)) {
    const stat = statSync(absolute);
    const links = stat.nlink;
    if (stat.isFile() && links > 1) {
      throw new StoreError(
        'OPEN_FAILED',
        `${absolute} has ${links} hard links; SQLite cannot lock one file reached by several names, so Mnemo refuses it. Copy the file (cp) instead of linking it (ln), or remove the other links`,
      );
    }
    return realpathSync(absolute);
  }
  const dir = path.dirname(absolute);
  return existsSync(dir) ? path.join(realpathSync(dir), path.basename(absolute)) : absolute;
}
