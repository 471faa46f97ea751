// Mutation records: shapes per command, gapless seq, replay into a fresh engine, persistence hooks.
import { ManualClock } from './clock';
import { Engine } from './engine';
import type { MutationRecord } from './mutation';
import { dump, harness, seededRandom } from './test-support';

describe('mutation records', () => {
  test('records - state-based shapes and keyspace-event reasons', () => {
    const { run, records, clock } = harness();
    const now = clock.now();
    run('SET', 'k', '41', 'EX', '10');
    run('INCR', 'k');
    run('EXPIRE', 'k', '20');
    run('PERSIST', 'k');
    run('HSET', 'h', 'f', '1', 'g', '2');
    run('HINCRBY', 'h', 'f', '2');
    run('HDEL', 'h', 'f');
    run('HDEL', 'h', 'g');
    run('RENAME', 'k', 'k2');
    run('DEL', 'k2');
    run('FLUSHALL');
    expect(records.map(({ seq: _seq, ...r }) => r)).toEqual([
      { kind: 'string', reason: 'set', key: 'k', value: '41', expiresAt: now + 10000 },
      { kind: 'string', reason: 'incrby', key: 'k', value: '42', expiresAt: now + 10000 },
      { kind: 'ttl', reason: 'expire', key: 'k', expiresAt: now + 20000 },
      { kind: 'ttl', reason: 'persist', key: 'k', expiresAt: null },
      { kind: 'hash', reason: 'hset', key: 'h', fields: ['f', '1', 'g', '2'], replace: false, expiresAt: null },
      { kind: 'hash', reason: 'hincrby', key: 'h', fields: ['f', '3'], replace: false, expiresAt: null },
      { kind: 'hdel', reason: 'hdel', key: 'h', fields: ['f'] },
      { kind: 'del', reason: 'hdel', key: 'h' },
      { kind: 'del', reason: 'rename_from', key: 'k' },
      { kind: 'string', reason: 'rename_to', key: 'k2', value: '42', expiresAt: null },
      { kind: 'del', reason: 'del', key: 'k2' },
      { kind: 'flush', reason: 'flushall' },
    ]);
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
  });

  test('sinks - every change arrives as arguments, in order, with the fields its record has; removal stops them', () => {
    const clock = new ManualClock();
    const engine = new Engine({ clock });
    const records: MutationRecord[] = [];
    engine.onMutation((r) => records.push(r));
    const heard: MutationRecord[] = [];
    const off = engine.addMutationSink({
      onString: (seq, key, value, expiresAt, reason) => heard.push({ kind: 'string', seq, reason, key, value, expiresAt }),
      onHash: (seq, key, fields, replace, expiresAt, reason) => heard.push({ kind: 'hash', seq, reason, key, fields, replace, expiresAt }),
      onHdel: (seq, key, fields) => heard.push({ kind: 'hdel', seq, reason: 'hdel', key, fields }),
      onTtl: (seq, key, expiresAt, reason) => heard.push({ kind: 'ttl', seq, reason, key, expiresAt }),
      onDel: (seq, key, reason) => heard.push({ kind: 'del', seq, reason, key }),
      onFlush: (seq, reason) => heard.push({ kind: 'flush', seq, reason }),
    });
    for (const command of [
      ['SET', 'k', '41', 'PX', '500'],
      ['INCR', 'k'],
      ['EXPIRE', 'k', '20'],
      ['PERSIST', 'k'],
      ['HSET', 'h', 'f', '1', 'g', '2'],
      ['HDEL', 'h', 'f'],
      ['SET', 'short', 'v', 'PX', '10'],
      ['FLUSHALL'],
      ['SET', 'gone', 'v', 'PX', '10'],
    ]) engine.execute(command);
    clock.advance(20);
    engine.execute(['GET', 'gone']);
    expect(heard.map((r) => r.kind)).toEqual(['string', 'string', 'ttl', 'ttl', 'hash', 'hdel', 'string', 'flush', 'string', 'del']);
    expect(heard).toEqual(records);
    off();
    engine.execute(['SET', 'after', '1']);
    expect(heard).toHaveLength(10);
    expect(records).toHaveLength(11);
  });

  test('sampled sink - one value change in a stride, every removal and flush, restart and removal', () => {
    const engine = new Engine({ clock: new ManualClock() });
    const heard: string[] = [];
    const record = (what: string) => (seq: number, key: string) => heard.push(`${what} ${key} #${seq}`);
    const handle = engine.addSampledMutationSink({
      onString: record('string'),
      onHash: record('hash'),
      onHdel: record('hdel'),
      onTtl: record('ttl'),
      onDel: record('del'),
      onFlush: (seq) => heard.push(`flush #${seq}`),
    });
    engine.execute(['SET', 'a', '1']); // #1, #2: a new sink hears every change until it sets a stride
    engine.execute(['SET', 'b', '1']);
    handle.restart(3);
    for (const key of ['c', 'd', 'e', 'f', 'g']) engine.execute(['SET', key, '1']); // #3..#7
    engine.execute(['DEL', 'a']); // #8: removals always
    engine.execute(['HSET', 'h', 'f', 'v']);
    engine.execute(['EXPIRE', 'h', '10']); // #10: the 3rd value change after f
    engine.execute(['HDEL', 'h', 'f']); // #11: the last field, so a removal
    engine.execute(['FLUSHALL']); // #12
    expect(heard).toEqual(['string a #1', 'string b #2', 'string c #3', 'string f #6', 'del a #8', 'ttl h #10', 'del h #11', 'flush #12']);
    const ignore = () => undefined;
    const quiet = { onString: ignore, onHash: ignore, onHdel: ignore, onTtl: ignore, onDel: ignore, onFlush: ignore };
    expect(() => engine.addSampledMutationSink(quiet)).toThrow(/already/);
    heard.length = 0;
    handle.restart(0); // no value changes, removals still
    engine.execute(['SET', 'x', '1']);
    engine.execute(['DEL', 'x']);
    expect(heard).toEqual(['del x #14']);
    handle.remove();
    engine.execute(['SET', 'y', '1']);
    engine.execute(['DEL', 'y']);
    expect(heard).toEqual(['del x #14']);
    // A sampled hash write shares the field copy the other sinks get.
    const fieldsSeen: string[][] = [];
    const hashes = (_seq: number, _key: string, fields: string[]) => fieldsSeen.push(fields);
    engine.addMutationSink({ ...quiet, onHash: hashes });
    const second = engine.addSampledMutationSink({ ...quiet, onHash: hashes });
    second.restart(1);
    engine.execute(['HSET', 'h2', 'f', '1', 'g', '2']);
    expect(fieldsSeen).toEqual([
      ['f', '1', 'g', '2'],
      ['f', '1', 'g', '2'],
    ]);
    expect(fieldsSeen[0]).toBe(fieldsSeen[1]);
    second.remove();
    const again: number[] = [];
    engine.addSampledMutationSink({ ...quiet, onString: (seq) => again.push(seq) });
    engine.execute(['SET', 'z', '1']);
    expect(again).toEqual([18]);
  });

  test('records - failed commands and no-op writes emit nothing', () => {
    const { run, err, records } = harness();
    run('SET', 'k', 'v');
    err('INCR', 'k');
    err('SET', 'k', 'v', 'NX', 'XX');
    run('SET', 'k', 'w', 'NX');
    run('HDEL', 'nope', 'f');
    run('EXPIRE', 'nope', '10');
    run('PERSIST', 'k');
    expect(records).toHaveLength(1);
  });

  test('records - seq is gapless with or without listeners, and firstSeq/setNextSeq set the start', () => {
    const clock = new ManualClock();
    const engine = new Engine({ clock, firstSeq: 100 });
    engine.execute(['SET', 'a', '1']);
    expect(engine.lastSeq).toBe(100);
    const seen: number[] = [];
    const off = engine.onMutation((r) => seen.push(r.seq));
    engine.execute(['SET', 'b', '1']);
    engine.execute(['DEL', 'a', 'b']);
    off();
    engine.execute(['SET', 'c', '1']);
    expect(seen).toEqual([101, 102, 103]);
    expect(engine.lastSeq).toBe(104);
    engine.setNextSeq(500);
    engine.execute(['SET', 'd', '1']);
    expect(engine.lastSeq).toBe(500);
    expect(engine.stats().lastSeq).toBe(500);
  });

  test('apply - replaying the stream into an empty engine rebuilds the same state', () => {
    const { run, records, engine, clock } = harness({ maxmemory: 60_000, maxmemoryPolicy: 'allkeys-lru' });
    const rnd = seededRandom(99);
    for (let i = 0; i < 3000; i++) {
      const k = `k${Math.floor(rnd() * 200)}`;
      const r = rnd();
      if (r < 0.3) run('SET', k, `v${i}`, 'PX', String(1 + Math.floor(rnd() * 5000)));
      else if (r < 0.5) run('HSET', `h${k}`, `f${i % 7}`, `${i}`);
      else if (r < 0.6) run('HDEL', `h${k}`, `f${i % 7}`);
      else if (r < 0.7) run('DEL', k);
      else if (r < 0.8) {
        if (run('EXISTS', 'k1') === 1) run('RENAME', 'k1', k);
      }
      else run('SET', k, 'x'.repeat(Math.floor(rnd() * 300)));
      clock.advance(Math.floor(rnd() * 20));
      if (i % 100 === 0) engine.tick();
    }
    expect(records.some((r) => r.reason === 'evicted')).toBe(true);
    expect(records.some((r) => r.reason === 'expired')).toBe(true);
    const replica = new Engine({ clock });
    for (const r of records) replica.apply(r);
    expect(dump(replica)).toEqual(dump(engine));
    expect(replica.lastSeq).toBe(engine.lastSeq);
  });

  test('snapshotChunk / restoreEntry - a snapshot plus the later records rebuilds the state', () => {
    const { run, records, engine, clock } = harness();
    for (let i = 0; i < 500; i++) run('SET', `k${i}`, `${i}`);
    for (let i = 0; i < 100; i++) run('HSET', `h${i}`, 'a', '1', 'b', `${i}`);
    const startSeq = engine.lastSeq;
    const entries = [];
    let cursor = '0';
    let step = 0;
    do {
      const chunk = engine.snapshotChunk(cursor, 37);
      entries.push(...chunk.entries);
      cursor = chunk.cursor;
      // writes go on between chunks (fuzzy snapshot)
      run('SET', `k${step}`, 'changed');
      run('DEL', `k${499 - step}`);
      run('HSET', `h${step}`, 'c', '3');
      run('SET', `new${step}`, 'x', 'EX', '100');
      step++;
    } while (cursor !== '0');
    const replica = new Engine({ clock });
    for (const e of entries) replica.restoreEntry(e);
    for (const r of records) if (r.seq > startSeq) replica.apply(r);
    expect(dump(replica)).toEqual(dump(engine));
  });

  test('apply - emits no records and does not evict or fail with OOM', () => {
    const { records } = harness();
    const clock = new ManualClock();
    const replica = new Engine({ clock, maxmemory: 1000 });
    const seen: unknown[] = [];
    replica.onMutation((r) => seen.push(r));
    for (let i = 0; i < 50; i++) replica.apply({ kind: 'string', seq: i + 1, reason: 'set', key: `k${i}`, value: 'v', expiresAt: null });
    expect(seen).toHaveLength(0);
    expect(records).toHaveLength(0);
    expect(replica.stats().keys).toBe(50);
    expect(replica.lastSeq).toBe(50);
  });
});

