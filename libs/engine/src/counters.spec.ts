// Counter commands: 64-bit edges, Redis's overflow errors, INCRBYFLOAT formatting.
import { harness } from './test-support';

describe('counter commands', () => {
  test('INCR - creates at 1 and keeps the TTL', () => {
    const { run } = harness();
    expect(run('INCR', 'c')).toBe(1);
    run('EXPIRE', 'c', '100');
    expect(run('INCR', 'c')).toBe(2);
    expect(run('TTL', 'c')).toBe(100);
    expect(run('GET', 'c')).toBe('2');
  });

  test('DECR / INCRBY / DECRBY - basic arithmetic', () => {
    const { run } = harness();
    expect(run('DECR', 'c')).toBe(-1);
    expect(run('INCRBY', 'c', '11')).toBe(10);
    expect(run('DECRBY', 'c', '-5')).toBe(15);
    expect(run('DECRBY', 'c', '20')).toBe(-5);
  });

  test('INCR - overflows at 2^63-1 with Redis\'s error', () => {
    const { run, err } = harness();
    run('SET', 'c', '9223372036854775806');
    expect(run('INCR', 'c')).toBe(9223372036854775807n);
    expect(err('INCR', 'c')).toBe('ERR increment or decrement would overflow');
    expect(run('GET', 'c')).toBe('9223372036854775807');
  });

  test('DECR - underflows at -2^63 with Redis\'s error', () => {
    const { run, err } = harness();
    run('SET', 'c', '-9223372036854775807');
    expect(run('DECR', 'c')).toBe(-9223372036854775808n);
    expect(err('DECR', 'c')).toBe('ERR increment or decrement would overflow');
    expect(err('INCRBY', 'c', '-1')).toBe('ERR increment or decrement would overflow');
  });

  test('DECRBY - -2^63 as the decrement is refused', () => {
    const { err } = harness();
    expect(err('DECRBY', 'c', '-9223372036854775808')).toBe('ERR decrement would overflow');
  });

  test('INCRBY - crossing the safe-integer range is exact (bigint only outside it)', () => {
    const { run } = harness();
    run('SET', 'c', '9007199254740990');
    expect(run('INCRBY', 'c', '1')).toBe(9007199254740991);
    expect(run('INCRBY', 'c', '1')).toBe(9007199254740992n);
    expect(run('INCRBY', 'c', '-2')).toBe(9007199254740990);
    expect(run('GET', 'c')).toBe('9007199254740990');
  });

  test('INCR - non-integer values and arguments', () => {
    const { run, err } = harness();
    for (const v of ['abc', '1.5', ' 1', '01', '+1', '-0', '', '99999999999999999999']) {
      run('SET', 'c', v);
      expect(err('INCR', 'c')).toBe('ERR value is not an integer or out of range');
    }
    expect(err('INCRBY', 'n', 'x')).toBe('ERR value is not an integer or out of range');
    expect(err('INCRBY', 'n', '9223372036854775808')).toBe('ERR value is not an integer or out of range');
    run('HSET', 'h', 'f', '1');
    expect(err('INCR', 'h')).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
  });

  test('INCRBYFLOAT - Redis formatting', () => {
    const { run } = harness();
    run('SET', 'f', '10.50');
    expect(run('INCRBYFLOAT', 'f', '0.1')).toBe('10.6');
    expect(run('INCRBYFLOAT', 'f', '-5')).toBe('5.6');
    run('SET', 'g', '5.0e3');
    expect(run('INCRBYFLOAT', 'g', '2.0e2')).toBe('5200');
    expect(run('INCRBYFLOAT', 'z', '1e-7')).toBe('0.0000001');
    expect(run('INCRBYFLOAT', 'y', '3')).toBe('3');
    expect(run('INCRBYFLOAT', 'y', '-3')).toBe('0');
    expect(run('INCRBYFLOAT', 'big', '1e20')).toBe('100000000000000000000');
    expect(run('GET', 'f')).toBe('5.6');
  });

  test('INCRBYFLOAT - no NaN or Infinity; invalid floats; checks in Redis\'s order', () => {
    const { run, err } = harness();
    run('SET', 'f', '1');
    expect(err('INCRBYFLOAT', 'f', 'inf')).toBe('ERR increment would produce NaN or Infinity');
    expect(err('INCRBYFLOAT', 'f', 'nan')).toBe('ERR value is not a valid float');
    expect(err('INCRBYFLOAT', 'f', 'abc')).toBe('ERR value is not a valid float');
    expect(err('INCRBYFLOAT', 'f', '1e5000')).toBe('ERR value is not a valid float');
    run('SET', 'f', '1.1e4932');
    expect(err('INCRBYFLOAT', 'f', '1.1e4932')).toBe('ERR increment would produce NaN or Infinity');
    run('SET', 's', 'text');
    expect(err('INCRBYFLOAT', 's', '1')).toBe('ERR value is not a valid float');
    expect(run('GET', 'f')).toBe('1.1e4932');
    // As Redis: the type, then the stored value, then the increment.
    run('HSET', 'h', 'a', '1');
    expect(err('INCRBYFLOAT', 'h', 'abc')).toMatch(/^WRONGTYPE/);
    expect(err('INCRBYFLOAT', 's', 'abc')).toBe('ERR value is not a valid float');
  });

  test('INCRBYFLOAT - 80-bit long double results, as Redis on x86-64', () => {
    const { run } = harness();
    run('SET', 'n', '-9223372036854775808');
    expect(run('INCRBYFLOAT', 'n', '.5')).toBe('-9223372036854775807.5');
    expect(run('INCRBYFLOAT', 'x', '0x10')).toBe('16');
    expect(run('INCRBYFLOAT', 'x', '1e20')).toBe('100000000000000000016');
    expect(run('INCRBYFLOAT', 'y', '0.1')).toBe('0.1');
    expect(run('INCRBYFLOAT', 'y', '0.2')).toBe('0.3');
  });

  test('incrBy typed - same result and records as INCRBY', () => {
    const { engine, records } = harness();
    expect(engine.incrBy('c', 5)).toBe(5);
    expect(engine.incrBy('c', -7)).toBe(-2);
    expect(() => engine.incrBy('c', 1.5)).toThrow('value is not an integer or out of range');
    expect(records.map((r) => r.kind === 'string' && r.value)).toEqual(['5', '-2']);
  });
});
