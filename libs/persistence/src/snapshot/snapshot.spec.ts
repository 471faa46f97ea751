// Snapshots: SAVE/BGSAVE while writing, compaction, LASTSAVE, save points, auto-rewrite, bounded file.

import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { ModelEngine } from '../test-support/model-engine';
import { useTempStore } from '../test-support/temp-db';

jest.setTimeout(60_000);

describe('snapshots', () => {
  const store = useTempStore();
  const open = store.open;

  it('BGSAVE while writes go on: recovery is exact and the log it covers is dropped', async () => {
    const engine = new ModelEngine();
    const p = await open(engine);
    for (let i = 0; i < 3000; i++) engine.set(`key:${i}`, `v${i}`);
    await p.log.flush();
    const batchesBefore = Number(p.info().mnemo_log_batches);
    expect(await p.bgsave()).toBe('Background saving started');
    await expect(p.bgsave()).rejects.toThrow('Background save already in progress');
    expect(p.info()).toMatchObject({ current_save_keys_total: 3000 });
    // Writes interleave with the chunked snapshot: changes, deletes, new keys.
    const progress: number[] = [];
    for (let round = 0; round < 20 && p.info().rdb_bgsave_in_progress === 1; round++) {
      progress.push(Number(p.info().current_save_keys_processed));
      engine.set(`key:${round * 7}`, `changed${round}`);
      engine.del(`key:${round * 11 + 1}`);
      engine.hset(`h:${round}`, 'f', String(round));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await p.idle();
    const info = p.info();
    // Keys written so far, never going back; nothing once no save runs.
    expect(progress.length).toBeGreaterThan(0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress[progress.length - 1]).toBeGreaterThan(0);
    expect(info).toMatchObject({ current_save_keys_processed: 0, current_save_keys_total: 0 });
    expect(info.rdb_last_bgsave_status).toBe('ok');
    expect(info.rdb_saves).toBe(1);
    expect(Number(info.mnemo_log_batches)).toBeLessThan(batchesBefore + 5);
    expect(p.lastSave()).toBeGreaterThan(0);
    engine.set('after-snapshot', '1');
    await p.close();
    const again = new ModelEngine();
    const q = await open(again);
    expect(again.dump()).toEqual(engine.dump());
    expect(q.recovery.snapshotId).not.toBeNull();
    expect(q.recovery.keysLoaded).toBeGreaterThan(2900);
    await q.close();
  });

  it('SAVE with appendonly no persists a point-in-time copy; no log is written', async () => {
    const engine = new ModelEngine();
    const p = await open(engine, { appendonly: false });
    for (let i = 0; i < 100; i++) engine.hset('h', `f${i}`, String(i));
    await p.save();
    engine.set('unsaved', 'x');
    expect(p.info().aof_enabled).toBe(0);
    expect(p.info().rdb_changes_since_last_save).toBe(1);
    await p.close(); // save "" and appendonly no: nothing more is written (cache mode)
    const again = new ModelEngine();
    const q = await open(again, { appendonly: false });
    expect(again.dump()).toEqual({ h: expect.anything() });
    expect(q.recovery.batchesReplayed).toBe(0);
    await q.close();
  });

  it('appendonly no with save points saves on shutdown, as Redis does', async () => {
    const engine = new ModelEngine();
    const p = await open(engine, { appendonly: false, save: [{ seconds: 3600, changes: 1 }] });
    engine.set('a', '1');
    await p.close();
    const again = new ModelEngine();
    const q = await open(again, { appendonly: false });
    expect(again.get('a')).toBe('1');
    await q.close();
  });

  it('save points trigger a background save on time and changes (fake clock)', async () => {
    let now = 1_700_000_000_000;
    const engine = new ModelEngine(() => now);
    const p = await open(engine, { save: [{ seconds: 60, changes: 3 }], cronMs: 20, now: () => now });
    engine.set('a', '1');
    engine.set('b', '1');
    engine.set('c', '1');
    now += 30_000;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(p.info().rdb_saves).toBe(0); // 3 changes but only 30 s
    now += 31_000;
    for (let i = 0; i < 50 && p.info().rdb_saves === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await p.idle();
    expect(p.info().rdb_saves).toBe(1);
    expect(p.info().rdb_changes_since_last_save).toBe(0);
    expect(p.lastSave()).toBe(Math.floor(now / 1000));
    await p.close();
  });

  it('an interrupted BGSAVE is discarded at start and the previous state recovers exactly', async () => {
    const engine = new ModelEngine();
    const p = await open(engine);
    for (let i = 0; i < 2000; i++) engine.set(`k${i}`, 'v'.repeat(100));
    await p.save();
    for (let i = 0; i < 100; i++) engine.set(`k${i}`, 'new');
    void p.bgsave();
    await new Promise((resolve) => setImmediate(resolve));
    await p.close(); // aborts the running BGSAVE: its rows are deleted or left 'writing'
    const again = new ModelEngine();
    const q = await open(again);
    expect(again.dump()).toEqual(engine.dump());
    await q.close();
  });

  it('BGREWRITEAOF and auto-rewrite keep the file bounded under a steady write load', async () => {
    const engine = new ModelEngine();
    const p = await open(engine, { autoAofRewriteMinSize: 64 * 1024, autoAofRewritePercentage: 100, cronMs: 10, flushIntervalMs: 10 });
    expect(await p.rewrite()).toBe('Background append only file rewriting started');
    await p.idle();
    const sizes: number[] = [];
    const walSizes: number[] = [];
    let written = 0;
    for (let round = 0; round < 100; round++) {
      // Random values: payloads are deflated, so repetitive ones would barely grow the log.
      for (let i = 0; i < 500; i++) engine.set(`key:${i % 300}`, randomBytes(100).toString('hex'));
      written += 500 * 215;
      await new Promise((resolve) => setTimeout(resolve, 10));
      sizes.push(statSync(store.db).size);
      walSizes.push(statSync(`${store.db}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    }
    await p.idle();
    const info = p.info();
    expect(Number(info.aof_rewrites)).toBeGreaterThan(2);
    expect(info.aof_last_bgrewrite_status).toBe('ok');
    // ~10 MB of records went through the log. The database file must plateau (freed pages are
    // reused): the last third no bigger than the middle one. The WAL is capped by SQLite's
    // auto-checkpoint (~4 MB) and journal_size_limit (8 MB).
    const middle = Math.max(...sizes.slice(33, 66));
    const late = Math.max(...sizes.slice(66));
    expect(late).toBeLessThanOrEqual(middle * 1.15 + 64 * 1024);
    expect(late).toBeLessThan(written / 4);
    expect(Math.max(...walSizes)).toBeLessThanOrEqual(8 * 1024 * 1024 + 64 * 1024);
    expect(Number(info.aof_current_size)).toBeLessThan(1024 * 1024);
    await p.close();
    const again = new ModelEngine();
    const q = await open(again);
    expect(again.dump()).toEqual(engine.dump());
    await q.close();
  });
});
