// SCAN / HSCAN: options, errors, and the guarantee under concurrent adds, deletes and evictions.
import { harness, seededRandom } from './test-support';
import type { Reply } from './reply';

function scanAll(run: (...a: string[]) => Reply, extra: string[] = [], between?: (step: number) => void): string[] {
  const seen: string[] = [];
  let cursor = '0';
  let step = 0;
  do {
    const [next, keys] = run('SCAN', cursor, ...extra) as [string, string[]];
    seen.push(...keys);
    cursor = next;
    between?.(step++);
  } while (cursor !== '0');
  return seen;
}

describe('SCAN', () => {
  test('SCAN - full iteration returns every key', () => {
    const { run } = harness();
    for (let i = 0; i < 500; i++) run('SET', `k${i}`, 'v');
    const seen = new Set(scanAll(run, ['COUNT', '7']));
    expect(seen.size).toBe(500);
  });

  test('SCAN - MATCH and TYPE filter', () => {
    const { run } = harness();
    for (let i = 0; i < 50; i++) run('SET', `user:${i}`, 'v');
    for (let i = 0; i < 50; i++) run('HSET', `sess:${i}`, 'f', 'v');
    expect(new Set(scanAll(run, ['MATCH', 'user:1*'])).size).toBe(11);
    expect(new Set(scanAll(run, ['TYPE', 'hash'])).size).toBe(50);
    expect(new Set(scanAll(run, ['TYPE', 'HASH', 'MATCH', 'user:*'])).size).toBe(0);
  });

  test('SCAN - errors', () => {
    const { err } = harness();
    expect(err('SCAN', 'abc')).toBe('ERR invalid cursor');
    expect(err('SCAN', '-1')).toBe('ERR invalid cursor');
    expect(err('SCAN', '0', 'COUNT', '0')).toBe('ERR syntax error');
    expect(err('SCAN', '0', 'COUNT', 'x')).toBe('ERR value is not an integer or out of range');
    expect(err('SCAN', '0', 'FOO')).toBe('ERR syntax error');
    expect(err('SCAN', '0', 'MATCH')).toBe('ERR syntax error');
  });

  test('SCAN - a key present for the whole scan is returned at least once under adds, deletes and evictions', () => {
    const { run, engine } = harness({ maxmemory: 0 });
    const rnd = seededRandom(11);
    for (let i = 0; i < 2000; i++) run('SET', `stable${i}`, 'v');
    for (let i = 0; i < 2000; i++) run('SET', `churn${i}`, 'v');
    // Evictions need a limit: allow about the current size, then keep adding keys.
    engine.configSet('maxmemory-policy', 'volatile-random');
    let n = 0;
    const seen = new Set(
      scanAll(run, ['COUNT', '25'], () => {
        for (let j = 0; j < 30; j++) {
          const r = rnd();
          if (r < 0.4) run('DEL', `churn${Math.floor(rnd() * 2000)}`);
          else if (r < 0.8) run('SET', `new${n++}`, 'v', 'EX', '100');
          else run('SET', `churn${Math.floor(rnd() * 2000)}`, 'v');
        }
        if (n % 90 === 0) {
          engine.configSet('maxmemory', String(engine.stats().usedMemory - 2000));
          engine.configSet('maxmemory', '0');
        }
      }),
    );
    expect(engine.stats().evictedKeys).toBeGreaterThan(0);
    for (let i = 0; i < 2000; i++) expect(seen.has(`stable${i}`)).toBe(true);
  });

  test('SCAN - ends while keys come and go faster than it walks (keys created after it began are not its business)', () => {
    const { run } = harness();
    for (let i = 0; i < 20_000; i++) run('SET', `rl:${i}`, '1');
    let created = 20_000;
    let deleted = 0;
    let calls = 0;
    const seen = new Set(
      scanAll(run, ['COUNT', '10'], () => {
        calls++;
        if (calls > 10_000) throw new Error('the scan does not end');
        for (let j = 0; j < 20; j++) run('SET', `rl:${created++}`, '1');
        for (let j = 0; j < 20; j++) run('DEL', `rl:${deleted++}`);
      }),
    );
    expect(calls).toBeLessThan(2_100); // ~20,000 / 10, as Redis's bucket cursor
    // Every key present for the whole scan was returned.
    for (let i = deleted; i < 20_000; i++) expect(seen.has(`rl:${i}`)).toBe(true);
    expect(seen.size).toBeLessThanOrEqual(20_000);
    // Two scans at once, started at different times, each end and each see their keys.
    const a = run('SCAN', '0', 'COUNT', '100') as [string, string[]];
    for (let j = 0; j < 500; j++) run('SET', `late:${j}`, '1');
    const b = scanAll(run, ['COUNT', '100']);
    expect(b.filter((key) => key.startsWith('late:'))).toHaveLength(500);
    let cursor = a[0];
    const restOfA: string[] = [];
    while (cursor !== '0') {
      const [next, keys] = run('SCAN', cursor, 'COUNT', '100') as [string, string[]];
      restOfA.push(...keys);
      cursor = next;
    }
    const seenByA = new Set([...a[1], ...restOfA]);
    for (let i = deleted; i < created; i++) expect(seenByA.has(`rl:${i}`)).toBe(true);
  });

  test('SCAN - a scan behind never lowers the horizon of a later scan holding the same cursor, even once forgotten', () => {
    const { run } = harness();
    for (let i = 0; i < 60_000; i++) run('SET', `old:${i}`, '1');
    let c = (run('SCAN', '0', 'COUNT', '7') as [string, string[]])[0]; // scan C: horizon before mid:*
    for (let i = 0; i < 1000; i++) run('SET', `mid:${i}`, '1');
    const seenByB = new Set<string>();
    let b = '0';
    for (let step = 0; step < 4900; step++) {
      const [next, keys] = run('SCAN', b, 'COUNT', '10') as [string, string[]];
      keys.forEach((key) => seenByB.add(key));
      b = next;
      if (step === 4000) c = (run('SCAN', c, 'COUNT', '7') as [string, string[]])[0];
    }
    let met = false;
    for (let steps = 0; c !== '0' && steps < 20_000 && !met; steps++) {
      c = (run('SCAN', c, 'COUNT', '7') as [string, string[]])[0];
      met = c === b; // C is answered the cursor B holds, with its own lower horizon
    }
    expect(met).toBe(true);
    while (b !== '0') {
      const [next, keys] = run('SCAN', b, 'COUNT', '10') as [string, string[]];
      keys.forEach((key) => seenByB.add(key));
      b = next;
    }
    for (let i = 0; i < 1000; i++) expect(seenByB.has(`mid:${i}`)).toBe(true);
  });

  test('SCAN - survives compaction of tombstones between calls', () => {
    const { run } = harness();
    for (let i = 0; i < 1000; i++) run('SET', `k${i}`, 'v');
    const [cursor, first] = run('SCAN', '0', 'COUNT', '100') as [string, string[]];
    for (let i = 0; i < 900; i++) if (!first.includes(`k${i}`)) run('DEL', `k${i}`);
    for (let i = 0; i < 10; i++) run('SET', `fresh${i}`, 'v'); // triggers compaction
    const rest: string[] = [];
    let c = cursor;
    while (c !== '0') {
      const [next, keys] = run('SCAN', c) as [string, string[]];
      rest.push(...keys);
      c = next;
    }
    for (let i = 900; i < 1000; i++) expect(rest).toContain(`k${i}`);
  });

  test('scan typed - same as SCAN', () => {
    const { run, engine } = harness();
    run('SET', 'a', '1');
    run('HSET', 'h', 'f', 'v');
    expect(engine.scan('0', { type: 'hash' })).toEqual({ cursor: '0', keys: ['h'] });
    expect(engine.scan('0', { match: 'a' })).toEqual({ cursor: '0', keys: ['a'] });
  });
});

