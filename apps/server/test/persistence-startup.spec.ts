// Server start-up with persistence: a fresh file is created and migrated, data survives a
// restart, foreign/newer files and invalid persistence options stop start-up with a clear
// message, the repair-log CLI works on a real file, and a second process on the same file is
// refused before it touches it (the lock dies with the holder).

import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bytesFromText } from '@mnemo/engine';
import { startServer } from '../src/bootstrap';
import { runCli } from '../src/cli/mnemo-cli';
import { loadConfig } from '../src/config/load-config';
import { buildServerBundle, client, readAll, startChild, startLoad, until } from './support/crash-child';
import { type AddressInfo, createServer } from 'node:net';

jest.setTimeout(60_000);

const flags = (db: string, extra: string[] = []): string[] => ['--db', db, '--http-port', '0', '--resp-port', '0', '--log-level', 'silent', '--admin-token', 't', ...extra];
const digest = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('server start-up with persistence', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mnemo-startup-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the database (and its directory) on first start; writes survive a restart', async () => {
    const db = path.join(dir, 'data', 'mnemo.db');
    const first = await startServer(loadConfig({ argv: flags(db, ['--appendfsync', 'always']) }), { announce: false });
    expect(existsSync(db)).toBe(true);
    expect(first.keyspace.ready).toBe(true);
    const engine = first.keyspace.engine;
    engine.set(bytesFromText('greeting'), bytesFromText('hello'));
    await first.keyspace.durability.waitFor(engine.lastSeq);
    expect(first.keyspace.persistence.info()).toMatchObject({ aof_enabled: 1, mnemo_appendfsync: 'always', aof_last_write_status: 'ok' });
    await first.close();
    const second = await startServer(loadConfig({ argv: flags(db) }), { announce: false });
    expect(second.keyspace.engine.get(bytesFromText('greeting'))).toBe(bytesFromText('hello'));
    expect(second.keyspace.persistence.configGet('appendfsync')).toEqual([['appendfsync', 'everysec']]);
    await second.close();
  });

  it('refuses a database file that is not Mnemo’s, leaving it untouched', async () => {
    const db = path.join(dir, 'other.db');
    const other = new Database(db);
    other.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)');
    other.close();
    const before = digest(db);
    await expect(startServer(loadConfig({ argv: flags(db) }), { announce: false })).rejects.toThrow(/is not a Mnemo database \(it holds tables invoices\)/);
    expect(digest(db)).toBe(before);
  });

  it('refuses a database written by a newer Mnemo', async () => {
    const db = path.join(dir, 'mnemo.db');
    const server = await startServer(loadConfig({ argv: flags(db) }), { announce: false });
    await server.close();
    const file = new Database(db);
    file.prepare("UPDATE meta SET value = '3' WHERE key = 'schema_version'").run();
    file.close();
    await expect(startServer(loadConfig({ argv: flags(db) }), { announce: false })).rejects.toThrow(/schema version 3, newer than this build's 2/);
  });

  it('invalid persistence options fail start-up naming the option and the allowed values', () => {
    expect(() => loadConfig({ argv: flags(path.join(dir, 'x.db'), ['--appendfsync', 'sometimes']) })).toThrow("option 'appendfsync': 'sometimes' is not one of always, everysec, no");
    expect(() => loadConfig({ argv: flags(path.join(dir, 'x.db'), ['--appendonly', 'maybe']) })).toThrow("option 'appendonly': 'maybe' is not one of yes, no");
    expect(() => loadConfig({ argv: flags(path.join(dir, 'x.db'), ['--save', '3600']) })).toThrow(/option 'save'.*pairs/);
    expect(() => loadConfig({ argv: flags(path.join(dir, 'x.db'), ['--auto-aof-rewrite-min-size', 'lots']) })).toThrow(/option 'auto-aof-rewrite-min-size'.*not a size/);
  });

  it('migrations-dir (MNEMO_MIGRATIONS_DIR) names the migrations, for the server and repair-log; a missing one fails naming the option, creating nothing', async () => {
    // A copy outside the repository, which nothing would find by itself.
    const copy = path.join(dir, 'migrations-copy');
    cpSync(path.resolve(__dirname, '..', '..', '..', 'prisma', 'migrations'), copy, { recursive: true });
    const db = path.join(dir, 'mnemo.db');
    const server = await startServer(loadConfig({ argv: flags(db, ['--migrations-dir', copy]) }), { announce: false });
    expect(server.keyspace.ready).toBe(true);
    await server.close();
    const missing = path.join(dir, 'nowhere');
    const other = path.join(dir, 'other.db');
    await expect(startServer(loadConfig({ argv: flags(other), env: { MNEMO_MIGRATIONS_DIR: missing } }), { announce: false })).rejects.toThrow(
      `migrations directory '${missing}' does not exist (option migrations-dir)`,
    );
    expect(existsSync(other)).toBe(false);
    expect(await runCli(['repair-log', '--db', db, '--backup', path.join(dir, 'b.db')], { MNEMO_MIGRATIONS_DIR: missing })).toBe(1);
    expect(await runCli(['repair-log', '--db', db, '--backup', path.join(dir, 'b.db'), '--migrations-dir', copy], {})).toBe(0);
  });

  it('npm run mnemo -- repair-log: backs up, truncates at the last good batch, the server starts again', async () => {
    const db = path.join(dir, 'mnemo.db');
    const server = await startServer(loadConfig({ argv: flags(db, ['--appendfsync', 'always']) }), { announce: false });
    const engine = server.keyspace.engine;
    for (let round = 0; round < 3; round++) {
      engine.set(bytesFromText(`k${round}`), bytesFromText(`v${round}`));
      await server.keyspace.durability.waitFor(engine.lastSeq);
    }
    await server.close();
    const file = new Database(db);
    const rows = file.prepare('SELECT id FROM log_batch ORDER BY first_seq').all() as Array<{ id: number }>;
    expect(rows.length).toBe(3);
    file.prepare('UPDATE log_batch SET checksum = checksum + 1 WHERE id = ?').run(rows[1].id);
    file.close();
    await expect(startServer(loadConfig({ argv: flags(db) }), { announce: false })).rejects.toThrow(new RegExp(`log batch #${rows[1].id} .* fails its checksum and is not the last batch.*repair-log`));

    const backup = path.join(dir, 'backup.db');
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await runCli(['repair-log', '--db', db, '--backup', backup], {})).toBe(0);
      expect(log.mock.calls.flat().join('\n')).toMatch(`truncated at batch #${rows[1].id}`);
      // The repaired log is sound: a second run changes nothing and writes no backup.
      log.mockClear();
      expect(await runCli(['repair-log', '--db', db, '--backup', path.join(dir, 'second.db')], {})).toBe(0);
      expect(log.mock.calls.flat().join('\n')).toMatch('the log is sound (1 batches, up to seq 1); nothing truncated. Nothing changed, so no backup was written.');
      expect(existsSync(path.join(dir, 'second.db'))).toBe(false);
      expect(await runCli(['repair-log', '--bogus'], {})).toBe(2);
      expect(await runCli(['repair-log', '--db', path.join(dir, 'missing.db')], {})).toBe(1);
      expect(existsSync(path.join(dir, 'missing.db'))).toBe(false);
      expect(error.mock.calls.flat().join('\n')).toMatch("unknown argument '--bogus'");
    } finally {
      log.mockRestore();
      warn.mockRestore();
      error.mockRestore();
    }
    expect(existsSync(backup)).toBe(true);
    const again = await startServer(loadConfig({ argv: flags(db) }), { announce: false });
    expect(again.keyspace.engine.get(bytesFromText('k0'))).toBe(bytesFromText('v0'));
    expect(again.keyspace.engine.get(bytesFromText('k1'))).toBeNull();
    await again.close();
  });

  it('a port already in use stops start-up naming its option, before the database is opened or created', async () => {
    const first = await startServer(loadConfig({ argv: flags(path.join(dir, 'first.db')) }), { announce: false });
    try {
      const httpPort = Number(new URL(first.httpUrl).port);
      const db = path.join(dir, 'second.db');
      await expect(startServer(loadConfig({ argv: [...flags(db), '--http-port', String(httpPort)] }), { announce: false })).rejects.toThrow(
        `option 'http-port': 127.0.0.1:${httpPort} is already in use (EADDRINUSE); stop what listens there or choose another port`,
      );
      // The RESP port taken (it opens before the HTTP one): that option is named, with its own port.
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
      const respPort = (blocker.address() as AddressInfo).port;
      try {
        await expect(startServer(loadConfig({ argv: [...flags(db), '--resp-port', String(respPort)] }), { announce: false })).rejects.toThrow(
          `option 'resp-port': 127.0.0.1:${respPort} is already in use (EADDRINUSE)`,
        );
      } finally {
        blocker.close();
      }
      // Found before the database was opened: a mistyped start creates no file.
      expect(existsSync(db)).toBe(false);
      // A start on free ports works.
      const again = await startServer(loadConfig({ argv: flags(db) }), { announce: false });
      await again.close();
    } finally {
      await first.close();
    }
  });

  it('a non-SQLite file at the db path is refused, not overwritten', async () => {
    const db = path.join(dir, 'notes.txt');
    writeFileSync(db, 'remember the milk\n');
    await expect(startServer(loadConfig({ argv: flags(db) }), { announce: false })).rejects.toThrow(/is not a SQLite database/);
    expect(readFileSync(db, 'utf8')).toBe('remember the milk\n');
  });
});

