// Persistence end to end over a real SQLite file: log, group commit, snapshots, compaction, config.

import { ModelEngine } from './test-support/model-engine';
import { memoryLogger, tempDir } from './test-support/temp-db';
import { Persistence, type PersistenceOptions } from './persistence';

jest.setTimeout(30_000);

describe('persistence', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  async function open(engine: ModelEngine, extra: Partial<PersistenceOptions> = {}): Promise<Persistence> {
    return Persistence.open(engine, { dbPath: tmp.db, logger: memoryLogger(), save: [], ...extra });
  }

  it('restores every acknowledged write after a clean close (everysec)', async () => {
    const engine = new ModelEngine();
    const p = await open(engine);
    for (let i = 0; i < 500; i++) engine.set(`k${i}`, `v${i}`);
    engine.hset('h', 'f', '1');
    engine.hset('h', 'g', '\u00ff\u0000binary');
    engine.hdel('h', 'f');
    engine.del('k3');
    await p.close();
    const again = new ModelEngine();
    const q = await open(again);
    expect(again.dump()).toEqual(engine.dump());
    expect(again.lastSeq).toBe(engine.lastSeq);
    again.set('after', 'x');
    expect(again.lastSeq).toBe(engine.lastSeq + 1);
    await q.close();
  });

  it('always: a write resolves only after its batch is committed, concurrent writers share commits', async () => {
    const engine = new ModelEngine();
    const p = await open(engine, { appendfsync: 'always' });
    const seqs = Array.from({ length: 50 }, (_, i) => engine.set(`w${i}`, 'v'));
    await Promise.all(seqs.map((seq) => p.waitFor(seq)));
    const info = p.info();
    expect(info.mnemo_durable_seq).toBeGreaterThanOrEqual(seqs[seqs.length - 1]);
    expect(Number(info.mnemo_log_commits)).toBeLessThan(50);
    expect(Number(info.mnemo_log_commits)).toBeGreaterThanOrEqual(1);
    expect(info.mnemo_last_fsync_time_ms).toBeGreaterThan(0);
    await p.close();
  });

  it('INFO: a rewrite is not a BGSAVE (in progress, status, duration, count), though LASTSAVE follows its snapshot', async () => {
    const engine = new ModelEngine();
    const p = await open(engine);
    for (let i = 0; i < 5000; i++) engine.set(`k${i}`, 'v');
    const before = p.info();
    const rewriting = p.rewrite();
    expect(p.info()).toMatchObject({ rdb_bgsave_in_progress: 0, rdb_current_bgsave_time_sec: -1, aof_rewrite_in_progress: 1 });
    await rewriting;
    await p.idle();
    const after = p.info();
    expect(after).toMatchObject({ rdb_saves: 0, rdb_last_bgsave_time_sec: -1, rdb_last_bgsave_status: 'ok', aof_rewrites: 1, rdb_changes_since_last_save: 0 });
    expect(after.rdb_last_save_time).toBeGreaterThanOrEqual(before.rdb_last_save_time as number);
    await p.close();
  });

  it('SHUTDOWN NOSAVE takes no final snapshot under appendonly no; SHUTDOWN SAVE aborts a running BGSAVE and saves', async () => {
    const engine = new ModelEngine();
    const p = await open(engine, { appendonly: false, save: [{ seconds: 3600, changes: 1 }] });
    engine.set('kept-only-by-a-save', 'v');
    await p.prepareShutdown('nosave');
    await p.close();
    const empty = new ModelEngine();
    await (await open(empty, { appendonly: false })).close();
    expect(empty.dump()).toEqual({});

    const busy = new ModelEngine();
    const q = await open(busy, { appendonly: false });
    for (let i = 0; i < 20_000; i++) busy.set(`k${i}`, 'v');
    await q.bgsave();
    expect(q.info().rdb_bgsave_in_progress).toBe(1);
    busy.set('last', 'v');
    await q.prepareShutdown('save'); // no "Background save already in progress"
    await q.close();
    const again = new ModelEngine();
    await (await open(again, { appendonly: false })).close();
    expect(again.dump()).toEqual(busy.dump());
  });

  it('overlapping CONFIG SETs apply in order: appendonly no then yes leaves the log on, and later writes survive', async () => {
    const engine = new ModelEngine();
    const p = await open(engine);
    for (let i = 0; i < 20_000; i++) engine.set(`k${i}`, 'v'); // buffered: turning the log off waits for their flush
    const off = p.configSet('appendonly', 'no');
    const on = p.configSet('appendonly', 'yes');
    const noSave = p.configSet('save', '');
    await Promise.all([off, on, noSave]);
    expect(p.configGet('appendonly')).toEqual([['appendonly', 'yes']]);
    expect(p.configGet('save')).toEqual([['save', '']]);
    expect(p.info().aof_enabled).toBe(1);
    for (let i = 0; i < 1000; i++) engine.set(`later${i}`, 'v');
    await p.close();
    const again = new ModelEngine();
    const q = await open(again);
    expect(again.dump()).toEqual(engine.dump());
    await q.close();
  });
});
