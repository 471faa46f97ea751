// Payload format across builds: files of the builds that stamped schema 1 (payloads already
// deflated) open and are restamped; stamps no build wrote are refused.

import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { ModelEngine } from '../test-support/model-engine';
import { memoryLogger, useTempStore } from '../test-support/temp-db';
import { SCHEMA_VERSION } from './open-store';

jest.setTimeout(30_000);

type Row = { table: 'snapshot_chunk' | 'log_batch'; rowid: number; payload: Buffer; checksum: number };

describe('payload format of the file', () => {
  const store = useTempStore();
  const open = store.open;

  /** Many small keys, a few large incompressible values, a hash and an expiry; BGSAVE; then more log. */
  async function writeFile(): Promise<ModelEngine> {
    const engine = new ModelEngine();
    const p = await open(engine);
    for (let i = 0; i < 4000; i++) engine.set(`k:${i}`, `v${i}.${'x'.repeat(i % 60)}`);
    for (let i = 0; i < 3; i++) engine.set(`big:${i}`, randomBytes(150_000 + i * 90_000).toString('latin1'));
    engine.hset('h', 'f', '\u00ff\u0000');
    engine.set('ttl', 'x', Date.now() + 3_600_000);
    await p.bgsave();
    await p.idle();
    expect(p.info().rdb_last_bgsave_status).toBe('ok');
    for (let i = 0; i < 200; i++) engine.set(`after:${i}`, String(i));
    engine.del('k:7');
    await p.close();
    return engine;
  }

  function rows(db: Database.Database): Row[] {
    // `rowid AS rowid`: log_batch's rowid is its id column, and SQLite would name it `id`.
    const chunks = db.prepare('SELECT rowid AS rowid, payload, checksum FROM snapshot_chunk').all() as Array<Omit<Row, 'table'>>;
    const batches = db.prepare('SELECT rowid AS rowid, payload, checksum FROM log_batch').all() as Array<Omit<Row, 'table'>>;
    return [...chunks.map((row) => ({ ...row, table: 'snapshot_chunk' as const })), ...batches.map((row) => ({ ...row, table: 'log_batch' as const }))];
  }

  function schemaVersion(): string {
    const db = new Database(store.db, { readonly: true });
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string };
    db.close();
    return row.value;
  }

  it('a schema-1 file (payloads deflated, as every build wrote them) opens exact, rows untouched, restamped', async () => {
    const engine = await writeFile();
    const db = new Database(store.db);
    db.prepare("UPDATE meta SET value = '1' WHERE key = 'schema_version'").run();
    const before = rows(db).map((row) => [row.table, row.rowid, row.checksum, row.payload.toString('hex')]);
    db.close();
    const again = new ModelEngine();
    const logger = memoryLogger();
    const q = await open(again, { logger });
    expect(logger.lines).toContainEqual(expect.stringMatching(/upgraded .* from schema 1 to 2$/));
    expect(q.recovery.snapshotId).not.toBeNull();
    expect(q.recovery.batchesReplayed).toBeGreaterThan(0);
    expect(again.dump()).toEqual(engine.dump());
    await q.close();
    const check = new Database(store.db, { readonly: true });
    const after = rows(check).map((row) => [row.table, row.rowid, row.checksum, row.payload.toString('hex')]);
    check.close();
    // Recovery and shutdown may add or compact log rows; every row that was there is byte-identical.
    for (const row of before) if (after.some((other) => other[0] === row[0] && other[1] === row[1])) expect(after).toContainEqual(row);
    expect(schemaVersion()).toBe(String(SCHEMA_VERSION));
    const reread = new Database(store.db, { readonly: true });
    for (const row of rows(reread)) expect(() => inflateRawSync(row.payload)).not.toThrow();
    reread.close();
  });

  it('a file stamped with a schema version no build wrote (0) is refused and left byte for byte', async () => {
    await writeFile();
    const db = new Database(store.db);
    db.prepare("UPDATE meta SET value = '0' WHERE key = 'schema_version'").run();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const before = readFileSync(store.db);
    await expect(open(new ModelEngine())).rejects.toMatchObject({ code: 'NOT_MNEMO', message: expect.stringMatching(/schema version 0, which no Mnemo build wrote/) });
    expect(readFileSync(store.db).equals(before)).toBe(true);
    expect(schemaVersion()).toBe('0');
  });

  it('a damaged row in a schema-1 file is left as it is and still refused by name', async () => {
    await writeFile();
    const db = new Database(store.db);
    const chunk = rows(db).find((row) => row.table === 'snapshot_chunk') as Row;
    const raw = inflateRawSync(chunk.payload);
    raw[raw.length >> 1] ^= 0xff;
    db.prepare('UPDATE snapshot_chunk SET payload = ?, checksum = ? WHERE rowid = ?').run(raw, chunk.checksum, chunk.rowid);
    db.prepare("UPDATE meta SET value = '1' WHERE key = 'schema_version'").run();
    db.close();
    await expect(open(new ModelEngine())).rejects.toMatchObject({ code: 'SNAPSHOT_CORRUPT', message: expect.stringMatching(/chunk \d+ fails its checksum/) });
  });
});
