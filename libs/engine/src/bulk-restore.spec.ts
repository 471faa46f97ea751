// Engine.restore (bulk restore): the same state as restoreEntry / apply for the same input,
// including hashes, TTLs, expired entries, keys a fuzzy snapshot holds twice, and the records.
import type { Bytes } from './bytes';
import { ManualClock } from './clock';
import { Engine } from './engine';
import type { RestoreSink } from './bulk-restore';
import type { MutationRecord, SnapshotEntry } from './mutation';
import { dump, harness, seededRandom } from './test-support';

const T0 = 1_700_000_000_000;

function toSink(sink: RestoreSink, entry: SnapshotEntry): void {
  if (entry.type === 'string') sink.string(entry.key, entry.value, entry.expiresAt);
  else sink.hash(entry.key, entry.fields, entry.expiresAt);
}

function applyToSink(sink: RestoreSink, r: MutationRecord): void {
  switch (r.kind) {
    case 'string':
      return sink.applyString(r.seq, r.key, r.value, r.expiresAt);
    case 'hash':
      return sink.applyHash(r.seq, r.key, r.fields, r.replace, r.expiresAt);
    case 'hdel':
      return sink.applyHdel(r.seq, r.key, r.fields);
    case 'ttl':
      return sink.applyTtl(r.seq, r.key, r.expiresAt);
    case 'del':
      return sink.applyDel(r.seq, r.key);
    case 'flush':
      return sink.applyFlush(r.seq);
  }
}

/** Loads entries in batches of `batch` through Engine.restore. */
function bulkLoad(engine: Engine, entries: SnapshotEntry[], batch: number): void {
  for (let i = 0; i < entries.length; i += batch) {
    engine.restore((sink) => {
      for (const e of entries.slice(i, i + batch)) toSink(sink, e);
    });
  }
}

/** Everything observable about the keyspace: values, TTLs, per-key memory and encoding, totals, SCAN. */
function state(engine: Engine): unknown {
  const keys = dump(engine);
  const info: Record<string, unknown> = {};
  for (const key of Object.keys(keys)) {
    const i = engine.keyInfo(key);
    info[key] = i && { type: i.type, memory: i.memory, encoding: i.encoding, length: i.length, expiresAt: i.expiresAt };
  }
  const s = engine.stats();
  const scanned: Bytes[] = [];
  let cursor = '0';
  do {
    const page = engine.scan(cursor, { count: 50 });
    scanned.push(...page.keys);
    cursor = page.cursor;
  } while (cursor !== '0');
  return { keys, info, count: s.keys, withTtl: s.keysWithTtl, usedMemory: s.usedMemory, lastSeq: s.lastSeq, scanned: scanned.sort() };
}

/**
 * A random snapshot: strings, small and large hashes, TTLs (none passed: restoreEntry skips those
 * and restore loads them, see the last test), some keys twice.
 */
function randomEntries(seed: number, n: number): SnapshotEntry[] {
  const rand = seededRandom(seed);
  const out: SnapshotEntry[] = [];
  for (let i = 0; i < n; i++) {
    const key = rand() < 0.1 && i > 0 ? (out[Math.floor(rand() * out.length)].key as Bytes) : `k${seed}:${i}`;
    const r = rand();
    const expiresAt = r < 0.5 ? T0 + 1 + Math.floor(rand() * 600_000) : r < 0.55 ? T0 : null;
    if (rand() < 0.7) {
      out.push({ type: 'string', key, value: 'v'.repeat(Math.floor(rand() * 90)) + i, expiresAt });
    } else {
      const fields: Bytes[] = [];
      const count = rand() < 0.1 ? 130 + Math.floor(rand() * 20) : rand() < 0.05 ? 0 : 1 + Math.floor(rand() * 6);
      for (let f = 0; f < count; f++) fields.push(`f${f}`, rand() < 0.1 ? 'x'.repeat(70) : `${f * i}`);
      out.push({ type: 'hash', key, fields, expiresAt });
    }
  }
  return out;
}