describe('HSCAN', () => {
  test('HSCAN - a small hash comes whole with cursor 0', () => {
    const { run } = harness();
    run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    expect(run('HSCAN', 'h', '0', 'COUNT', '1')).toEqual(['0', ['a', '1', 'b', '2', 'c', '3']]);
    expect(run('HSCAN', 'h', '0', 'MATCH', 'b*')).toEqual(['0', ['b', '2']]);
    expect(run('HSCAN', 'h', '0', 'NOVALUES')).toEqual(['0', ['a', 'b', 'c']]);
    expect(run('HSCAN', 'missing', '0')).toEqual(['0', []]);
  });

  test('HSCAN - a large hash is paged and a field present throughout is never missed', () => {
    const { run } = harness();
    const args = ['HSET', 'h'];
    for (let i = 0; i < 1000; i++) args.push(`f${i}`, 'v');
    run(...args);
    const seen = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const [next, flat] = run('HSCAN', 'h', cursor, 'COUNT', '20') as [string, string[]];
      for (let i = 0; i < flat.length; i += 2) seen.add(flat[i]);
      // delete already-seen and not-yet-seen volatile fields (f0..f299), add new ones
      for (let j = 0; j < 3; j++) run('HDEL', 'h', `f${(round * 3 + j) % 300}`);
      run('HSET', 'h', `new${round}`, 'v');
      round++;
      cursor = next;
    } while (cursor !== '0');
    expect(round).toBeGreaterThan(10);
    for (let i = 300; i < 1000; i++) expect(seen.has(`f${i}`)).toBe(true);
  });

  test('HSCAN - a call with the cursor the last one answered goes on from where it stopped', () => {
    const { run } = harness();
    const args = ['HSET', 'h'];
    for (let i = 0; i < 200; i++) args.push(`f${i}`, `v${i}`);
    run(...args);
    const page = (cursor: string): [string, string[]] => run('HSCAN', 'h', cursor, 'COUNT', '10') as [string, string[]];
    const names = (flat: string[]) => flat.filter((_, i) => i % 2 === 0);
    const [c1, first] = page('0');
    expect(names(first)).toEqual(Array.from({ length: 10 }, (_, i) => `f${i}`));
    // A field added and a value changed since: the parked iterator sees both, current values.
    run('HSET', 'h', 'f11', 'changed', 'late', 'x');
    const [c2, second] = page(c1);
    expect(second.slice(2, 4)).toEqual(['f11', 'changed']);
    expect(names(second)).toEqual(Array.from({ length: 10 }, (_, i) => `f${i + 10}`));
    // Without a parked iterator the same cursor is found again by walking: same fields.
    const [, again] = run('HSCAN', 'h', c1, 'COUNT', '10') as [string, string[]];
    expect(names(again)).toEqual(names(second));
    expect(c2).not.toBe('0');
  });

  test('HSCAN - after a deletion a scan never takes over another scan\'s place (no field skipped)', () => {
    const { run } = harness();
    const args = ['HSET', 'h'];
    for (let i = 0; i < 200; i++) args.push(`f${i}`, 'v');
    run(...args);
    const page = (cursor: string): [string, string[]] => run('HSCAN', 'h', cursor, 'COUNT', '10', 'NOVALUES') as [string, string[]];
    // Scan A reads a page; ten fields at the far end go; A reads on. Its cursor now rewinds by
    // the ten deletions, to where a fresh scan B stands after one page: B must not get A's place.
    const [a1] = page('0');
    for (let i = 190; i < 200; i++) run('HDEL', 'h', `f${i}`);
    page(a1);
    const seenByB: string[] = [];
    let cursor = '0';
    do {
      const [next, fields] = page(cursor);
      seenByB.push(...fields);
      cursor = next;
    } while (cursor !== '0');
    expect(new Set(seenByB)).toEqual(new Set(Array.from({ length: 190 }, (_, i) => `f${i}`)));
  });

  test('HSCAN - scans interleaved at random with deletions and additions never miss a field present throughout', () => {
    const { run } = harness();
    const random = seededRandom(42);
    for (let round = 0; round < 40; round++) {
      run('DEL', 'h');
      const args = ['HSET', 'h'];
      for (let i = 0; i < 300; i++) args.push(`f${i}`, 'v');
      run(...args);
      // Every third field may be deleted and re-added meanwhile (ahead of some scans, behind
      // others); the rest stay throughout.
      const scans = [5, 10, 20].map((count) => ({ count, cursor: '0', started: false, seen: new Set<string>() }));
      while (scans.some((scan) => !scan.started || scan.cursor !== '0')) {
        const scan = scans[Math.floor(random() * scans.length)];
        if (scan.started && scan.cursor === '0') continue;
        scan.started = true;
        const [next, fields] = run('HSCAN', 'h', scan.cursor, 'COUNT', String(scan.count), 'NOVALUES') as [string, string[]];
        fields.forEach((field) => scan.seen.add(field));
        scan.cursor = next;
        const victim = `f${3 * Math.floor(random() * 100)}`;
        if (random() < 0.5) run('HDEL', 'h', victim);
        else run('HSET', 'h', victim, 'back', `new${round}:${Math.floor(random() * 1000)}`, 'v');
      }
      for (const scan of scans) for (let i = 0; i < 300; i++) if (i % 3 !== 0) expect(scan.seen.has(`f${i}`)).toBe(true);
    }
  });

  test('HSCAN - two scans of one hash at once each return every field exactly once', () => {
    const { run } = harness();
    const args = ['HSET', 'h'];
    for (let i = 0; i < 500; i++) args.push(`f${i}`, 'v');
    run(...args);
    const seen = [[] as string[], [] as string[]];
    const cursors = ['0', '0'];
    const done = [false, false];
    while (!done[0] || !done[1]) {
      for (const s of [0, 1]) {
        if (done[s]) continue;
        const [next, flat] = run('HSCAN', 'h', cursors[s], 'COUNT', s === 0 ? '7' : '13', 'NOVALUES') as [string, string[]];
        seen[s].push(...flat);
        cursors[s] = next;
        done[s] = next === '0';
      }
    }
    for (const fields of seen) expect([...fields].sort()).toEqual(Array.from({ length: 500 }, (_, i) => `f${i}`).sort());
  });
});