describe('one Mnemo process per database file', () => {
  let dir: string;
  beforeAll(async () => {
    await buildServerBundle();
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mnemo-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('mnemo backup copies a live database under a write load: every write acknowledged before it, checked, private, with the policies file', async () => {
    const db = path.join(dir, 'live.db');
    const policies = JSON.stringify({ policies: [{ name: 'login', algorithm: 'fixed-window', limit: 5, windowMs: 60_000 }] });
    writeFileSync(path.join(dir, 'live.ratelimit-policies.json'), policies);
    const server = await startChild(db, ['--appendfsync', 'always']);
    const load = startLoad(server.respPort, 8, 2_000);
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const copy = path.join(dir, 'copies', 'live-copy.db');
    mkdirSync(path.dirname(copy));
    let ackedBefore: string[] = [];
    try {
      await until(() => load.acked.size >= 2_000);
      ackedBefore = [...load.acked.keys()];
      expect(await runCli(['backup', copy, '--db', db], {})).toBe(0); // while the writers go on
      expect(log.mock.calls.flat().join('\n')).toMatch(/backup: .*live\.db -> .*live-copy\.db \(\d+ bytes, \d+ ms, checked\)/);
      expect(await runCli(['backup', copy, '--db', db], {})).toBe(1); // never over an existing file
      expect(error.mock.calls.flat().join('\n')).toMatch('already exists; a backup never overwrites a file');
      expect(await runCli(['backup', '--db', db], {})).toBe(2);
    } finally {
      log.mockRestore();
      error.mockRestore();
      await load.stop();
      server.proc.kill('SIGTERM');
      await server.exited;
    }
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    const copiedPolicies = path.join(dir, 'copies', 'live-copy.ratelimit-policies.json');
    expect(readFileSync(copiedPolicies, 'utf8')).toBe(policies);
    expect(statSync(copiedPolicies).mode & 0o777).toBe(0o600);
    const restored = await startChild(copy);
    try {
      const values = await readAll(restored.respPort, ackedBefore);
      expect(ackedBefore.filter((key) => values.get(key) !== load.acked.get(key)?.value)).toEqual([]);
    } finally {
      restored.proc.kill('SIGTERM');
      await restored.exited;
    }
  });

  it('redis-cli shutdown stops the server as SIGTERM does: the log flushed, the file freed, nothing acknowledged lost', async () => {
    const db = path.join(dir, 'shutdown.db');
    const first = await startChild(db, ['--appendfsync', 'everysec']);
    const redis = client(first.respPort);
    for (let i = 0; i < 200; i++) await redis.set(`k${i}`, String(i)); // acknowledged, not yet fsynced
    redis.disconnect();
    expect((await client(first.respPort).call('SHUTDOWN', 'NOW', 'NOPE').catch((error: Error) => error.message))).toBe('ERR syntax error');
    const cli = spawnSync('redis-cli', ['-p', String(first.respPort), 'shutdown'], { encoding: 'utf8', timeout: 20_000 });
    expect(cli.status).toBe(0);
    expect(cli.stdout).not.toMatch(/ERR/);
    expect(await first.exited).toBe('SIGTERM');
    expect(first.output()).toContain(`starting: database ${db}, rate-limit policies ${path.join(dir, 'shutdown.ratelimit-policies.json')}, config file none`);
    expect(first.output()).toMatch(/SHUTDOWN asked by client 127\.0\.0\.1:\d+: stopping as on SIGTERM/);
    const second = await startChild(db); // the lock was released
    const again = client(second.respPort);
    try {
      expect(await again.get('k199')).toBe('199');
      expect(await again.dbsize()).toBe(200);
    } finally {
      again.disconnect();
      second.proc.kill('SIGTERM');
      await second.exited;
    }
  });

  it('a bad rate-limit policies file stops the process with one line naming the option and exit code 2, no stack trace', async () => {
    const policies = path.join(dir, 'bad-policies.json');
    writeFileSync(policies, '{bad');
    const refused = await startChild(path.join(dir, 'policies.db'), ['--ratelimit-policies', policies]).then(
      () => null,
      (error: Error) => error.message,
    );
    // The start-up line, then the refusal: one line, no stack trace.
    expect(refused?.split('\n')).toEqual([
      'server exited with 2 before listening:',
      expect.stringMatching(/^Mnemo \S+ \(Node v[\d.]+\) starting: database /),
      `mnemo: option 'ratelimit-policies': ${policies} is not JSON: Expected property name or '}' in JSON at position 1`,
      '',
    ]);
  });

  it('a second server (or repair-log) on a live file is refused naming file and pid; the first keeps working; SIGKILL frees the file', async () => {
    const db = path.join(dir, 'mnemo.db');
    const first = await startChild(db, ['--appendfsync', 'always']);
    const pid = first.proc.pid;
    const inUse = `database ${db} is in use by another Mnemo process (pid ${pid})`;
    try {
      const redis = client(first.respPort);
      expect(await redis.set('before', '1')).toBe('OK');

      // A second real process: refused at start-up, before recovery, with the message on stderr.
      await expect(startChild(db)).rejects.toThrow(`mnemo: start-up failed [IN_USE]: ${inUse}`);
      // In this process too (the OS lock, not an in-process table, refuses it).
      await expect(startServer(loadConfig({ argv: flags(db) }), { announce: false })).rejects.toThrow(inUse);
      const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        expect(await runCli(['repair-log', '--db', db, '--backup', path.join(dir, 'b.db')], {})).toBe(1);
        expect(error.mock.calls.flat().join('\n')).toMatch(`[IN_USE]: ${inUse}`);
      } finally {
        error.mockRestore();
      }
      expect(existsSync(path.join(dir, 'b.db'))).toBe(false);

      expect(await redis.set('after', '2')).toBe('OK'); // the first server was not disturbed
      expect(await redis.get('before')).toBe('1');
      redis.disconnect();
    } finally {
      first.proc.kill('SIGKILL');
      await first.exited;
    }

    const again = await startServer(loadConfig({ argv: flags(db) }), { announce: false });
    expect(again.keyspace.engine.get(bytesFromText('after'))).toBe(bytesFromText('2'));
    await again.close(); // a normal shutdown releases the lock as well
    const third = await startServer(loadConfig({ argv: flags(db) }), { announce: false });
    expect(third.keyspace.engine.get(bytesFromText('before'))).toBe(bytesFromText('1'));
    await third.close();
  });
});