describe('Engine.restore - snapshot entries', () => {
  it('gives the same state as restoreEntry for random snapshots (hashes, TTLs, duplicates)', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const entries = randomEntries(seed, 800);
      const clock = new ManualClock(T0);
      const old = new Engine({ clock });
      for (const e of entries) old.restoreEntry(e);
      const bulk = new Engine({ clock });
      bulkLoad(bulk, entries, 1 + (seed * 37) % 200);
      bulk.finishRestore();
      expect(state(bulk)).toEqual(state(old));
      // The expiry index agrees too: the same keys go when their time comes.
      clock.advance(700_000);
      for (let i = 0; i < 50; i++) {
        old.tick();
        bulk.tick();
      }
      expect(state(bulk)).toEqual(state(old));
      expect(bulk.stats().keysWithTtl).toBe(0);
    }
  });

  it('a key held twice: the later entry wins, the replaced one leaves no bytes, TTL or SCAN slot behind', () => {
    const clock = new ManualClock(T0);
    const engine = new Engine({ clock });
    engine.restore((sink) => {
      sink.string('a', 'first', T0 + 1000);
      sink.hash('h', ['f', '1'], T0 + 1000);
      sink.string('b', 'b', null);
    });
    engine.restore((sink) => {
      sink.string('a', 'second', null);
      sink.string('h', 'now a string', null);
    });
    // No finishRestore: the next command must not see the replaced entries.
    clock.advance(5000);
    for (let i = 0; i < 5; i++) engine.tick();
    expect(engine.get('a')).toBe('second');
    expect(engine.get('h')).toBe('now a string');
    const old = new Engine({ clock: new ManualClock(T0) });
    for (const e of [
      { type: 'string', key: 'a', value: 'first', expiresAt: T0 + 1000 },
      { type: 'hash', key: 'h', fields: ['f', '1'], expiresAt: T0 + 1000 },
      { type: 'string', key: 'b', value: 'b', expiresAt: null },
      { type: 'string', key: 'a', value: 'second', expiresAt: null },
      { type: 'string', key: 'h', value: 'now a string', expiresAt: null },
    ] as SnapshotEntry[]) old.restoreEntry(e);
    expect(state(engine)).toEqual(state(old));
    expect(engine.stats().keysWithTtl).toBe(0);
    expect(engine.stats().expiredKeys).toBe(0);
  });

  it('stats() settles a load: usedMemory and keysWithTtl never count a replaced entry', () => {
    const engine = new Engine({ clock: new ManualClock(T0) });
    engine.restore((sink) => {
      sink.string('a', 'x'.repeat(100), T0 + 1000);
      sink.string('a', 'y', null);
    });
    const old = new Engine({ clock: new ManualClock(T0) });
    old.restoreEntry({ type: 'string', key: 'a', value: 'y', expiresAt: null });
    expect(engine.stats().usedMemory).toBe(old.stats().usedMemory);
    expect(engine.stats().keysWithTtl).toBe(0);
  });

  it('into a keyspace that already has keys, replaces them as restoreEntry does', () => {
    const clock = new ManualClock(T0);
    const make = (): Engine => {
      const e = new Engine({ clock });
      for (let i = 0; i < 100; i++) e.set(`k7:${i}`, 'old', i % 3 === 0 ? { expiresAt: T0 + 10_000 } : undefined);
      e.execute(['HSET', 'k7:500', 'x', 'y']);
      return e;
    };
    const entries = randomEntries(7, 300);
    const old = make();
    for (const e of entries) old.restoreEntry(e);
    const bulk = make();
    bulkLoad(bulk, entries, 64);
    expect(state(bulk)).toEqual(state(old));
  });

  it('emits no record, reads the clock once per batch, and leaves the engine writable with records after a throw', () => {
    let reads = 0;
    const clock = { now: () => (reads++, T0) };
    const engine = new Engine({ clock });
    const seen: MutationRecord[] = [];
    engine.onMutation((r) => seen.push(r));
    reads = 0;
    engine.restore((sink) => {
      for (let i = 0; i < 1000; i++) sink.string(`k${i}`, 'v', i % 2 === 0 ? T0 + 5000 : null);
      sink.hash('h', ['a', '1'], null);
    });
    expect(reads).toBe(1);
    expect(seen).toHaveLength(0);
    expect(engine.stats().keys).toBe(1001);
    expect(() =>
      engine.restore((sink) => {
        sink.string('z', 'z', null);
        throw new Error('torn chunk');
      }),
    ).toThrow('torn chunk');
    expect(engine.get('z')).toBe('z');
    engine.set('after', '1');
    expect(seen.map((r) => r.kind)).toEqual(['string']);
  });
});

