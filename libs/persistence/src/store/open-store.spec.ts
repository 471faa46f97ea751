// Opening the file: fresh files are created and migrated; foreign and newer files are refused untouched.

import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ModelEngine } from '../test-support/model-engine';
import { runScenario } from '../test-support/run-scenario';
import { memoryLogger, tempDir } from '../test-support/temp-db';
import { Persistence } from '../persistence';
import { findMigrationsDir } from './migrations';
import { openStore, SCHEMA_VERSION } from './open-store';

jest.setTimeout(30_000);

const digest = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('opening the database', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('creates the directory and file, applies the committed migrations once, stamps it as Mnemo', async () => {
    const file = path.join(tmp.dir, 'nested', 'dir', 'mnemo.db');
    const first = await openStore(file);
    expect(first.created).toBe(true);
    expect(first.migrated).toEqual(['20261126120000_init']);
    await first.prisma.$disconnect();
    const second = await openStore(file);
    expect(second).toMatchObject({ created: false, migrated: [] });
    const meta = await second.prisma.meta.findMany({ orderBy: { key: 'asc' } });
    expect(meta.map((row) => [row.key, row.value]).filter(([key]) => key !== 'created_at')).toEqual([
      ['format', 'mnemo'],
      ['schema_version', String(SCHEMA_VERSION)],
    ]);
    const journal = await second.prisma.$queryRawUnsafe<Array<{ journal_mode: string }>>('PRAGMA journal_mode');
    expect(journal[0].journal_mode).toBe('wal');
    await second.prisma.$disconnect();
  });

  it('creates a new database readable by its owner only: its directories 0700, every file 0600; an existing file keeps its mode', async () => {
    const dir = path.join(tmp.dir, 'private', 'data');
    const file = path.join(dir, 'mnemo.db');
    const engine = new ModelEngine();
    const p = await Persistence.open(engine, { dbPath: file, logger: memoryLogger() });
    engine.set('session:1', 'secret');
    await p.save();
    const modes = (): Array<[string, number]> => readdirSync(dir).map((name) => [name, statSync(path.join(dir, name)).mode & 0o777]);
    try {
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(path.dirname(dir)).mode & 0o777).toBe(0o700);
      expect(modes().map(([name]) => name)).toEqual(expect.arrayContaining(['mnemo.db', 'mnemo.db-wal', 'mnemo.db.lock']));
      expect(modes()).toEqual(modes().map(([name]) => [name, 0o600]));
    } finally {
      await p.close();
    }
    chmodSync(file, 0o640);
    const again = await openStore(file);
    await again.prisma.$disconnect();
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  it('refuses a file that is not SQLite, leaving it byte for byte', async () => {
    writeFileSync(tmp.db, 'this is my shopping list, not a database\n'.repeat(20));
    const before = digest(tmp.db);
    await expect(Persistence.open(new ModelEngine(), { dbPath: tmp.db, logger: memoryLogger() })).rejects.toMatchObject({
      code: 'NOT_MNEMO',
      message: expect.stringContaining('is not a SQLite database'),
    });
    expect(digest(tmp.db)).toBe(before);
  });

  it("refuses someone else's SQLite database, naming its tables", async () => {
    const db = new Database(tmp.db);
    db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users VALUES (1, 'ann')");
    db.close();
    const before = digest(tmp.db);
    await expect(openStore(tmp.db)).rejects.toMatchObject({ code: 'NOT_MNEMO', message: expect.stringContaining('holds tables users') });
    expect(digest(tmp.db)).toBe(before);
  });

  it('refuses a file from a newer Mnemo (higher schema_version or unknown migration)', async () => {
    const store = await openStore(tmp.db);
    await store.prisma.$disconnect();
    const db = new Database(tmp.db);
    db.prepare("UPDATE meta SET value = '7' WHERE key = 'schema_version'").run();
    db.close();
    await expect(openStore(tmp.db)).rejects.toMatchObject({ code: 'NEWER_SCHEMA', message: expect.stringContaining('schema version 7') });
    const db2 = new Database(tmp.db);
    db2.prepare("UPDATE meta SET value = '1' WHERE key = 'schema_version'").run();
    db2.prepare("INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ('x', 'y', 1, '20991231000000_future', 1)").run();
    db2.close();
    await expect(openStore(tmp.db)).rejects.toMatchObject({ code: 'NEWER_SCHEMA', message: expect.stringContaining('20991231000000_future') });
  });

  it('refuses a schema_version no Mnemo build wrote before changing anything, its journal mode included', async () => {
    const store = await openStore(tmp.db);
    await store.prisma.$disconnect();
    for (const stamped of ['0', 'two']) {
      const db = new Database(tmp.db);
      db.pragma('journal_mode = DELETE');
      db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(stamped);
      db.close();
      const before = digest(tmp.db);
      await expect(openStore(tmp.db)).rejects.toMatchObject({ code: 'NOT_MNEMO', message: expect.stringContaining(`schema version ${stamped}, which no Mnemo build wrote`) });
      expect(digest(tmp.db)).toBe(before);
    }
  });

  it('makes an existing empty (0-byte) file a new database, and says so', async () => {
    writeFileSync(tmp.db, '');
    const logger = memoryLogger();
    const p = await Persistence.open(new ModelEngine(), { dbPath: tmp.db, logger, save: [] });
    await p.close();
    expect(logger.warnings.join('\n')).toMatch(/existed but was empty \(0 bytes\): made it a new, empty Mnemo database/);
    expect(logger.lines.join('\n')).not.toMatch(/created /);
  });

  it('refuses a damaged file (cut short) with CORRUPT naming it and what to do, leaving it byte for byte', async () => {
    const engine = new ModelEngine();
    const p = await Persistence.open(engine, { dbPath: tmp.db, logger: memoryLogger(), save: [], appendfsync: 'always' });
    for (let i = 0; i < 3000; i++) engine.set(`key:${i}`, 'v'.repeat(200));
    await p.waitFor(engine.lastSeq);
    await p.close();
    truncateSync(tmp.db, Math.floor(statSync(tmp.db).size / 2));
    const before = digest(tmp.db);
    await expect(Persistence.open(new ModelEngine(), { dbPath: tmp.db, logger: memoryLogger(), save: [] })).rejects.toMatchObject({
      code: 'CORRUPT',
      message: expect.stringMatching(/is damaged \(SQLite: database disk image is malformed\); it was left as it is\. Restore it from a backup \(npm run mnemo -- backup makes them\), or salvage .*\.recover/),
    });
    expect(digest(tmp.db)).toBe(before);
  });

  it('refuses a file it may only read with READ_ONLY at open, before any write is acknowledged', async () => {
    const p = await Persistence.open(new ModelEngine(), { dbPath: tmp.db, logger: memoryLogger(), save: [] });
    await p.close();
    const before = digest(tmp.db);
    // The file read-only; its directory writable (SQLite may still make its -wal and -shm files).
    chmodSync(tmp.db, 0o444);
    chmodSync(tmp.dir, 0o777);
    for (const name of readdirSync(tmp.dir)) if (name !== 'mnemo.db') chmodSync(path.join(tmp.dir, name), 0o666); // the lock file
    // File modes do not stop root: run as nobody then.
    const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'] : [];
    const run = runScenario('open-read-only', tmp.dir, [tmp.db, findMigrationsDir()], asUser);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toMatchObject({
      outcome: 'refused',
      code: 'READ_ONLY',
      message: expect.stringContaining(`cannot write to ${tmp.db} (SQLite: attempt to write a readonly database)`),
    });
    expect(digest(tmp.db)).toBe(before);
  });
});
