// The log under write failure (database locked by another process), its fsync policies, and
// appendonly turned off and on at run time.

import Database from 'better-sqlite3';
import { MnemoError } from '@mnemo/engine';
import { repairLog } from '../recovery/repair-log';
import { ModelEngine } from '../test-support/model-engine';
import { runScenario } from '../test-support/run-scenario';
import { memoryLogger, tempDir } from '../test-support/temp-db';
import { Persistence, type PersistenceEvent } from '../persistence';

jest.setTimeout(30_000);

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('event log', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('when SQLite cannot commit: MISCONF for writers, reads go on, nothing is lost, writes resume', async () => {
    const engine = new ModelEngine();
    const events: PersistenceEvent[] = [];
    const logger = memoryLogger();
    const p = await Persistence.open(engine, { dbPath: tmp.db, logger, save: [], appendfsync: 'always', busyTimeoutMs: 100, retryMs: 100, onEvent: (e) => events.push(e) });
    await p.waitFor(engine.set('before', '1'));

    // Another process holds the write lock: every commit fails with SQLITE_BUSY.
    const locker = new Database(tmp.db, { timeout: 0 });
    locker.prepare('BEGIN IMMEDIATE').run();
    const seq = engine.set('during', '2');
    await expect(p.waitFor(seq)).rejects.toMatchObject({ code: 'MISCONF' });
    const error = p.writeError();
    expect(error).toBeInstanceOf(MnemoError);
    expect(error?.toRedisText()).toMatch(/^MISCONF .*SQLITE_BUSY/);
    expect(p.info().aof_last_write_status).toBe('err');
    expect(engine.get('before')).toBe('1'); // reads go on
    expect(events.some((e) => e.type === 'write-error')).toBe(true);

    locker.prepare('COMMIT').run();
    locker.close();
    await until(() => p.writeError() === null);
    expect(events.some((e) => e.type === 'write-resumed')).toBe(true);
    // The operator's log says both, once each.
    expect(logger.errors.filter((line) => line.startsWith('event log: cannot commit (SQLITE_BUSY'))).toHaveLength(1);
    expect(logger.lines.filter((line) => /^event log: commits succeed again after \d+\.\d s; writes resumed/.test(line))).toHaveLength(1);
    await p.waitFor(engine.set('after', '3'));
    await p.close();
    expect(logger.lines).toContain(`shutdown: the event log is committed and fsynced up to seq ${engine.lastSeq}`);

    const again = new ModelEngine();
    const q = await Persistence.open(again, { dbPath: tmp.db, logger: memoryLogger(), save: [] });
    expect(again.dump()).toEqual(engine.dump()); // the record written during the failure was kept and committed
    await q.close();
  });

  it('always: writers arriving on separate turns while a commit is in flight share the next commit', async () => {
    const engine = new ModelEngine();
    const p = await Persistence.open(engine, { dbPath: tmp.db, logger: memoryLogger(), save: [], appendfsync: 'always' });
    const first = p.waitFor(engine.set('w0', '0')); // starts a commit
    const rest: Array<Promise<void>> = [];
    for (let i = 1; i <= 40; i++) {
      await new Promise((resolve) => setImmediate(resolve)); // each writer on its own turn
      rest.push(p.waitFor(engine.set(`w${i}`, String(i))));
    }
    await Promise.all([first, ...rest]);
    // One record per turn would mean ~41 commits; grouping needs only a handful.
    expect(Number(p.info().mnemo_log_commits)).toBeLessThanOrEqual(10);
    await p.close();
  });

  it('everysec: replies at once, commits within ~100 ms and fsyncs (checkpoint) within ~1 s', async () => {
    const engine = new ModelEngine();
    const p = await Persistence.open(engine, { dbPath: tmp.db, logger: memoryLogger(), save: [] });
    const seq = engine.set('k', 'v');
    let resolved = false;
    void p.waitFor(seq).then(() => (resolved = true));
    await Promise.resolve();
    await Promise.resolve();
    expect(resolved).toBe(true);
    await until(() => Number(p.info().mnemo_durable_seq) >= seq, 1000);
    await until(() => Number(p.info().mnemo_last_fsync_time_ms) > 0, 2500);
    expect(p.info().mnemo_fsync_lag_ms).toBe(0);
    await p.close();
  });

  it('everysec: once the writer falls behind by more than the backlog limit, writes wait for their commit', async () => {
    const engine = new ModelEngine();
    const p = await Persistence.open(engine, { dbPath: tmp.db, logger: memoryLogger(), save: [], flushIntervalMs: 10, busyTimeoutMs: 10_000, maxBacklogBytes: 4096 });
    // Another process holds the write lock: the writer's next commit waits for it (busy timeout),
    // so sealed batches pile up on the main thread.
    const locker = new Database(tmp.db, { timeout: 0 });
    locker.prepare('BEGIN IMMEDIATE').run();
    const value = 'v'.repeat(100);
    let seq = 0;
    for (let i = 0; i < 20 && p.info().mnemo_log_backlogged === 0; i++) {
      for (let j = 0; j < 10; j++) seq = engine.set(`k${i}:${j}`, value);
      await new Promise((resolve) => setTimeout(resolve, 15)); // a flush seals each group
    }
    expect(p.info().mnemo_log_backlogged).toBe(1);
    expect(p.isDurable(seq)).toBe(false);
    const last = engine.set('last', '1');
    let acknowledged = false;
    const waiting = p.waitFor(last).then(() => (acknowledged = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(acknowledged).toBe(false); // held back: the writer is stuck behind the lock

    locker.prepare('COMMIT').run();
    locker.close();
    await waiting;
    expect(Number(p.info().mnemo_durable_seq)).toBeGreaterThanOrEqual(last);
    expect(p.info().mnemo_log_backlogged).toBe(0);
    expect(p.isDurable(engine.set('after', '2'))).toBe(true); // immediate acknowledgements again
    await p.close();
    const again = new ModelEngine();
    const q = await Persistence.open(again, { dbPath: tmp.db, logger: memoryLogger(), save: [] });
    expect(again.dump()).toEqual(engine.dump());
    await q.close();
  });

  it('everysec: once nothing has committed for maxLagMs, writes wait for their commit (a kill then loses at most that much)', async () => {
    const engine = new ModelEngine();
    const p = await Persistence.open(engine, { dbPath: tmp.db, logger: memoryLogger(), save: [], flushIntervalMs: 10, busyTimeoutMs: 10_000, maxLagMs: 200 });
    const locker = new Database(tmp.db, { timeout: 0 });
    locker.prepare('BEGIN IMMEDIATE').run();
    const early = engine.set('early', 'v'); // a few bytes: far under the backlog limit
    expect(p.isDurable(early)).toBe(true);
    await until(() => p.info().mnemo_log_backlogged === 1, 2000);
    expect(p.info().aof_delayed_fsync).toBe(1);
    const late = engine.set('late', 'v');
    expect(p.isDurable(late)).toBe(false);
    let acknowledged = false;
    const waiting = p.waitFor(late).then(() => (acknowledged = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(acknowledged).toBe(false);
    locker.prepare('COMMIT').run();
    locker.close();
    await waiting;
    await until(() => p.info().mnemo_log_backlogged === 0, 2000);
    expect(p.isDurable(engine.set('after', 'v'))).toBe(true);
    await p.close();
  });

  it('CONFIG GET/SET: persistence options, validated with the allowed values', async () => {
    const engine = new ModelEngine();
    const p = await Persistence.open(engine, { dbPath: tmp.db, logger: memoryLogger() });
    expect(p.configGet('*')).toEqual([
      ['appendonly', 'yes'],
      ['appendfsync', 'everysec'],
      ['save', '3600 1 300 100 60 10000'],
      ['auto-aof-rewrite-percentage', '100'],
      ['auto-aof-rewrite-min-size', String(64 * 1024 * 1024)],
      ['aof-load-truncated', 'yes'],
    ]);
    await expect(p.configSet('appendfsync', 'sometimes')).rejects.toThrow('argument(s) must be one of the following: everysec, always, no');
    await expect(p.configSet('save', '10')).rejects.toThrow(/save/);
    expect(await p.configSet('maxmemory', '1')).toBe(false);
    expect(await p.configSet('appendfsync', 'always')).toBe(true);
    expect(await p.configSet('save', '')).toBe(true);
    expect(p.configGet('append*')).toEqual([
      ['appendonly', 'yes'],
      ['appendfsync', 'always'],
    ]);
    expect(p.configGet('save')).toEqual([['save', '']]);
    await p.waitFor(engine.set('x', '1'));
    expect(Number(p.info().mnemo_log_commits)).toBe(1);
    await p.configSet('appendonly', 'no');
    engine.set('unlogged', '1');
    expect(p.info().aof_enabled).toBe(0);
    await p.configSet('appendonly', 'yes'); // starts a rewrite so the log has a base again
    await p.idle();
    engine.set('logged', '1');
    await p.close();
    const again = new ModelEngine();
    const q = await Persistence.open(again, { dbPath: tmp.db, logger: memoryLogger() });
    expect(again.dump()).toEqual(engine.dump());
    await q.close();
  });

  /** The log's rows, in seq order: [firstSeq, lastSeq, count]. */
  function logRows(db: string): Array<[number, number, number]> {
    const sqlite = new Database(db, { readonly: true });
    try {
      return (sqlite.prepare('SELECT first_seq AS f, last_seq AS l, count AS c FROM log_batch ORDER BY first_seq').all() as Array<{ f: number; l: number; c: number }>).map((row) => [row.f, row.l, row.c]);
    } finally {
      sqlite.close();
    }
  }

  it('appendonly off then on: the records it did not get are a declared gap, and a crash before the rewrite still recovers every acknowledged write', async () => {
    const run = runScenario('appendonly-off-on-crash', tmp.dir, [tmp.db]);
    expect(run.signal).toBe('SIGKILL');
    const { unlogged, acknowledged, rewriteRunning } = JSON.parse(run.stdout) as { unlogged: number; acknowledged: number; rewriteRunning: boolean };
    expect(rewriteRunning).toBe(true); // so no snapshot covers the records made while the log was off
    const gap = logRows(tmp.db).find(([, , count]) => count === 0);
    expect(gap).toEqual([unlogged, unlogged, 0]);

    const repaired = await repairLog({ dbPath: tmp.db, logger: memoryLogger() });
    // repair-log finds no bad batch (it only drops the rewrites the kill cut short).
    expect({ firstBad: repaired.firstBad, dropped: repaired.droppedBatches, incomplete: repaired.droppedIncompleteSnapshots }).toEqual({ firstBad: null, dropped: 0, incomplete: 1 });

    const engine = new ModelEngine();
    const logger = memoryLogger();
    const p = await Persistence.open(engine, { dbPath: tmp.db, logger, save: [] });
    expect(logger.warnings.join('\n')).toMatch(new RegExp(`declares records ${unlogged}\\.\\.${unlogged} unlogged \\(appendonly was off`));
    expect(engine.lastSeq).toBe(acknowledged);
    expect(engine.get('before-off')).toBe('1');
    expect(engine.get('after-on')).toBe('3');
    expect(engine.get('key:29999')).toBe('v'.repeat(100));
    expect(engine.get('while-off')).toBeNull(); // made while appendonly was off, and no snapshot took it
    await p.close();
  });

  it('appendonly off then on and a shutdown before the rewrite finishes: the shutdown saves what the log did not get', async () => {
    const engine = new ModelEngine();
    const logger = memoryLogger();
    const p = await Persistence.open(engine, { dbPath: tmp.db, logger, save: [] });
    for (let i = 0; i < 30_000; i++) engine.set(`key:${i}`, 'v'.repeat(100));
    await p.rewrite();
    await p.configSet('appendonly', 'no');
    engine.set('while-off', '2');
    await p.configSet('appendonly', 'yes'); // a rewrite is scheduled behind the running one
    engine.set('after-on', '3');
    await p.close(); // aborts the rewrites; the declared gap is not covered, so it saves
    expect(logger.lines.join('\n')).toMatch(/shutdown: saved a snapshot of 30002 keys \(records up to seq 30001 were made while appendonly was off\)/);
    const again = new ModelEngine();
    const q = await Persistence.open(again, { dbPath: tmp.db, logger: memoryLogger(), save: [] });
    expect(again.dump()).toEqual(engine.dump());
    await q.close();
  });

  it('appendonly yes while a rewrite runs: another rewrite follows it, so the log gets a base that covers the gap', async () => {
    const engine = new ModelEngine();
    const p = await Persistence.open(engine, { dbPath: tmp.db, logger: memoryLogger(), save: [] });
    for (let i = 0; i < 30_000; i++) engine.set(`key:${i}`, 'v'.repeat(100));
    await p.rewrite();
    await p.configSet('appendonly', 'no');
    engine.set('while-off', '2');
    await p.configSet('appendonly', 'yes');
    await p.waitFor(engine.set('after-on', '3'));
    await p.idle();
    expect(p.info().aof_rewrites).toBe(2);
    await p.close();
    expect(logRows(tmp.db).filter(([, , count]) => count === 0)).toEqual([]); // the second rewrite dropped the gap with what it covers
    const again = new ModelEngine();
    const q = await Persistence.open(again, { dbPath: tmp.db, logger: memoryLogger(), save: [] });
    expect(again.dump()).toEqual(engine.dump());
    await q.close();
  });
});
