// String commands against Redis's documented semantics and exact error texts.
import { MapReply, OK } from './reply';
import { harness } from './test-support';

describe('string commands', () => {
  test('GET - returns nil for a missing key and the value after SET', () => {
    const { run } = harness();
    expect(run('GET', 'k')).toBeNull();
    expect(run('SET', 'k', 'v')).toBe(OK);
    expect(run('get', 'k')).toBe('v');
  });

  test('GET - WRONGTYPE on a hash', () => {
    const { run, err } = harness();
    run('HSET', 'h', 'f', 'v');
    expect(err('GET', 'h')).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
  });

  test('SET - binary-safe values keep every byte', () => {
    const { run } = harness();
    const bytes = '\u0000\u00ff\u00e2\u0082\u00ac\r\n';
    run('SET', 'b', bytes);
    expect(run('GET', 'b')).toBe(bytes);
    expect(run('STRLEN', 'b')).toBe(7);
  });

  test('SET - NX and XX', () => {
    const { run } = harness();
    expect(run('SET', 'k', '1', 'XX')).toBeNull();
    expect(run('SET', 'k', '1', 'NX')).toBe(OK);
    expect(run('SET', 'k', '2', 'NX')).toBeNull();
    expect(run('SET', 'k', '3', 'xx')).toBe(OK);
    expect(run('GET', 'k')).toBe('3');
  });

  test('SET - EX/PX/EXAT/PXAT set an absolute expiry', () => {
    const { run, clock } = harness();
    const now = clock.now();
    run('SET', 'a', 'v', 'EX', '10');
    run('SET', 'b', 'v', 'PX', '1500');
    run('SET', 'c', 'v', 'EXAT', String(Math.floor(now / 1000) + 100));
    run('SET', 'd', 'v', 'PXAT', String(now + 2000));
    expect(run('PTTL', 'a')).toBe(10000);
    expect(run('PTTL', 'b')).toBe(1500);
    expect(run('EXPIRETIME', 'c')).toBe(Math.floor(now / 1000) + 100);
    expect(run('PEXPIRETIME', 'd')).toBe(now + 2000);
    clock.advance(1501);
    expect(run('GET', 'b')).toBeNull();
    expect(run('GET', 'a')).toBe('v');
  });

  test('SET - without KEEPTTL clears the TTL, with KEEPTTL keeps it', () => {
    const { run } = harness();
    run('SET', 'k', 'v', 'EX', '100');
    run('SET', 'k', 'w', 'KEEPTTL');
    expect(run('TTL', 'k')).toBe(100);
    run('SET', 'k', 'x');
    expect(run('TTL', 'k')).toBe(-1);
  });

  test('SET - GET returns the old value, also with NX when not set', () => {
    const { run, err } = harness();
    expect(run('SET', 'k', '1', 'GET')).toBeNull();
    expect(run('SET', 'k', '2', 'GET')).toBe('1');
    expect(run('SET', 'k', '3', 'NX', 'GET')).toBe('2');
    expect(run('GET', 'k')).toBe('2');
    run('HSET', 'h', 'f', 'v');
    expect(err('SET', 'h', 'x', 'GET')).toMatch(/^WRONGTYPE/);
    expect(run('SET', 'h', 'x')).toBe(OK);
    expect(run('TYPE', 'h')).toEqual({ status: 'string' });
  });

  test('SET - option errors with Redis wording', () => {
    const { err, run } = harness();
    expect(err('SET', 'k', 'v', 'NX', 'XX')).toBe('ERR syntax error');
    expect(err('SET', 'k', 'v', 'EX', '10', 'PX', '100')).toBe('ERR syntax error');
    expect(err('SET', 'k', 'v', 'EX', '10', 'KEEPTTL')).toBe('ERR syntax error');
    expect(err('SET', 'k', 'v', 'EX')).toBe('ERR syntax error');
    expect(err('SET', 'k', 'v', 'FOO')).toBe('ERR syntax error');
    expect(err('SET', 'k', 'v', 'EX', 'ten')).toBe('ERR value is not an integer or out of range');
    expect(err('SET', 'k', 'v', 'EX', '0')).toBe("ERR invalid expire time in 'set' command");
    expect(err('SET', 'k', 'v', 'PX', '-5')).toBe("ERR invalid expire time in 'set' command");
    expect(err('SET', 'k', 'v', 'EX', '9223372036854775807')).toBe("ERR invalid expire time in 'set' command");
    expect(run('EXISTS', 'k')).toBe(0);
  });

  test('SETNX - sets only a missing key', () => {
    const { run } = harness();
    expect(run('SETNX', 'k', 'a')).toBe(1);
    expect(run('SETNX', 'k', 'b')).toBe(0);
    expect(run('GET', 'k')).toBe('a');
  });

  test('SETEX / PSETEX - set value and TTL; invalid expire time names the command', () => {
    const { run, err } = harness();
    expect(run('SETEX', 'k', '5', 'v')).toBe(OK);
    expect(run('TTL', 'k')).toBe(5);
    expect(run('PSETEX', 'p', '2500', 'v')).toBe(OK);
    expect(run('PTTL', 'p')).toBe(2500);
    expect(err('SETEX', 'k', '0', 'v')).toBe("ERR invalid expire time in 'setex' command");
    expect(err('PSETEX', 'k', '-1', 'v')).toBe("ERR invalid expire time in 'psetex' command");
  });

  test('GETSET - returns the old value and drops the TTL', () => {
    const { run } = harness();
    expect(run('GETSET', 'k', 'a')).toBeNull();
    run('EXPIRE', 'k', '100');
    expect(run('GETSET', 'k', 'b')).toBe('a');
    expect(run('TTL', 'k')).toBe(-1);
  });

  test('GETDEL - returns and deletes', () => {
    const { run } = harness();
    run('SET', 'k', 'v');
    expect(run('GETDEL', 'k')).toBe('v');
    expect(run('GETDEL', 'k')).toBeNull();
    expect(run('EXISTS', 'k')).toBe(0);
  });

  test('GETEX - EX, PERSIST, past EXAT deletes; option errors', () => {
    const { run, err, clock } = harness();
    run('SET', 'k', 'v');
    expect(run('GETEX', 'k', 'EX', '50')).toBe('v');
    expect(run('TTL', 'k')).toBe(50);
    expect(run('GETEX', 'k', 'PERSIST')).toBe('v');
    expect(run('TTL', 'k')).toBe(-1);
    expect(run('GETEX', 'k')).toBe('v');
    expect(run('GETEX', 'k', 'PXAT', String(clock.now() - 1))).toBe('v');
    expect(run('EXISTS', 'k')).toBe(0);
    expect(run('GETEX', 'nokey', 'EX', '5')).toBeNull();
    expect(err('GETEX', 'k', 'EX', '5', 'PERSIST')).toBe('ERR syntax error');
    expect(err('GETEX', 'k', 'KEEPTTL')).toBe('ERR syntax error');
    // As Redis: the key is looked up and type-checked before the expiry value.
    expect(run('GETEX', 'k', 'EX', '0')).toBeNull();
    run('HSET', 'h', 'f', 'v');
    expect(err('GETEX', 'h', 'EX', '0')).toMatch(/^WRONGTYPE/);
    run('SET', 'k', 'v');
    expect(err('GETEX', 'k', 'EX', '0')).toBe("ERR invalid expire time in 'getex' command");
    expect(err('GETEX', 'k', 'PX', '9223372036854775807')).toBe("ERR invalid expire time in 'getex' command");
    expect(run('GETEX', 'k', 'PXAT', '9223372036854775807')).toBe('v');
    expect(run('PEXPIRETIME', 'k')).toBe(2n ** 63n); // LLONG_MAX to a double's precision
  });

  test('MGET - nil for missing keys and for hashes', () => {
    const { run } = harness();
    run('MSET', 'a', '1', 'b', '2');
    run('HSET', 'h', 'f', 'v');
    expect(run('MGET', 'a', 'x', 'b', 'h')).toEqual(['1', null, '2', null]);
  });

  test('MSET - odd arguments give the arity error; removes TTLs', () => {
    const { run, err } = harness();
    expect(err('MSET', 'a', '1', 'b')).toBe("ERR wrong number of arguments for 'mset' command");
    run('SET', 'a', 'x', 'EX', '10');
    expect(run('MSET', 'a', '1', 'a', '2')).toBe(OK);
    expect(run('GET', 'a')).toBe('2');
    expect(run('TTL', 'a')).toBe(-1);
  });

  test('MSETNX - all or nothing', () => {
    const { run } = harness();
    expect(run('MSETNX', 'a', '1', 'b', '2')).toBe(1);
    expect(run('MSETNX', 'b', '3', 'c', '4')).toBe(0);
    expect(run('MGET', 'a', 'b', 'c')).toEqual(['1', '2', null]);
  });

  test('APPEND - creates, appends and keeps the TTL', () => {
    const { run } = harness();
    expect(run('APPEND', 'k', 'Hello')).toBe(5);
    run('EXPIRE', 'k', '100');
    expect(run('APPEND', 'k', ' World')).toBe(11);
    expect(run('GET', 'k')).toBe('Hello World');
    expect(run('TTL', 'k')).toBe(100);
  });

  test('STRLEN - 0 for missing, WRONGTYPE for hash', () => {
    const { run, err } = harness();
    expect(run('STRLEN', 'k')).toBe(0);
    run('HSET', 'h', 'f', 'v');
    expect(err('STRLEN', 'h')).toMatch(/^WRONGTYPE/);
  });

  test('GETRANGE - Redis index rules', () => {
    const { run, err } = harness();
    run('SET', 'k', 'This is a string');
    expect(run('GETRANGE', 'k', '0', '3')).toBe('This');
    expect(run('GETRANGE', 'k', '-3', '-1')).toBe('ing');
    expect(run('GETRANGE', 'k', '0', '-1')).toBe('This is a string');
    expect(run('GETRANGE', 'k', '10', '100')).toBe('string');
    expect(run('GETRANGE', 'k', '5', '3')).toBe('');
    expect(run('GETRANGE', 'k', '-1', '-5')).toBe('');
    expect(run('GETRANGE', 'missing', '0', '-1')).toBe('');
    expect(err('GETRANGE', 'k', 'a', '1')).toBe('ERR value is not an integer or out of range');
  });

  test('SETRANGE - pads with zero bytes; empty value is a no-op; offset errors', () => {
    const { run, err } = harness({ protoMaxBulkLen: 100 });
    run('SET', 'k', 'Hello World');
    expect(run('SETRANGE', 'k', '6', 'Redis')).toBe(11);
    expect(run('GET', 'k')).toBe('Hello Redis');
    expect(run('SETRANGE', 'z', '3', 'ab')).toBe(5);
    expect(run('GET', 'z')).toBe('\0\0\0ab');
    expect(run('SETRANGE', 'none', '5', '')).toBe(0);
    expect(run('EXISTS', 'none')).toBe(0);
    expect(err('SETRANGE', 'k', '-1', 'x')).toBe('ERR offset is out of range');
    expect(err('SETRANGE', 'k', '99', 'xx')).toBe('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    // Under the default 512 MB but past V8's longest string: the same error, not V8's RangeError.
    const big = harness();
    expect(big.err('SETRANGE', 'sr', '536870900', 'x')).toBe('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
  });

  test('HGETALL on a string - WRONGTYPE; on missing - empty map', () => {
    const { run, err } = harness();
    run('SET', 's', 'v');
    expect(err('HGETALL', 's')).toMatch(/^WRONGTYPE/);
    expect(run('HGETALL', 'nope')).toEqual(new MapReply([]));
  });

  test('typed get/set - same semantics as the commands', () => {
    const { engine, clock, run } = harness();
    expect(engine.set('k', 'v')).toBe(true);
    expect(engine.set('k', 'w', { nx: true })).toBe(false);
    expect(engine.set('k', 'w', { xx: true, expiresAt: clock.now() + 5000 })).toBe(true);
    expect(engine.get('k')).toBe('w');
    expect(run('PTTL', 'k')).toBe(5000);
    expect(engine.set('k', 'x', { keepTtl: true })).toBe(true);
    expect(run('PTTL', 'k')).toBe(5000);
    expect(() => engine.set('k', 'x', { expiresAt: 0 })).toThrow("invalid expire time in 'set' command");
    expect(engine.stats().commandCalls.set).toBe(5);
  });

  test('SET ... GET and GETSET count their read as a keyspace hit or miss, OBJECT and MEMORY USAGE too (as Redis)', () => {
    const { run, engine } = harness();
    const misses: string[] = [];
    engine.onKeyEvent((event, key) => {
      if (event === 'keymiss') misses.push(key);
    });
    run('SET', 'a', '1', 'GET'); // miss
    run('SET', 'a', '2', 'GET'); // hit
    run('GETSET', 'b', '1'); // miss
    run('GETSET', 'b', '2'); // hit
    expect(engine.stats()).toMatchObject({ hits: 2, misses: 2 });
    expect(misses).toEqual(['a', 'b']);
    run('OBJECT', 'ENCODING', 'a'); // hit, no touch
    run('OBJECT', 'FREQ', 'nope'); // miss, no keymiss event
    run('MEMORY', 'USAGE', 'b'); // hit
    expect(engine.stats()).toMatchObject({ hits: 4, misses: 3 });
    expect(misses).toEqual(['a', 'b']);
  });
});
