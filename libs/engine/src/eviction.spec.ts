// maxmemory and eviction per policy: only eligible keys go, memory stays under the limit.
import { Engine } from './engine';
import { MnemoError } from './errors';
import { stringMemory } from './memory';
import { EVICTION_POLICIES, type EvictionPolicy } from './options';
import { harness, seededRandom } from './test-support';

const KEY_COST = stringMemory('key:0000'.length, 10);

function fill(run: (...a: string[]) => unknown, from: number, to: number, ttl: boolean): void {
  for (let i = from; i < to; i++) {
    if (ttl) run('SET', `key:${String(i).padStart(4, '0')}`, '0123456789', 'EX', String(1000 + i));
    else run('SET', `key:${String(i).padStart(4, '0')}`, '0123456789');
  }
}

function sumOfEntries(engine: Engine): number {
  let sum = 0;
  let cursor = '0';
  do {
    const r = engine.scan(cursor, { count: 1000 });
    for (const k of r.keys) sum += engine.keyInfo(k)?.memory ?? 0;
    cursor = r.cursor;
  } while (cursor !== '0');
  return sum;
}

describe('eviction', () => {
  test.each<EvictionPolicy>(['allkeys-lru', 'allkeys-lfu', 'volatile-ttl', 'allkeys-lrm'])(
    '%s - random writes of every kind never leave usedMemory above maxmemory',
    (policy) => {
      const max = KEY_COST * 40;
      const { run, engine } = harness({ maxmemory: max, maxmemoryPolicy: policy });
      const rnd = seededRandom(17);
      let failures = 0;
      for (let i = 0; i < 3000; i++) {
        const k = `k${Math.floor(rnd() * 80)}`;
        const r = rnd();
        const argv =
          r < 0.25
            ? ['SET', k, 'x'.repeat(Math.floor(rnd() * 40)), 'EX', String(10 + Math.floor(rnd() * 1000))]
            : r < 0.4
              ? ['APPEND', k, 'abc']
              : r < 0.55
                ? ['MSET', k, '1', `${k}b`, '22']
                : r < 0.7
                  ? ['HSET', `h${k}`, `f${Math.floor(rnd() * 5)}`, 'v'.repeat(Math.floor(rnd() * 30))]
                  : r < 0.85
                    ? ['SETRANGE', k, String(Math.floor(rnd() * 30)), 'zz']
                    : ['INCRBY', `c${k}`, '5'];
        try {
          run(...argv);
        } catch (e) {
          expect((e as MnemoError).code).toMatch(/^(OOM|WRONGTYPE|ERR)$/);
          failures++;
          continue;
        }
        expect(engine.stats().usedMemory).toBeLessThanOrEqual(max);
      }
      expect(sumOfEntries(engine)).toBe(engine.stats().usedMemory);
      expect(failures).toBeLessThan(3000);
    },
  );

  test('noeviction - denyoom writes fail with OOM, reads and DEL work, nothing evicted', () => {
    const { run, err, engine } = harness({ maxmemory: KEY_COST * 10 });
    fill(run, 0, 10, false);
    expect(err('SET', 'key:9999', '0123456789')).toBe("OOM command not allowed when used memory > 'maxmemory'.");
    expect(err('HSET', 'h', 'f', 'v')).toMatch(/^OOM/);
    expect(err('INCR', 'newcounter')).toMatch(/^OOM/);
    expect(run('GET', 'key:0000')).toBe('0123456789');
    expect(run('EXPIRE', 'key:0001', '100')).toBe(1);
    expect(run('DEL', 'key:0000')).toBe(1);
    expect(run('SET', 'key:9999', '0123456789')).toEqual({ status: 'OK' });
    expect(engine.stats().evictedKeys).toBe(0);
  });

  test.each(EVICTION_POLICIES.filter((p) => p.startsWith('allkeys')))('%s - keeps usedMemory <= maxmemory and emits evicted records', (policy) => {
    const max = KEY_COST * 50;
    const { run, engine, records } = harness({ maxmemory: max, maxmemoryPolicy: policy });
    for (let i = 0; i < 500; i++) {
      run('SET', `key:${String(i).padStart(4, '0')}`, '0123456789');
      expect(engine.stats().usedMemory).toBeLessThanOrEqual(max);
    }
    const stats = engine.stats();
    expect(stats.evictedKeys).toBe(450);
    expect(stats.keys).toBe(50);
    expect(records.filter((r) => r.kind === 'del' && r.reason === 'evicted')).toHaveLength(450);
    expect(sumOfEntries(engine)).toBe(stats.usedMemory);
  });

  test.each(EVICTION_POLICIES.filter((p) => p.startsWith('volatile')))('%s - never evicts a key without TTL', (policy) => {
    const max = KEY_COST * 60;
    const { run, err, engine } = harness({ maxmemory: max, maxmemoryPolicy: policy });
    fill(run, 0, 30, false);
    fill(run, 30, 200, true);
    expect(engine.stats().usedMemory).toBeLessThanOrEqual(max);
    for (let i = 0; i < 30; i++) expect(run('EXISTS', `key:${String(i).padStart(4, '0')}`)).toBe(1);
    // Only persistent keys left beyond the budget: new writes fail.
    run('FLUSHALL');
    fill(run, 0, 60, false);
    expect(err('SET', 'x', '0123456789')).toMatch(/^OOM/);
    expect(engine.stats().keys).toBe(60);
  });

  test('allkeys-lru - evicts the least recently used keys', () => {
    const { run, clock } = harness({ maxmemory: KEY_COST * 100, maxmemoryPolicy: 'allkeys-lru', maxmemorySamples: 10 });
    fill(run, 0, 100, false);
    clock.advance(1000);
    for (let i = 50; i < 100; i++) run('GET', `key:${String(i).padStart(4, '0')}`);
    fill(run, 100, 130, false);
    let oldSurvivors = 0;
    for (let i = 0; i < 50; i++) oldSurvivors += run('EXISTS', `key:${String(i).padStart(4, '0')}`) as number;
    let hotSurvivors = 0;
    for (let i = 50; i < 100; i++) hotSurvivors += run('EXISTS', `key:${String(i).padStart(4, '0')}`) as number;
    expect(hotSurvivors).toBeGreaterThanOrEqual(45);
    expect(oldSurvivors).toBeLessThanOrEqual(25);
  });

  test('allkeys-lrm - reads do not protect a key, writes do', () => {
    const { run } = harness({ maxmemory: KEY_COST * 100, maxmemoryPolicy: 'allkeys-lrm', maxmemorySamples: 10 });
    fill(run, 0, 100, false);
    for (let i = 0; i < 50; i++) run('GET', `key:${String(i).padStart(4, '0')}`);
    for (let i = 50; i < 100; i++) run('SET', `key:${String(i).padStart(4, '0')}`, '9876543210');
    fill(run, 100, 130, false);
    let readOnly = 0;
    for (let i = 0; i < 50; i++) readOnly += run('EXISTS', `key:${String(i).padStart(4, '0')}`) as number;
    expect(readOnly).toBeLessThanOrEqual(25);
  });

  test('allkeys-lfu - frequently used keys survive', () => {
    const { run } = harness({ maxmemory: KEY_COST * 100, maxmemoryPolicy: 'allkeys-lfu', maxmemorySamples: 10 });
    fill(run, 0, 100, false);
    for (let r = 0; r < 20; r++) for (let i = 0; i < 20; i++) run('GET', `key:${String(i).padStart(4, '0')}`);
    fill(run, 100, 150, false);
    let hot = 0;
    for (let i = 0; i < 20; i++) hot += run('EXISTS', `key:${String(i).padStart(4, '0')}`) as number;
    expect(hot).toBe(20);
    expect(run('OBJECT', 'FREQ', 'key:0000')).toBeGreaterThan(5);
  });

  test('volatile-ttl - evicts the keys expiring soonest', () => {
    const { run } = harness({ maxmemory: KEY_COST * 100, maxmemoryPolicy: 'volatile-ttl', maxmemorySamples: 10 });
    fill(run, 0, 100, true); // key i expires in 1000 + i seconds
    fill(run, 100, 120, true);
    let late = 0;
    for (let i = 50; i < 100; i++) late += run('EXISTS', `key:${String(i).padStart(4, '0')}`) as number;
    expect(late).toBeGreaterThanOrEqual(45);
  });

  test('OOM - a value larger than maxmemory fails without evicting everything', () => {
    const { run, err, engine } = harness({ maxmemory: KEY_COST * 10, maxmemoryPolicy: 'allkeys-lru' });
    fill(run, 0, 5, false);
    expect(err('SET', 'huge', 'x'.repeat(KEY_COST * 20))).toMatch(/^OOM/);
    expect(engine.stats().keys).toBe(5);
  });

  test('configSet - policy, maxmemory and samples change at run time; lowering maxmemory evicts', () => {
    const { run, engine } = harness();
    fill(run, 0, 100, false);
    expect(engine.configSet('maxmemory-policy', 'allkeys-random')).toBe(true);
    expect(engine.configSet('maxmemory-samples', '10')).toBe(true);
    expect(engine.configSet('maxmemory', String(KEY_COST * 40))).toBe(true);
    expect(engine.stats().keys).toBe(40);
    expect(engine.configGet('maxmemory*')).toEqual([
      ['maxmemory', String(KEY_COST * 40)],
      ['maxmemory-policy', 'allkeys-random'],
      ['maxmemory-samples', '10'],
    ]);
    expect(engine.configSet('maxmemory', '1mb')).toBe(true);
    expect(engine.configGet('maxmemory')).toEqual([['maxmemory', String(1024 * 1024)]]);
    expect(engine.configSet('hz', '10')).toBe(false);
  });

  test('configSet - invalid values use Redis wording', () => {
    const { engine } = harness();
    // Redis 7.0's enum order, then Redis 8.6's lrm policies.
    expect(() => engine.configSet('maxmemory-policy', 'lru')).toThrow(
      "CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction, volatile-lrm, allkeys-lrm",
    );
    expect(() => engine.configSet('maxmemory-samples', '0')).toThrow("CONFIG SET failed (possibly related to argument 'maxmemory-samples') - argument must be between 1 and 2147483647 inclusive");
    expect(() => engine.configSet('lfu-log-factor', 'x')).toThrow("argument couldn't be parsed into an integer");
    expect(() => engine.configSet('lfu-log-factor', '99999999999999999999')).toThrow("argument couldn't be parsed into an integer");
    expect(() => engine.configSet('maxmemory', '-1')).toThrow('argument must be a memory value');
    expect(() => engine.configSet('proto-max-bulk-len', '')).toThrow('argument must be between 1048576 and 9223372036854775807 inclusive');
    // As Redis: "" is 0, and a value past 2^64 - 1 saturates there.
    engine.configSet('maxmemory', '');
    expect(engine.configGet('maxmemory')).toEqual([['maxmemory', '0']]);
    engine.configSet('maxmemory', '99999999999999999999');
    expect(engine.configGet('maxmemory')).toEqual([['maxmemory', '18446744073709551615']]);
    engine.configSet('maxmemory', '0');
  });

  test('MEMORY USAGE - the entry estimate; usedMemory is the sum over keys', () => {
    const { run, engine } = harness();
    run('SET', 'key:0000', '0123456789');
    expect(run('MEMORY', 'USAGE', 'key:0000')).toBe(KEY_COST);
    run('HSET', 'h', 'a', '1', 'b', '22');
    run('APPEND', 'key:0000', 'xyz');
    run('HDEL', 'h', 'a');
    expect(run('MEMORY', 'USAGE', 'nope')).toBeNull();
    expect(sumOfEntries(engine)).toBe(engine.stats().usedMemory);
  });

  test.each<EvictionPolicy>(['allkeys-lru', 'volatile-lru'])('%s - hash writes respect maxmemory', (policy) => {
    const max = KEY_COST * 30;
    const { run, engine } = harness({ maxmemory: max, maxmemoryPolicy: policy });
    fill(run, 0, 20, true);
    for (let i = 0; i < 200; i++) {
      try {
        run('HSET', `h${i % 7}`, `f${i}`, '0123456789');
        expect(engine.stats().usedMemory).toBeLessThanOrEqual(max);
      } catch (e) {
        expect((e as MnemoError).code).toBe('OOM');
      }
    }
  });
});