describe('key events (Redis notification classes n and m, and the expire of a SET with a TTL)', () => {
  it("reports 'new' when a key is created, 'keymiss' when a read finds none (expired keys included), 'expire' after a SET that sets a TTL", () => {
    const clock = new ManualClock(1_000);
    const engine = new Engine({ clock });
    const events: string[] = [];
    const stop = engine.onKeyEvent((event, key) => events.push(`${event} ${key}`));
    engine.execute(['SET', 'a', '1']);
    engine.execute(['SET', 'a', '2']);
    engine.execute(['HSET', 'h', 'f', 'v']);
    engine.execute(['HSET', 'h', 'g', 'v']);
    engine.execute(['GET', 'nothere']);
    engine.execute(['SET', 'short', 'x', 'PX', '10']);
    clock.advance(20);
    engine.execute(['GET', 'short']);
    expect(events).toEqual(['new a', 'new h', 'keymiss nothere', 'new short', 'expire short', 'keymiss short']);
    engine.execute(['SET', 'a', '3', 'EX', '100']);
    engine.execute(['SET', 'a', '4', 'KEEPTTL']);
    engine.execute(['SETEX', 'b', '100', 'v']);
    engine.execute(['SET', 'a', '5']);
    expect(events.slice(6)).toEqual(['expire a', 'new b', 'expire b']);
    stop();
    engine.execute(['GET', 'gone']);
    expect(events).toHaveLength(9);
  });

  it("RENAME to a new name: 'new' for the target comes before rename_from and rename_to, as in Redis", () => {
    const engine = new Engine({ clock: new ManualClock(1_000) });
    engine.execute(['SET', 'a', '1']);
    engine.execute(['SET', 'c', '3']);
    const heard: string[] = [];
    engine.onKeyEvent((event, key) => heard.push(`${event} ${key}`));
    engine.onMutation((record) => heard.push(`${record.reason} ${record.kind === 'flush' ? '' : record.key}`));
    engine.execute(['RENAME', 'a', 'b']);
    engine.execute(['RENAME', 'b', 'c']); // onto an existing key: 'new' too (Redis deletes the old c, then adds)
    expect(heard).toEqual(['new b', 'rename_from a', 'rename_to b', 'new c', 'rename_from b', 'rename_to c']);
  });

  it("reports 'flush' as FLUSHALL begins, while its keys can still be looked at", () => {
    const engine = new Engine({ clock: new ManualClock(1_000) });
    engine.execute(['MSET', 'a', '1', 'b', '2']);
    const seen: string[] = [];
    engine.onKeyEvent((event) => seen.push(`${event} with ${engine.stats().keys} keys, a ${engine.keyInfo('a') === null ? 'gone' : 'there'}`));
    engine.execute(['FLUSHALL']);
    expect(seen).toEqual(['flush with 2 keys, a there']);
    expect(engine.stats().keys).toBe(0);
  });
});
