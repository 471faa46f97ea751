// TTL commands: EXPIRE family with NX/XX/GT/LT, TTL/PTTL/EXPIRETIME, PERSIST, lazy expiry.
import { harness } from './test-support';

describe('TTL commands', () => {
  test('EXPIRE - sets a TTL; missing key gives 0', () => {
    const { run } = harness();
    expect(run('EXPIRE', 'k', '10')).toBe(0);
    run('SET', 'k', 'v');
    expect(run('EXPIRE', 'k', '10')).toBe(1);
    expect(run('TTL', 'k')).toBe(10);
    expect(run('PTTL', 'k')).toBe(10000);
  });

  test('EXPIRE - write on expire should work, key gone after the time', () => {
    const { run, clock } = harness();
    run('SET', 'k', 'v');
    run('PEXPIRE', 'k', '100');
    clock.advance(100);
    expect(run('GET', 'k')).toBe('v');
    clock.advance(1);
    expect(run('GET', 'k')).toBeNull();
    expect(run('TTL', 'k')).toBe(-2);
  });

  test('EXPIRE - a time in the past deletes the key', () => {
    const { run, records } = harness();
    run('SET', 'k', 'v');
    expect(run('EXPIRE', 'k', '-1')).toBe(1);
    expect(run('EXISTS', 'k')).toBe(0);
    expect(records.at(-1)).toMatchObject({ kind: 'del', key: 'k', reason: 'del' });
  });

  test('EXPIREAT / PEXPIREAT - absolute times', () => {
    const { run, clock } = harness();
    run('SET', 'k', 'v');
    const at = clock.now() + 5000;
    expect(run('PEXPIREAT', 'k', String(at))).toBe(1);
    expect(run('PEXPIRETIME', 'k')).toBe(at);
    expect(run('EXPIREAT', 'k', String(Math.floor(at / 1000) + 10))).toBe(1);
    expect(run('EXPIRETIME', 'k')).toBe(Math.floor(at / 1000) + 10);
  });

  test('EXPIRE - NX/XX/GT/LT', () => {
    const { run } = harness();
    run('SET', 'k', 'v');
    expect(run('EXPIRE', 'k', '100', 'XX')).toBe(0);
    expect(run('EXPIRE', 'k', '100', 'GT')).toBe(0);
    expect(run('EXPIRE', 'k', '100', 'NX')).toBe(1);
    expect(run('EXPIRE', 'k', '50', 'NX')).toBe(0);
    expect(run('EXPIRE', 'k', '50', 'GT')).toBe(0);
    expect(run('EXPIRE', 'k', '200', 'GT')).toBe(1);
    expect(run('EXPIRE', 'k', '300', 'LT')).toBe(0);
    expect(run('EXPIRE', 'k', '150', 'LT', 'XX')).toBe(1);
    expect(run('TTL', 'k')).toBe(150);
    run('SET', 'p', 'v');
    expect(run('EXPIRE', 'p', '10', 'LT')).toBe(1);
  });

  test('EXPIRE - option errors', () => {
    const { run, err } = harness();
    run('SET', 'k', 'v');
    expect(err('EXPIRE', 'k', '10', 'NX', 'XX')).toBe('ERR NX and XX, GT or LT options at the same time are not compatible');
    expect(err('EXPIRE', 'k', '10', 'GT', 'LT')).toBe('ERR GT and LT options at the same time are not compatible');
    expect(err('EXPIRE', 'k', '10', 'FOO')).toBe('ERR Unsupported option FOO');
    expect(err('EXPIRE', 'k', 'ten')).toBe('ERR value is not an integer or out of range');
    expect(err('EXPIRE', 'k', '9223372036854775807')).toBe("ERR invalid expire time in 'expire' command");
    expect(err('PEXPIRE', 'k', '9223372036854775807')).toBe("ERR invalid expire time in 'pexpire' command");
    expect(err('EXPIREAT', 'k', '9223372036854775808')).toBe('ERR value is not an integer or out of range');
    expect(err('EXPIREAT', 'k', '-9223372036854776')).toBe("ERR invalid expire time in 'expireat' command");
    expect(run('TTL', 'k')).toBe(-1);
  });

  test('EXPIRE - Redis\'s 64-bit limits: up to LLONG_MAX ms, negative times delete', () => {
    const { run } = harness();
    run('SET', 'k', 'v');
    expect(run('PEXPIREAT', 'k', '9223372036854775807')).toBe(1);
    expect(run('EXPIREAT', 'k', '9223372036854775', 'LT')).toBe(1);
    expect(run('EXPIRETIME', 'k')).toBe(9223372036854775n);
    expect(run('PEXPIRE', 'k', '-9223372036854775808')).toBe(1);
    expect(run('EXISTS', 'k')).toBe(0);
  });

  test('TTL - rounds to the nearest second like Redis', () => {
    const { run, clock } = harness();
    run('SET', 'k', 'v', 'PX', '1499');
    expect(run('TTL', 'k')).toBe(1);
    clock.advance(1000);
    expect(run('TTL', 'k')).toBe(0);
    expect(run('PTTL', 'k')).toBe(499);
  });

  test('TTL / PTTL / EXPIRETIME - -2 missing, -1 no TTL', () => {
    const { run } = harness();
    expect(run('TTL', 'k')).toBe(-2);
    expect(run('PTTL', 'k')).toBe(-2);
    expect(run('EXPIRETIME', 'k')).toBe(-2);
    run('SET', 'k', 'v');
    expect(run('TTL', 'k')).toBe(-1);
    expect(run('PEXPIRETIME', 'k')).toBe(-1);
  });

  test('PERSIST - removes a TTL once', () => {
    const { run } = harness();
    run('SET', 'k', 'v', 'EX', '10');
    expect(run('PERSIST', 'k')).toBe(1);
    expect(run('PERSIST', 'k')).toBe(0);
    expect(run('PERSIST', 'nokey')).toBe(0);
    expect(run('TTL', 'k')).toBe(-1);
  });

  test('lazy expiry - emits an expired del record and counts it', () => {
    const { run, clock, records, engine } = harness();
    run('SET', 'k', 'v', 'PX', '10');
    clock.advance(11);
    expect(run('EXISTS', 'k')).toBe(0);
    expect(records.at(-1)).toMatchObject({ kind: 'del', key: 'k', reason: 'expired' });
    expect(engine.stats().expiredKeys).toBe(1);
    expect(engine.stats().keysWithTtl).toBe(0);
  });

  test('hash TTL - EXPIRE works on hashes and HSET keeps it', () => {
    const { run } = harness();
    run('HSET', 'h', 'a', '1');
    run('EXPIRE', 'h', '100');
    run('HSET', 'h', 'b', '2');
    expect(run('TTL', 'h')).toBe(100);
  });
});
