// The command table: Redis's arity, flags and key positions for the RESP layer's COMMAND.
import { harness } from './test-support';

describe('command table', () => {
  test('commandSpec - metadata as Redis gives it', () => {
    const { engine } = harness();
    expect(engine.commandSpec('GET')).toMatchObject({ name: 'get', arity: 2, flags: ['readonly', 'fast'], firstKey: 1, lastKey: 1, step: 1 });
    expect(engine.commandSpec('set')).toMatchObject({ arity: -3, flags: ['write', 'denyoom'] });
    expect(engine.commandSpec('mset')).toMatchObject({ firstKey: 1, lastKey: -1, step: 2 });
    expect(engine.commandSpec('rename')).toMatchObject({ firstKey: 1, lastKey: 2, step: 1 });
    expect(engine.commandSpec('nope')).toBeUndefined();
  });

  test('commands - every required command is there, each write or readonly', () => {
    const { engine } = harness();
    const names = engine.commands().map((c) => c.name);
    const required = `get set setnx setex psetex getset getdel getex mget mset msetnx append strlen getrange setrange
      incr incrby decr decrby incrbyfloat hset hsetnx hget hmget hgetall hdel hexists hlen hkeys hvals hstrlen hincrby
      hincrbyfloat del unlink exists type rename renamenx touch randomkey dbsize flushall flushdb keys scan hscan expire
      pexpire expireat pexpireat ttl pttl expiretime pexpiretime persist object memory`.split(/\s+/);
    for (const n of required) expect(names).toContain(n);
    for (const c of engine.commands()) {
      expect(c.flags.includes('write') !== c.flags.includes('readonly')).toBe(true);
      if (c.flags.includes('denyoom')) expect(c.flags).toContain('write');
      expect(c.group.length).toBeGreaterThan(0);
    }
  });

  test('stats - hits, misses, calls per command', () => {
    const { run, engine } = harness();
    run('SET', 'a', '1');
    run('GET', 'a');
    run('GET', 'b');
    run('get', 'a');
    const s = engine.stats();
    expect(s).toMatchObject({ hits: 2, misses: 1, totalCommands: 4, keys: 1 });
    expect(s.commandCalls).toEqual({ set: 1, get: 3 });
    engine.resetStats();
    expect(engine.stats()).toMatchObject({ hits: 0, misses: 0, totalCommands: 0, commandCalls: {} });
  });

  test('keyInfo / OBJECT - introspection without touching the key', () => {
    const { run, engine, clock, err } = harness();
    run('SET', 'n', '12345');
    run('SET', 's', 'hello', 'PX', '5000');
    run('SET', 'r', 'x'.repeat(50));
    clock.advance(10_000 - 5000 + 2000);
    expect(engine.keyInfo('s')).toBeNull();
    expect(engine.keyInfo('n')).toMatchObject({ type: 'string', encoding: 'int', length: 5, idleSeconds: 7, freq: 5, expiresAt: null });
    expect(engine.keyInfo('n')?.idleSeconds).toBe(7);
    expect(run('OBJECT', 'ENCODING', 'r')).toBe('raw');
    expect(run('OBJECT', 'IDLETIME', 'n')).toBe(7);
    expect(err('OBJECT', 'FREQ', 'n')).toMatch(/^ERR An LFU maxmemory policy is not selected/);
    engine.configSet('maxmemory-policy', 'allkeys-lfu');
    expect(run('OBJECT', 'FREQ', 'n')).toBe(5);
    expect(err('OBJECT', 'IDLETIME', 'n')).toMatch(/^ERR An LFU maxmemory policy is selected/);
    expect(run('OBJECT', 'ENCODING', 'missing')).toBeNull();
  });

  test('OBJECT REFCOUNT - Redis shares 0..9999 unless maxmemory runs an LRU, LFU or LRM policy', () => {
    const { run, engine } = harness();
    run('MSET', 'zero', '0', 'small', '9999', 'big', '10000', 'neg', '-1', 'padded', '007', 'text', 'abc');
    run('INCR', 'ctr');
    run('HSET', 'h', 'f', '1');
    const refcounts = () => ['zero', 'small', 'ctr', 'big', 'neg', 'padded', 'text', 'h'].map((key) => run('OBJECT', 'REFCOUNT', key));
    expect(refcounts()).toEqual([2147483647, 2147483647, 2147483647, 1, 1, 1, 1, 1]);
    expect(engine.keyInfo('small')?.refcount).toBe(2147483647);
    engine.configSet('maxmemory-policy', 'allkeys-lru');
    expect(refcounts()[0]).toBe(2147483647); // no maxmemory: still shared
    engine.configSet('maxmemory', '100mb');
    expect(refcounts()).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    engine.configSet('maxmemory-policy', 'volatile-ttl');
    expect(refcounts()[0]).toBe(2147483647);
    expect(run('OBJECT', 'REFCOUNT', 'missing')).toBeNull();
  });
});
