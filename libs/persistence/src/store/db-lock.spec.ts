// The single-process lock on a database file: refusal naming file and pid, release, death with the process.

import { type ChildProcess, spawn } from 'node:child_process';
import { linkSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { ModelEngine } from '../test-support/model-engine';
import { memoryLogger, tempDir } from '../test-support/temp-db';
import { Persistence } from '../persistence';
import { DbLock } from './db-lock';

jest.setTimeout(30_000);

/** A separate node process that takes the SQLite lock the way DbLock does and prints "locked". */
function holdInChild(lockPath: string): Promise<ChildProcess> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(lockPath)}, { timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.pragma('user_version = ' + process.pid);
    db.exec('COMMIT');
    process.stdout.write('locked\\n');
    setInterval(() => undefined, 1000);
  `;
  const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`lock holder exited early (${code})`)));
    child.stdout?.once('data', () => resolve(child));
  });
}

describe('database lock', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('a second open in the same process is refused until the first closes', async () => {
    const first = await Persistence.open(new ModelEngine(), { dbPath: tmp.db, logger: memoryLogger(), save: [] });
    await expect(Persistence.open(new ModelEngine(), { dbPath: tmp.db, logger: memoryLogger(), save: [] })).rejects.toMatchObject({
      code: 'IN_USE',
      message: expect.stringContaining(`database ${tmp.db} is in use by another Mnemo process (pid ${process.pid})`),
    });
    await first.close();
    const again = await Persistence.open(new ModelEngine(), { dbPath: tmp.db, logger: memoryLogger(), save: [] });
    await again.close();
  });

  it('another process holding the lock: refused with its pid; freed when that process is killed', async () => {
    const child = await holdInChild(`${tmp.db}.lock`);
    try {
      expect(() => DbLock.acquire(tmp.db)).toThrow(`database ${tmp.db} is in use by another Mnemo process (pid ${child.pid})`);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    const lock = DbLock.acquire(tmp.db);
    lock.release();
    lock.release(); // idempotent
    DbLock.acquire(tmp.db).release();
  });

  it('the same file through a symbolic link (to it or to its directory) is the same lock; a hard-linked file is refused', async () => {
    const first = await Persistence.open(new ModelEngine(), { dbPath: tmp.db, logger: memoryLogger(), save: [] });
    try {
      const fileLink = path.join(tmp.dir, 'link.db');
      symlinkSync(tmp.db, fileLink);
      const dirLink = path.join(tmp.dir, 'volume');
      symlinkSync(tmp.dir, dirLink);
      for (const other of [fileLink, path.join(dirLink, path.basename(tmp.db))]) {
        await expect(Persistence.open(new ModelEngine(), { dbPath: other, logger: memoryLogger(), save: [] })).rejects.toMatchObject({
          code: 'IN_USE',
          message: expect.stringContaining(`database ${other} is in use by another Mnemo process (pid ${process.pid})`),
        });
      }
    } finally {
      await first.close();
    }
    mkdirSync(path.join(tmp.dir, 'other'));
    const hardLink = path.join(tmp.dir, 'other', 'hard.db');
    linkSync(tmp.db, hardLink);
    for (const name of [tmp.db, hardLink]) {
      await expect(Persistence.open(new ModelEngine(), { dbPath: name, logger: memoryLogger(), save: [] })).rejects.toMatchObject({
        code: 'OPEN_FAILED',
        message: expect.stringContaining('has 2 hard links; SQLite cannot lock one file reached by several names'),
      });
    }
  });
});
