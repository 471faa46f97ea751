// Generic key commands: DEL, EXISTS, TYPE, RENAME, TOUCH, RANDOMKEY, DBSIZE, FLUSHALL, KEYS.
import { OK, StatusReply } from './reply';
import { harness } from './test-support';

describe('key commands', () => {
  test('DEL / UNLINK - count existing keys only', () => {
    const { run } = harness();
    run('MSET', 'a', '1', 'b', '2');
    run('HSET', 'h', 'f', 'v');
    expect(run('DEL', 'a', 'x', 'h')).toBe(2);
    expect(run('UNLINK', 'b', 'b')).toBe(1);
    expect(run('DBSIZE')).toBe(0);
  });

  test('DEL - an expired key counts as missing', () => {
    const { run, clock } = harness();
    run('SET', 'a', '1', 'PX', '10');
    clock.advance(11);
    expect(run('DEL', 'a')).toBe(0);
  });

  test('EXISTS - counts repeats', () => {
    const { run } = harness();
    run('SET', 'a', '1');
    expect(run('EXISTS', 'a', 'a', 'b')).toBe(2);
  });

  test('TYPE - string, hash, none', () => {
    const { run } = harness();
    run('SET', 's', '1');
    run('HSET', 'h', 'f', 'v');
    expect(run('TYPE', 's')).toEqual(new StatusReply('string'));
    expect(run('TYPE', 'h')).toEqual(new StatusReply('hash'));
    expect(run('TYPE', 'n')).toEqual(new StatusReply('none'));
  });

  test('RENAME - moves value and TTL, overwrites the target', () => {
    const { run, err } = harness();
    run('SET', 'a', '1', 'EX', '100');
    run('HSET', 'b', 'f', 'v');
    expect(run('RENAME', 'a', 'b')).toBe(OK);
    expect(run('GET', 'b')).toBe('1');
    expect(run('TTL', 'b')).toBe(100);
    expect(run('EXISTS', 'a')).toBe(0);
    expect(err('RENAME', 'a', 'c')).toBe('ERR no such key');
    expect(run('RENAME', 'b', 'b')).toBe(OK);
    run('HSET', 'h', 'x', '1', 'y', '2');
    run('RENAME', 'h', 'h2');
    expect(run('HGETALL', 'h2')).toEqual({ flat: ['x', '1', 'y', '2'] });
  });

  test('RENAMENX - refuses an existing target', () => {
    const { run } = harness();
    run('MSET', 'a', '1', 'b', '2');
    expect(run('RENAMENX', 'a', 'b')).toBe(0);
    expect(run('RENAMENX', 'a', 'c')).toBe(1);
    expect(run('RENAMENX', 'c', 'c')).toBe(0);
    expect(run('MGET', 'a', 'b', 'c')).toEqual([null, '2', '1']);
  });

  test('TOUCH - counts existing keys and resets idle time', () => {
    const { run, clock } = harness();
    run('SET', 'a', '1');
    clock.advance(30_000);
    expect(run('OBJECT', 'IDLETIME', 'a')).toBe(30);
    expect(run('TOUCH', 'a', 'b')).toBe(1);
    expect(run('OBJECT', 'IDLETIME', 'a')).toBe(0);
  });

  test('OBJECT HELP and MEMORY HELP answer simple strings, as Redis writes help lines', () => {
    const { run } = harness();
    for (const command of ['OBJECT', 'MEMORY']) {
      const lines = run(command, 'HELP') as unknown[];
      expect(lines.length).toBeGreaterThan(3);
      for (const line of lines) expect(line).toBeInstanceOf(StatusReply);
    }
  });

  test('OBJECT IDLETIME and LRU order hold past small-integer stamps, days of uptime and a second boundary', () => {
    const { engine, run, clock } = harness();
    clock.advance(3 * 86_400_000 + 999); // three days after start, 1 ms before a second boundary
    run('SET', 'first', '1');
    run('SET', 'busy', '1');
    // 5,000 accesses within one millisecond: the ticks within the second pass 4,096,000 and carry.
    for (let i = 0; i < 5_000; i++) run('GET', 'busy');
    run('SET', 'second', '1');
    clock.advance(3_600_000);
    expect(run('OBJECT', 'IDLETIME', 'first')).toBe(3600);
    // The 5,000 ticks in one millisecond ran the clock ~0.2 ms ahead of time (access-tracking.ts).
    expect(run('OBJECT', 'IDLETIME', 'second')).toBe(3599);
    run('GET', 'busy');
    expect(run('OBJECT', 'IDLETIME', 'busy')).toBe(0);
    // Eviction ranks by the stamps: first (before the carry), then second (after it), never busy.
    engine.configSet('maxmemory-policy', 'allkeys-lru');
    engine.configSet('maxmemory', String(engine.stats().usedMemory - 1));
    expect(run('EXISTS', 'first', 'second', 'busy')).toBe(2);
    expect(run('EXISTS', 'first')).toBe(0);
    engine.configSet('maxmemory', String(engine.stats().usedMemory - 1));
    expect(run('EXISTS', 'second')).toBe(0);
    expect(run('EXISTS', 'busy')).toBe(1);
  });

  test('noTouch (CLIENT NO-TOUCH) - reads and writes leave idle time and LFU counter alone', () => {
    const { engine, run, clock } = harness();
    run('SET', 'a', '1');
    clock.advance(30_000);
    engine.noTouch = true;
    expect(run('GET', 'a')).toBe('1');
    expect(run('INCR', 'a')).toBe(2);
    expect(run('OBJECT', 'IDLETIME', 'a')).toBe(30);
    engine.noTouch = false;
    expect(run('GET', 'a')).toBe('2');
    expect(run('OBJECT', 'IDLETIME', 'a')).toBe(0);

    engine.configSet('maxmemory-policy', 'allkeys-lfu');
    engine.configSet('lfu-log-factor', '0');
    run('SET', 'f', '1');
    const initial = run('OBJECT', 'FREQ', 'f');
    engine.noTouch = true;
    for (let i = 0; i < 5; i++) run('GET', 'f');
    expect(run('OBJECT', 'FREQ', 'f')).toBe(initial);
    engine.noTouch = false;
    run('GET', 'f');
    expect(run('OBJECT', 'FREQ', 'f')).toBe((initial as number) + 1);
  });

  test('RANDOMKEY - nil when empty, a live key otherwise, never an expired one', () => {
    const { run, clock } = harness();
    expect(run('RANDOMKEY')).toBeNull();
    run('SET', 'live', '1');
    for (let i = 0; i < 20; i++) run('SET', `t${i}`, '1', 'PX', '5');
    clock.advance(10);
    for (let i = 0; i < 10; i++) expect(run('RANDOMKEY')).toBe('live');
  });

  test('RANDOMKEY - a live key even when thousands expired at once (each met is deleted), nil once none is live', () => {
    const { run, clock, engine } = harness();
    for (let i = 0; i < 5000; i++) run('SET', `t${i}`, '1', 'PX', '5');
    run('SET', 'live', '1');
    clock.advance(10);
    expect(run('RANDOMKEY')).toBe('live');
    run('DEL', 'live');
    expect(run('RANDOMKEY')).toBeNull();
    expect(engine.stats().keys).toBe(0);
  });

  test('DBSIZE / FLUSHALL / FLUSHDB', () => {
    const { run, err, engine } = harness();
    run('MSET', 'a', '1', 'b', '2');
    expect(run('DBSIZE')).toBe(2);
    expect(run('FLUSHALL')).toBe(OK);
    expect(run('DBSIZE')).toBe(0);
    expect(engine.stats().usedMemory).toBe(0);
    run('SET', 'c', '1');
    expect(run('FLUSHDB', 'ASYNC')).toBe(OK);
    expect(run('DBSIZE')).toBe(0);
    expect(err('FLUSHALL', 'NOW')).toBe('ERR syntax error');
  });

  test('KEYS - glob patterns', () => {
    const { run } = harness();
    run('MSET', 'hello', '1', 'hallo', '1', 'hxllo', '1', 'heeeello', '1', 'hllo', '1');
    expect((run('KEYS', 'h?llo') as string[]).sort()).toEqual(['hallo', 'hello', 'hxllo']);
    expect((run('KEYS', 'h*llo') as string[]).sort()).toEqual(['hallo', 'heeeello', 'hello', 'hllo', 'hxllo']);
    expect((run('KEYS', 'h[ae]llo') as string[]).sort()).toEqual(['hallo', 'hello']);
    expect((run('KEYS', 'h[^e]llo') as string[]).sort()).toEqual(['hallo', 'hxllo']);
    expect((run('KEYS', 'h[a-b]llo') as string[]).sort()).toEqual(['hallo']);
    expect(run('KEYS', '*')).toHaveLength(5);
  });

  test('DEL typed - same as DEL', () => {
    const { engine, run } = harness();
    run('MSET', 'a', '1', 'b', '2');
    expect(engine.del(['a', 'b', 'c'])).toBe(2);
  });
});
