// Crash recovery of the real server process: SIGKILL in the middle of a concurrent RESP write
// load (appendfsync always and everysec, during BGSAVE and during a rewrite), SIGTERM during and
// after a BGSAVE, then restart.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildServerBundle, type Child, client, readAll, startChild, startLoad, until } from './support/crash-child';

jest.setTimeout(120_000);

describe('persistence crash recovery (SIGKILL of the real server)', () => {
  let dir: string;
  beforeAll(async () => {
    await buildServerBundle();
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mnemo-crash-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function verifyAcked(db: string, acked: Map<string, { value: string }>, counters: Map<string, number>): Promise<void> {
    const child = await startChild(db, ['--appendfsync', 'always']);
    try {
      const values = await readAll(child.respPort, [...acked.keys()]);
      const missing = [...acked].filter(([key, { value }]) => values.get(key) !== value).map(([key]) => key);
      expect(missing).toEqual([]);
      const redis = client(child.respPort);
      for (const [key, value] of counters) expect(Number(await redis.get(key))).toBeGreaterThanOrEqual(value);
      redis.disconnect();
    } finally {
      child.proc.kill('SIGKILL');
      await child.exited;
    }
  }

  for (let run = 1; run <= 3; run++) {
    it(`appendfsync always: every acknowledged write survives SIGKILL (run ${run})`, async () => {
      const db = path.join(dir, 'mnemo.db');
      const child = await startChild(db, ['--appendfsync', 'always']);
      const load = startLoad(child.respPort, 20);
      await until(() => load.acked.size > 400 + run * 100);
      child.proc.kill('SIGKILL');
      await child.exited;
      await load.stop();
      expect(load.acked.size).toBeGreaterThan(400);
      await verifyAcked(db, load.acked, load.counters);
    });
  }

  it('appendfsync everysec: what is lost after SIGKILL is at most the last ~1 s of writes', async () => {
    const db = path.join(dir, 'mnemo.db');
    const child = await startChild(db, ['--appendfsync', 'everysec']);
    const load = startLoad(child.respPort, 20);
    // Long enough that writes acknowledged well before the kill exist, however fast the load.
    const startedAt = Date.now();
    await until(() => load.acked.size > 2000 && Date.now() - startedAt > 2500);
    const killedAt = Date.now();
    child.proc.kill('SIGKILL');
    await child.exited;
    await load.stop();
    const again = await startChild(db);
    try {
      const values = await readAll(again.respPort, [...load.acked.keys()]);
      const lost = [...load.acked].filter(([key, { value }]) => values.get(key) !== value);
      const older = [...load.acked].filter(([, { at }]) => killedAt - at >= 1200);
      expect(older.length).toBeGreaterThan(0);
      // Every write acknowledged more than ~1 s before the kill survived it.
      expect(lost.filter(([, { at }]) => killedAt - at >= 1200).map(([key]) => key)).toEqual([]);
    } finally {
      again.proc.kill('SIGKILL');
      await again.exited;
    }
  });

  for (const command of ['BGSAVE', 'BGREWRITEAOF'] as const) {
    it(`SIGKILL during ${command}: recovery is still exact`, async () => {
      const db = path.join(dir, 'mnemo.db');
      const child = await startChild(db, ['--appendfsync', 'always']);
      const redis = client(child.respPort);
      // 60k keys make the fuzzy snapshot span many event-loop turns.
      for (let i = 0; i < 60; i++) {
        const pipeline = redis.pipeline();
        for (let j = 0; j < 1000; j++) pipeline.set(`pre:${i}:${j}`, `${i}.${j}.${'p'.repeat(50)}`);
        await pipeline.exec();
      }
      const load = startLoad(child.respPort, 10);
      await until(() => load.acked.size > 100);
      await redis.call(command);
      // Killed as soon as INFO says the snapshot runs (under appendfsync always every reply,
      // INFO's too, waits for the commit of the writes before it, so no extra wait).
      let info = '';
      await until(async () => /(rdb_bgsave_in_progress|aof_rewrite_in_progress):1/.test((info = await redis.info('persistence'))), 5000);
      child.proc.kill('SIGKILL');
      await child.exited;
      await load.stop();
      redis.disconnect();
      expect(info).toMatch(/(rdb_bgsave_in_progress|aof_rewrite_in_progress):1/); // killed mid-snapshot
      const pre = new Map<string, { value: string }>();
      for (let i = 0; i < 60; i++) for (let j = 0; j < 1000; j++) pre.set(`pre:${i}:${j}`, { value: `${i}.${j}.${'p'.repeat(50)}` });
      await verifyAcked(db, new Map([...pre, ...load.acked]), load.counters);
    });
  }

  it('SIGTERM in the middle of a BGSAVE, then after a finished one: each restart is exact', async () => {
    const db = path.join(dir, 'mnemo.db');
    const model = new Map<string, Buffer>();
    const stop = async (child: Child): Promise<void> => {
      child.proc.kill('SIGTERM');
      const timer = setTimeout(() => child.proc.kill('SIGKILL'), 5000);
      const how = await child.exited;
      clearTimeout(timer);
      expect(how).toBe('SIGTERM'); // shut down by its hooks, not by the SIGKILL
    };
    const check = async (child: Child): Promise<void> => {
      const redis = client(child.respPort);
      const keys = [...model.keys()];
      const wrong: string[] = [];
      for (let i = 0; i < keys.length; i += 1000) {
        const slice = keys.slice(i, i + 1000);
        const values = await redis.mgetBuffer(...slice);
        slice.forEach((key, j) => !values[j]?.equals(model.get(key) as Buffer) && wrong.push(key));
      }
      redis.disconnect();
      expect(wrong).toEqual([]);
    };
    const first = await startChild(db, ['--appendfsync', 'everysec']);
    const redis = client(first.respPort);
    // Many small values and a few large incompressible ones (chunks of very different sizes).
    for (let i = 0; i < 20; i++) {
      const pipeline = redis.pipeline();
      for (let j = 0; j < 1000; j++) {
        const value = Buffer.from(`${i}.${j}.${'s'.repeat(j % 50)}`);
        model.set(`small:${i}:${j}`, value);
        pipeline.set(`small:${i}:${j}`, value);
      }
      await pipeline.exec();
    }
    for (let i = 0; i < 4; i++) {
      const value = randomBytes(100_000 + i * 150_000);
      model.set(`large:${i}`, value);
      await redis.set(`large:${i}`, value);
    }
    await redis.call('BGSAVE');
    await until(async () => /rdb_bgsave_in_progress:1/.test(await redis.info('persistence')), 5000);
    redis.disconnect();
    await stop(first);
    const second = await startChild(db, ['--appendfsync', 'everysec']);
    expect(second.output()).not.toMatch(/is damaged/);
    await check(second);
    const again = client(second.respPort);
    await again.call('BGSAVE');
    await until(async () => /rdb_bgsave_in_progress:0/.test(await again.info('persistence')), 10_000);
    again.disconnect();
    await stop(second);
    const third = await startChild(db, ['--appendfsync', 'everysec']);
    try {
      expect(third.output()).toMatch(/recovering from snapshot #\d+ \(20004 keys/);
      await check(third);
    } finally {
      third.proc.kill('SIGKILL');
      await third.exited;
    }
  });

  it('SIGTERM flushes the log: everything acknowledged under everysec is there after restart', async () => {
    const db = path.join(dir, 'mnemo.db');
    const child = await startChild(db, ['--appendfsync', 'everysec']);
    const load = startLoad(child.respPort, 10);
    await until(() => load.acked.size > 1000);
    await load.stop();
    child.proc.kill('SIGTERM');
    expect(await child.exited).toBe('SIGTERM'); // Nest's shutdown hooks ran, then re-raised the signal
    await verifyAcked(db, load.acked, load.counters);
  });
});
