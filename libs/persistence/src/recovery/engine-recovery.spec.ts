// Recovery into the real Engine through its bulk-restore path (Engine.restore): snapshot + log on
// disk rebuild the keyspace exactly, including hashes, TTLs and keys that expired while down.

import { Engine, ManualClock, type Bytes } from '@mnemo/engine';
import { memoryLogger, tempDir } from '../test-support/temp-db';
import { Persistence } from '../persistence';

jest.setTimeout(30_000);

/** Every live key as [type, value or sorted fields, expiry, estimated bytes], via snapshotChunk and keyInfo. */
function state(engine: Engine): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let cursor = '0';
  do {
    const chunk = engine.snapshotChunk(cursor, 100);
    for (const e of chunk.entries) {
      const memory = engine.keyInfo(e.key)?.memory;
      if (e.type === 'string') out[e.key] = ['string', e.value, e.expiresAt, memory];
      else {
        const pairs: string[] = [];
        for (let i = 0; i < e.fields.length; i += 2) pairs.push(`${e.fields[i]}=${e.fields[i + 1]}`);
        out[e.key] = ['hash', pairs.sort(), e.expiresAt, memory];
      }
    }
    cursor = chunk.cursor;
  } while (cursor !== '0');
  return out;
}

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function randomCommands(engine: Engine, n: number, rand: () => number): void {
  for (let i = 0; i < n; i++) {
    const key: Bytes = `k${Math.floor(rand() * 300)}`;
    const r = rand();
    const argv =
      r < 0.35
        ? ['SET', key, `v${i}`, ...(rand() < 0.3 ? ['PX', String(2 * (1 + Math.floor(rand() * 10_000)))] : [])]
        : r < 0.45
          ? ['INCR', `n${key}`]
          : r < 0.65
            ? ['HSET', `h${key}`, `f${Math.floor(rand() * 8)}`, rand() < 0.05 ? 'y'.repeat(100) : `x${i}`]
            : r < 0.72
              ? ['HDEL', `h${key}`, `f${Math.floor(rand() * 8)}`]
              : r < 0.82
                ? ['PEXPIRE', rand() < 0.5 ? key : `h${key}`, String(2 * (1 + Math.floor(rand() * 10_000)))]
                : r < 0.86
                  ? ['PERSIST', rand() < 0.5 ? key : `h${key}`]
                  : ['DEL', key];
    try {
      engine.execute(argv);
    } catch (error) {
      if ((error as { code?: string }).code !== 'WRONGTYPE') throw error;
    }
  }
}

describe('recovery into the real engine (bulk restore)', () => {
  it('snapshot + log rebuild the keyspace exactly; keys that expired while down are gone', async () => {
    for (let seed = 1; seed <= 3; seed++) {
      const tmp = tempDir();
      try {
        const clock = new ManualClock();
        const rand = rng(seed);
        const engine = new Engine({ clock });
        const p = await Persistence.open(engine, { dbPath: tmp.db, logger: memoryLogger(), save: [], now: () => clock.now() });
        for (let i = 0; i < 2000; i++) engine.set(`base${i}`, `value-${i}`, i % 4 === 0 ? { expiresAt: clock.now() + 1000 + i * 10 } : undefined);
        engine.execute(['HSET', 'big', ...Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`]).flat()]);
        randomCommands(engine, 1500, rand);
        const snapshot = p.bgsave();
        randomCommands(engine, 500, rand); // fuzzy: during the BGSAVE
        await snapshot;
        await p.idle();
        randomCommands(engine, 1500, rand);
        await p.close();

        // Down for 10 s: some TTLs pass. All TTL offsets are even and this is odd, so no key expires
        // exactly now (the engine keeps such a key for this millisecond, recovery drops it).
        clock.advance(10_001);
        const expected = state(engine); // snapshotChunk leaves expired keys out
        const fresh = new Engine({ clock });
        const q = await Persistence.open(fresh, { dbPath: tmp.db, logger: memoryLogger(), save: [], now: () => clock.now() });
        try {
          expect(q.recovery.keysLoaded).toBeGreaterThan(1000);
          expect(q.recovery.recordsReplayed).toBeGreaterThan(1000);
          expect(q.recovery.keysExpired).toBeGreaterThan(0);
          expect(state(fresh)).toEqual(expected);
          const stats = fresh.stats();
          expect(stats.keys).toBe(Object.keys(expected).length);
          expect(stats.usedMemory).toBe(Object.values(expected).reduce((sum: number, v) => sum + ((v as unknown[])[3] as number), 0));
          expect(stats.keysWithTtl).toBe(Object.values(expected).filter((v) => (v as unknown[])[2] !== null).length);
          expect(fresh.lastSeq).toBe(engine.lastSeq);
          // Writable afterwards, with records continuing the log.
          fresh.set('after', '1');
          expect(fresh.lastSeq).toBe(engine.lastSeq + 1);
        } finally {
          await q.close();
        }
      } finally {
        tmp.cleanup();
      }
    }
  });
});
