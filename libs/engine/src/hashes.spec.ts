// Hash commands: field semantics, counters on fields, errors, encodings.
import { MapReply, OK } from './reply';
import { harness } from './test-support';

describe('hash commands', () => {
  test('HSET - counts new fields; odd pairs are an arity error', () => {
    const { run, err } = harness();
    expect(run('HSET', 'h', 'a', '1', 'b', '2')).toBe(2);
    expect(run('HSET', 'h', 'a', '3', 'c', '4')).toBe(1);
    expect(err('HSET', 'h', 'a', '1', 'b')).toBe("ERR wrong number of arguments for 'hset' command");
    expect(err('HSET', 'h', 'a')).toBe("ERR wrong number of arguments for 'hset' command");
    expect(run('HGETALL', 'h')).toEqual(new MapReply(['a', '3', 'b', '2', 'c', '4']));
  });

  test('HMSET - replies OK', () => {
    const { run } = harness();
    expect(run('HMSET', 'h', 'a', '1')).toBe(OK);
  });

  test('HSETNX - only a missing field', () => {
    const { run } = harness();
    expect(run('HSETNX', 'h', 'f', '1')).toBe(1);
    expect(run('HSETNX', 'h', 'f', '2')).toBe(0);
    expect(run('HGET', 'h', 'f')).toBe('1');
  });

  test('HGET / HMGET / HEXISTS / HLEN / HSTRLEN', () => {
    const { run } = harness();
    run('HSET', 'h', 'a', 'xyz', 'b', '')
    expect(run('HGET', 'h', 'a')).toBe('xyz');
    expect(run('HGET', 'h', 'zz')).toBeNull();
    expect(run('HGET', 'nope', 'a')).toBeNull();
    expect(run('HMGET', 'h', 'a', 'x', 'b')).toEqual(['xyz', null, '']);
    expect(run('HMGET', 'nope', 'a')).toEqual([null]);
    expect(run('HEXISTS', 'h', 'b')).toBe(1);
    expect(run('HEXISTS', 'h', 'c')).toBe(0);
    expect(run('HLEN', 'h')).toBe(2);
    expect(run('HLEN', 'nope')).toBe(0);
    expect(run('HSTRLEN', 'h', 'a')).toBe(3);
    expect(run('HSTRLEN', 'h', 'q')).toBe(0);
  });

  test('HKEYS / HVALS - insertion order', () => {
    const { run } = harness();
    run('HSET', 'h', 'x', '1', 'y', '2');
    expect(run('HKEYS', 'h')).toEqual(['x', 'y']);
    expect(run('HVALS', 'h')).toEqual(['1', '2']);
    expect(run('HKEYS', 'none')).toEqual([]);
  });

  test('HDEL - removes fields; deleting the last field deletes the key', () => {
    const { run } = harness();
    run('HSET', 'h', 'a', '1', 'b', '2');
    expect(run('HDEL', 'h', 'a', 'zz', 'a')).toBe(1);
    expect(run('EXISTS', 'h')).toBe(1);
    expect(run('HDEL', 'h', 'b')).toBe(1);
    expect(run('EXISTS', 'h')).toBe(0);
    expect(run('HDEL', 'h', 'b')).toBe(0);
  });

  test('HINCRBY - integer fields with overflow and type errors', () => {
    const { run, err } = harness();
    expect(run('HINCRBY', 'h', 'n', '5')).toBe(5);
    expect(run('HINCRBY', 'h', 'n', '-10')).toBe(-5);
    run('HSET', 'h', 's', 'abc', 'max', '9223372036854775807');
    expect(err('HINCRBY', 'h', 's', '1')).toBe('ERR hash value is not an integer');
    expect(err('HINCRBY', 'h', 'max', '1')).toBe('ERR increment or decrement would overflow');
    expect(err('HINCRBY', 'h', 'n', 'x')).toBe('ERR value is not an integer or out of range');
    expect(run('HGET', 'h', 'n')).toBe('-5');
  });

  test('HINCRBYFLOAT - formatting and errors', () => {
    const { run, err } = harness();
    run('HSET', 'h', 'f', '10.50', 's', 'x');
    expect(run('HINCRBYFLOAT', 'h', 'f', '0.1')).toBe('10.6');
    expect(run('HINCRBYFLOAT', 'h', 'new', '2.5e2')).toBe('250');
    expect(err('HINCRBYFLOAT', 'h', 's', '1')).toBe('ERR hash value is not a float');
    expect(err('HINCRBYFLOAT', 'h', 'f', 'x')).toBe('ERR value is not a valid float');
    expect(err('HINCRBYFLOAT', 'h', 'f', 'inf')).toBe('ERR value is NaN or Infinity');
    // Long double results (Redis on x86-64), and the increment checked before the key's type.
    expect(run('HINCRBYFLOAT', 'h', 'big', '9223372036854775807')).toBe('9223372036854775807');
    expect(run('HINCRBYFLOAT', 'h', 'big', '10.5')).toBe('9223372036854775818');
    expect(run('HINCRBYFLOAT', 'h', 'hex', '0x1p-2')).toBe('0.25');
    run('SET', 'str', 'v');
    expect(err('HINCRBYFLOAT', 'str', 'f', 'x')).toBe('ERR value is not a valid float');
    expect(err('HINCRBYFLOAT', 'str', 'f', '1')).toMatch(/^WRONGTYPE/);
    run('HSET', 'h', 'top', '1.1e4932');
    expect(err('HINCRBYFLOAT', 'h', 'top', '1.1e4932')).toBe('ERR increment would produce NaN or Infinity');
  });

  test('hash commands on a string - WRONGTYPE', () => {
    const { run, err } = harness();
    run('SET', 's', 'v');
    for (const argv of [['HSET', 's', 'f', 'v'], ['HGET', 's', 'f'], ['HDEL', 's', 'f'], ['HLEN', 's'], ['HINCRBY', 's', 'f', '1'], ['HSCAN', 's', '0']]) {
      expect(err(...argv)).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
    }
    expect(run('GET', 's')).toBe('v');
  });

  test('OBJECT ENCODING - listpack until 128 fields or a 64-byte value, then hashtable for good', () => {
    const { run } = harness();
    run('HSET', 'h', 'f', 'v');
    expect(run('OBJECT', 'ENCODING', 'h')).toBe('listpack');
    run('HSET', 'h', 'big', 'x'.repeat(65));
    expect(run('OBJECT', 'ENCODING', 'h')).toBe('hashtable');
    run('HDEL', 'h', 'big');
    expect(run('OBJECT', 'ENCODING', 'h')).toBe('hashtable');
    const args = ['HSET', 'm'];
    for (let i = 0; i < 129; i++) args.push(`f${i}`, 'v');
    run(...args);
    expect(run('OBJECT', 'ENCODING', 'm')).toBe('hashtable');
  });

  test('hgetall typed - flat list or null', () => {
    const { engine, run } = harness();
    expect(engine.hgetall('h')).toBeNull();
    run('HSET', 'h', 'a', '1');
    expect(engine.hgetall('h')).toEqual(['a', '1']);
  });
});