describe('Engine.restore - records', () => {
  it('applying records through the sink gives the same state and lastSeq as apply', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const rand = seededRandom(seed);
      const { run, records, clock } = harness();
      const key = (): string => `r${Math.floor(rand() * 40)}`;
      for (let i = 0; i < 1500; i++) {
        const x = rand();
        const k = key();
        try {
          if (x < 0.3) run('SET', k, `v${i}`, ...(rand() < 0.4 ? ['PX', String(1 + Math.floor(rand() * 3000))] : []));
          else if (x < 0.45) run('HSET', `h${k}`, `f${Math.floor(rand() * 5)}`, `${i}`, ...(rand() < 0.1 ? ['g', 'y'.repeat(80)] : []));
          else if (x < 0.55) run('HDEL', `h${k}`, `f${Math.floor(rand() * 5)}`);
          else if (x < 0.65) run('PEXPIRE', rand() < 0.5 ? k : `h${k}`, String(1 + Math.floor(rand() * 3000)));
          else if (x < 0.7) run('PERSIST', rand() < 0.5 ? k : `h${k}`);
          else if (x < 0.8) run('DEL', k, `h${k}`);
          else if (x < 0.9) run('INCR', `n${k}`);
          else if (x < 0.995) run('GET', k);
          else run('FLUSHALL');
        } catch {
          // WRONGTYPE and the like: no state change, no record
        }
        if (rand() < 0.05) clock.advance(Math.floor(rand() * 500));
      }
      const old = new Engine({ clock: new ManualClock(clock.now()) });
      for (const r of records) old.apply(r);
      const bulk = new Engine({ clock: new ManualClock(clock.now()) });
      for (let i = 0; i < records.length; i += 100) {
        bulk.restore((sink) => {
          for (const r of records.slice(i, i + 100)) applyToSink(sink, r);
        });
      }
      expect(bulk.lastSeq).toBe(records[records.length - 1].seq);
      expect(state(bulk)).toEqual(state(old));
    }
  });

  it('a snapshot then the later records, both bulk, rebuild a fuzzy snapshot exactly', () => {
    const { run, records, engine, clock } = harness();
    for (let i = 0; i < 500; i++) run('SET', `k${i}`, `${i}`, ...(i % 5 === 0 ? ['EX', '100'] : []));
    for (let i = 0; i < 100; i++) run('HSET', `h${i}`, 'a', '1', 'b', `${i}`);
    const startSeq = engine.lastSeq;
    const chunks: SnapshotEntry[][] = [];
    let cursor = '0';
    let step = 0;
    do {
      const chunk = engine.snapshotChunk(cursor, 37);
      chunks.push(chunk.entries);
      cursor = chunk.cursor;
      run('SET', `k${step}`, 'changed');
      run('DEL', `k${499 - step}`);
      run('SET', `k${499 - step}`, 'recreated'); // a new scan id: the snapshot may hold it twice
      run('HSET', `h${step}`, 'c', '3');
      run('SET', `new${step}`, 'x', 'EX', '100');
      step++;
    } while (cursor !== '0');
    const held = chunks.flat().map((e) => e.key);
    expect(new Set(held).size).toBeLessThan(held.length);
    const replica = new Engine({ clock });
    for (const entries of chunks) replica.restore((sink) => entries.forEach((e) => toSink(sink, e)));
    replica.finishRestore();
    replica.restore((sink) => {
      for (const r of records) if (r.seq > startSeq) applyToSink(sink, r);
    });
    expect(dump(replica)).toEqual(dump(engine));
    expect(replica.stats().usedMemory).toBe(engine.stats().usedMemory);
    expect(replica.stats().keysWithTtl).toBe(engine.stats().keysWithTtl);
    expect(replica.lastSeq).toBe(engine.lastSeq);
  });

  it('loads an entry whose TTL has passed (restoreEntry skips it), so a later record can still keep the key', () => {
    const clock = new ManualClock(T0);
    const engine = new Engine({ clock });
    engine.restore((sink) => {
      sink.hash('h', ['f5', 'x'], T0 - 500);
      sink.string('s', 'v', T0 - 1);
      sink.string('gone', 'v', T0 - 1);
    });
    engine.finishRestore();
    expect(engine.stats().keys).toBe(3);
    expect(engine.stats().keysWithTtl).toBe(3);
    engine.restore((sink) => {
      sink.applyTtl(10, 'h', T0 + 12_000);
      sink.applyHash(11, 'h', ['f1', 'y'], false, T0 + 12_000);
      sink.applyTtl(12, 's', null);
      sink.applyDel(12, 'gone'); // what recovery does with keys still expired after the log
    });
    expect(engine.hgetall('h')).toEqual(['f5', 'x', 'f1', 'y']);
    expect(engine.keyInfo('h')?.expiresAt).toBe(T0 + 12_000);
    expect(engine.get('s')).toBe('v');
    expect(engine.get('gone')).toBeNull();
    expect(engine.stats().keysWithTtl).toBe(1);
    const old = new Engine({ clock });
    old.restoreEntry({ type: 'string', key: 's', value: 'v', expiresAt: T0 - 1 });
    expect(old.stats().keys).toBe(0);
  });
});
