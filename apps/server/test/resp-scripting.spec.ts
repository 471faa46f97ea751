// Lua scripting (EVAL, EVALSHA, SCRIPT): replies and error texts against a real redis-server 7,
// then what users run through it: ioredis's defineCommand and the rate-limit libraries
// rate-limiter-flexible, express-rate-limit + rate-limit-redis and @fastify/rate-limit.

import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import Redis from 'ioredis';
import { RedisStore } from 'rate-limit-redis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RespValue } from '@mnemo/protocol';
import { RawClient, startRespServer, useMnemoAndRedis } from './support/resp-support';

jest.setTimeout(60_000);

const servers = useMnemoAndRedis();

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

/** Runs the commands on a fresh connection to each server; returns [mnemo replies, redis replies]. */
async function both(steps: string[][]): Promise<[RespValue[], RespValue[]]> {
  const out: RespValue[][] = [];
  for (const port of [servers.mnemo.port, servers.redis.port]) {
    const client = await RawClient.connect(port);
    const replies: RespValue[] = [];
    for (const argv of steps) replies.push(await client.command(...argv));
    client.close();
    out.push(replies);
  }
  return [out[0], out[1]];
}

const EVAL = (script: string, ...keysThenArgs: string[]): string[] => ['EVAL', script, ...keysThenArgs];

describe('EVAL replies and errors, the same as redis-server 7', () => {
  const cases: Record<string, string[][]> = {
    'Lua values to replies': [
      EVAL('return nil', '0'),
      EVAL('return false', '0'),
      EVAL('return true', '0'),
      EVAL('return 42', '0'),
      EVAL('return {1.5, -0.5, 1e20, -7.9}', '0'),
      EVAL("return {1, 2, 'a', nil, 4}", '0'),
      EVAL("return {1, {2, {3, 'x'}}, {}}", '0'),
      EVAL("return {ok = 'fine'}", '0'),
      EVAL("return {err = 'My Error'}", '0'),
      EVAL("return {ok = 'x', err = 'both'}", '0'),
      EVAL("return {1, nil, 3, err = 'holes and an error'}", '0'),
      EVAL("return {1, 2, ok = 'a status'}", '0'),
      EVAL("return {1, {2, err = 'inner'}, {}, {ok = 'x'}}", '0'),
      EVAL("return redis.status_reply('FINE')", '0'),
      EVAL("return redis.error_reply('boom')", '0'),
      EVAL("return redis.error_reply('WRONGTYPE custom')", '0'),
      EVAL("return redis.error_reply('-boom x')", '0'),
      EVAL("return redis.sha1hex('')", '0'),
      EVAL("return {tostring(0/0), tostring(-(0/0)), tostring(1/0), tostring(-1/0), string.format('%g|%f|%.3e|%6.1f|', 1/0, -1/0, 0/0, 1/0)}", '0'),
      EVAL("return {redis.sha1hex(12), redis.sha1hex('abc'), string.format('%5.1s|%-4s|', 'xyz', 'ab')}", '0'),
      EVAL('return redis.sha1hex()', '0'),
      EVAL('redis.log(1)', '0'),
      EVAL("redis.log('x', 'a')", '0'),
      EVAL("redis.log(9, 'a')", '0'),
      EVAL("return {pcall(redis.log, 1)}", '0'),
      EVAL("return redis.log(3.5, 'a', {}, 5, nil, 'b')", '0'),
      EVAL("return 'x' .. 5", '0'),
      // Lua 5.1's numbers (all doubles): past 2^31, fengari's 32-bit integers wrapped
      EVAL('return {2147483647 + 1, 65536 * 65536, -(-2147483647 - 1), 1764000000 * 1000 + 123, 46341 * 46341, math.floor(2^40 + 0.5)}', '0'),
      EVAL("local t = redis.call('TIME') return {t[1] * 1000 > 1700000000000, tonumber(t[1]) * 1000000 + t[2] > 1700000000000000}", '0'),
      EVAL("local n = 0 for i = 2147483640, 2147483647 do n = n + 1 end return {n, string.format('%d %5i %d %x', 2^40, 3.7, -2^40, 255), 1764000000 * 1000 .. ':' .. 2^31}", '0'),
      EVAL("return string.format('%-#12.2e|%g|%.0f|%.2f|%#x|%5.1e|%x|%d|%+08.2f|%G|%.17g|%o', 1/3, 1e15, 2.5, 0.125, 255, 3, -1, 2^63, -3.14159, 1e-10, 0.1, 8)", '0'),
      EVAL("return {string.sub('abcdef', 2, 5.7), string.sub('abcdef', 1, 2^31), string.sub('abcdef', 0/0), string.rep('ab', 2.9), select('#', string.byte('abc', 1.5, 2^53))}", '0'),
      EVAL("return {tostring(tonumber('inf')), tostring(tonumber(' -Infinity ')), tostring(tonumber('nan')), tostring(0xffffffff), tostring(tonumber('0x100000000')), tostring(tonumber('infx')), tostring(3 % 0.1), tostring(-7.5 % 2), tostring(5.5 % -2)}", '0'),
      EVAL('return x +', '0'),
      EVAL("return {string.find('abc', '', 10), string.find('abc', 'c', 10), string.match('abc', '()', 10), (string.gsub('abc', '', '-'))}", '0'),
      EVAL("local n = 0 for i = 2147483640, 2147483650 do n = n + 1 end local t = {} for i = 0, 3000000000, 1000000000 do t[#t+1] = i end local m = 0 for i = -2147483640, -2147483650, -1 do m = m + 1 end return {n, t[4], m}", '0'),
      EVAL("return {tonumber('ffffffff', 16), tonumber('100000000000', 10), tonumber('zzzzzzz', 36), tonumber('-7f', 16), tonumber(' 12 ', 10), tonumber(5, 10), tonumber('x', 10), select(2, pcall(select, 0, 1)), select(2, pcall(string.rep))}", '0'),
      EVAL("return {string.format('%s', 'x\\0y'), string.format('%5s|%-5s|%.2s', 'x\\0y', 'ab', 'x\\0y'), string.format('%q', 'a\\r\\1\\0b\"\\\\\\n'), string.format('%q', 1/3), string.format('%s', 12.5), #string.format('%s', string.rep('a', 100) .. '\\0b')}", '0'),
      EVAL("return string.format('%s', nil)", '0'),
      EVAL("return string.format('%q', true)", '0'),
      EVAL('return {tostring(2^60), tostring(-0.0), tostring(1764000000000000), tostring(1/3), tostring(123456789012345), tostring(10 / 2), tostring(1e-5), tostring(5 % 0), tostring(2^53)}', '0'),
      EVAL('return unpack({1, 2})', '0'),
      EVAL('return {table.getn({1, 2, 3}), math.pow(2, 3)}', '0'),
    ],
    'bit, cjson and what Lua 5.1 has that 5.3 dropped': [
      EVAL("return {bit.band(0xff, 0x0f, 0x3), bit.bor(1, 2, 4), bit.bxor(5, 3), bit.bnot(0), bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.rol(0x12345678, 8), bit.ror(0x12345678, 8), bit.bswap(0x12345678), bit.tobit(2^32 + 5), bit.tobit(2.5), bit.tobit(3.5), bit.tobit(1e300), bit.tobit(2^53), bit.tobit(-2^40 - 3), bit.tobit(0/0)}", '0'),
      EVAL("return {bit.tohex(255), bit.tohex(-1, -4), bit.tohex(0x12345678, 3), bit.tohex(1, 20)}", '0'),
      EVAL('return bit.band()', '0'),
      EVAL("return {cjson.encode({1, 2, 'a'}), cjson.encode({}), cjson.encode({a = 'x/y\"z\\n'}), cjson.encode({1, nil, 3}), cjson.encode({[1.5] = true}), cjson.encode({n = cjson.null}), cjson.encode('\\1\\127\\200\\t'), cjson.encode(2^60), cjson.encode(1e20), cjson.encode(nil), cjson.encode(3), cjson.encode({{}, {{}}})}", '0'),
      EVAL('return cjson.encode({[1] = 1, [20] = 3})', '0'),
      EVAL('return cjson.encode(0/0)', '0'),
      EVAL('return cjson.encode(print or type)', '0'),
      EVAL('return cjson.encode({[true] = 1})', '0'),
      EVAL('local t = {} t[1] = t return cjson.encode(t)', '0'),
      EVAL('return cjson.encode()', '0'),
      EVAL('return cjson.encode(1, 2)', '0'),
      EVAL("local t = cjson.decode('{\"a\":{\"b\":[1,null,true,\"\\\\u00e9\\\\ud83d\\\\ude00\"]}, \"c\": -1.5e3}') return {t.a.b[1], tostring(t.a.b[2] == cjson.null), tostring(t.a.b[3]), t.a.b[4], t.c, cjson.encode(t.a.b)}", '0'),
      EVAL("return cjson.decode('[1.5e3, -0, 0x10, 1e400, +1, 01, Infinity, -inf, NaN]')", '0'),
      EVAL("return {cjson.decode(5), cjson.decode(' \"a\\tb\" '), type(cjson.decode('[]')), cjson.encode(cjson.decode('{}'))}", '0'),
      ...['', '[1,', '{"a" 1}', '{1:2}', '[1] x', 'nul', '"\\u12"', '"a', '"\\x"', '[.5]', '"\\ud800"', '"\\udc00"', '[1 2]', '{"a":1 "b"}', 'x', '{"a":}', '[', '"a\u0000b"', 'true false'].map((json) => EVAL('return cjson.decode(ARGV[1])', '0', json)),
      EVAL("return cjson.decode(string.rep('[', 1001) .. string.rep(']', 1001))", '0'),
      EVAL("return #cjson.encode(cjson.decode(string.rep('[', 1000) .. string.rep(']', 1000)))", '0'),
      EVAL('return cjson.decode({})', '0'),
      EVAL("return rawset(_G, 'x', 1)", '0'),
      EVAL("return rawset(string, 'x', 1)", '0'),
      EVAL("return rawset(redis, 'call', 1)", '0'),
      EVAL('return rawset(nil, 1, 2)', '0'),
      EVAL("local t = {} return {rawset(t, 'a', 5) == t, t.a, redis.breakpoint(), redis.debug('x')}", '0'),
      EVAL("return {table.maxn({1, 2, [7] = 1}), table.foreachi({5, 6}, function(i, v) if v == 6 then return i end end), math.mod(7, 3), math.log10(1000), math.ldexp(0.5, 4), {math.frexp(40)}, math.floor(math.atan2(1, 1) * 1000), math.floor(math.cosh(1) * 1000), math.floor(math.tanh(0.5) * 1000), string.gfind('a b', '%a')()}", '0'),
    ],
    'replies to Lua values': [
      ['FLUSHALL'],
      ['HSET', 'h', 'a', '1', 'b', '2'],
      EVAL("return redis.call('hgetall', KEYS[1])", '1', 'h'),
      EVAL("return type(redis.call('get', 'missing'))", '0'),
      EVAL("return redis.call('set', KEYS[1], ARGV[1])", '1', 'k', 'v'),
      EVAL("local r = redis.call('set', KEYS[1], 'v') return r.ok", '1', 'k'),
      EVAL("return redis.call('incrbyfloat', KEYS[1], '1.5')", '1', 'f'),
      EVAL("return redis.call('incrby', KEYS[1], 2147483647) + 0", '1', 'big'),
      EVAL("return tostring(redis.call('incrby', KEYS[1], 1) == 2147483648)", '1', 'big'),
      EVAL("return {#KEYS, #ARGV, KEYS[2], ARGV[2]}", '2', 'k1', 'k2', 'a1', 'a2'),
      EVAL("redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])", '1', 'bin\u00ff\u0000', 'v\u0000\u00ff\u00e9'),
      ['GET', 'bin\u00ff\u0000'],
      EVAL("return redis.call('set', KEYS[1], 0.1)", '1', 'num'),
      ['GET', 'num'],
      EVAL("redis.call('set', KEYS[1], 3.0) return redis.call('get', KEYS[1])", '1', 'num'),
      EVAL("redis.call('set', KEYS[1], 2^53) return redis.call('get', KEYS[1])", '1', 'num'),
      EVAL("redis.call('set', KEYS[1], 1e20) return redis.call('get', KEYS[1])", '1', 'num'),
    ],
    'the rate-limit pattern: INCR, PEXPIRE on the first hit, PTTL': [
      ['FLUSHALL'],
      EVAL("local c = redis.call('incr', KEYS[1]) if c == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end return {c, redis.call('pttl', KEYS[1]) > 0}", '1', 'rl', '60000'),
      EVAL("local c = redis.call('incr', KEYS[1]) if c == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end return {c, redis.call('pttl', KEYS[1]) > 0}", '1', 'rl', '60000'),
      EVAL("return redis.call('set', KEYS[1], 0, 'EX', 60, 'NX')", '1', 'rl'),
      EVAL("return redis.call('set', KEYS[1], 0, 'EX', 60, 'NX')", '1', 'fresh'),
    ],
    'errors raised by redis.call and by the script': [
      ['SET', 's', 'abc'],
      EVAL("return redis.call('incr', 's')", '0'),
      EVAL("return redis.pcall('incr', 's')", '0'),
      EVAL("return redis.pcall('incr', 's')['err']", '0'),
      EVAL("return redis.call('hget', 's', 'f')", '0'),
      EVAL("return redis.call('nope')", '0'),
      EVAL("return redis.pcall('nope')", '0'),
      EVAL("return redis.call('get')", '0'),
      EVAL('return redis.call()', '0'),
      EVAL("return redis.call('set', 'k', {})", '0'),
      EVAL("return redis.call('subscribe', 'x')", '0'),
      EVAL("return redis.call('eval', 'return 1', '0')", '0'),
      EVAL('return foo', '0'),
      EVAL('x = 1', '0'),
      EVAL("\nlocal a = 1\nreturn error('plain')", '0'),
      EVAL("return error({err = 'TABLEERR x'})", '0'),
      ['EVAL_RO', "return redis.call('set', 'a', 'b')", '0'],
      ['EVAL_RO', "return redis.call('get', 's')", '0'],
      EVAL('return 1', '-1'),
      EVAL('return 1', '3', 'a'),
      EVAL('return 1', 'x'),
    ],
    'pcall hands redis.call errors over as strings; connection commands and effects replication': [
      ['SET', 's', 'abc'],
      EVAL("local ok, e = pcall(redis.call, 'incr', 's') return {tostring(ok), type(e), e}", '0'),
      EVAL("local ok, e = pcall(redis.call, 'nosuch') return {type(e), e}", '0'),
      EVAL("local ok, e = pcall(error, {err = 'MY code'}) return {type(e), e}", '0'),
      EVAL("local ok, e = pcall(error, {1, 2}) return type(e)", '0'),
      EVAL("local ok, e = xpcall(function() redis.call('incr', 's') end, function(m) return type(m) end) return e", '0'),
      EVAL('return {pcall(function() return 1, 2, 3 end)}', '0'),
      EVAL("local t = redis.call('TIME') return {#t, tonumber(t[1]) > 1700000000, tonumber(t[2]) < 1000000}", '0'),
      EVAL("return {redis.call('PING'), redis.call('PING', 'x'), redis.call('ECHO', 'y'), redis.call('PUBLISH', 'nobody', 'm'), redis.call('SELECT', '0')}", '0'),
      EVAL("return redis.call('SELECT', 'x')", '0'),
      EVAL('return {redis.replicate_commands(), redis.set_repl(redis.REPL_ALL), redis.setresp(2)}', '0'),
      EVAL('return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL}', '0'),
      EVAL('redis.set_repl(9)', '0'),
      EVAL("return {1, redis.error_reply('MY fault'), {2, {err = 'DEEP down'}}, redis.status_reply('fine')}", '0'),
    ],
    'SCRIPT and EVALSHA': [
      ['SCRIPT', 'FLUSH'],
      ['EVALSHA', sha1('return 7'), '0'],
      ['SCRIPT', 'LOAD', 'return 7'],
      ['SCRIPT', 'EXISTS', sha1('return 7'), sha1('return 8'), sha1('return 7').toUpperCase()],
      ['EVALSHA', sha1('return 7').toUpperCase(), '0'],
      EVAL('return 8', '0'),
      ['EVALSHA_RO', sha1('return 8'), '0'],
      ['SCRIPT', 'FLUSH', 'ASYNC'],
      ['SCRIPT', 'EXISTS', sha1('return 7')],
      ['SCRIPT', 'FLUSH', 'NOW'],
      ['SCRIPT', 'KILL'],
      ['SCRIPT', 'NOPE'],
      ['SCRIPT', 'LOAD'],
      ['EVALSHA', 'abc', '0'],
    ],
  };
  for (const [name, steps] of Object.entries(cases)) {
    it(name, async () => {
      const [mnemo, redis] = await both(steps);
      expect(mnemo).toEqual(redis);
    });
  }

  it('a syntax error is refused at EVAL and at SCRIPT LOAD, naming the line', async () => {
    const client = await RawClient.connect(servers.mnemo.port);
    expect(await client.command('EVAL', 'return 1 +', '0')).toEqual({
      type: 'error',
      value: expect.stringMatching(/^ERR Error compiling script \(new function\): user_script:1: unexpected symbol near/),
    });
    expect(await client.command('SCRIPT', 'LOAD', 'local x =\n\nfoo(')).toMatchObject({ type: 'error', value: expect.stringContaining('user_script:3:') });
    client.close();
  });
});

describe('a script is one atomic step of the keyspace', () => {
  it('its writes fire WATCH and keyspace notifications, and survive a restart under appendfsync always', async () => {
    const mnemo = await startRespServer(['--appendfsync', 'always', '--notify-keyspace-events', 'KEA']);
    const watcher = new Redis({ port: mnemo.port, host: '127.0.0.1' });
    const subscriber = new Redis({ port: mnemo.port, host: '127.0.0.1' });
    const scripter = new Redis({ port: mnemo.port, host: '127.0.0.1' });
    try {
      const events: string[] = [];
      await subscriber.psubscribe('__keyevent@0__:*');
      subscriber.on('pmessage', (_pattern: string, channel: string, key: string) => events.push(`${channel.split(':')[1]} ${key}`));
      await watcher.watch('w');
      await scripter.eval("redis.call('set', KEYS[1], 'by-script') redis.call('hset', KEYS[2], 'f', 'v') return 1", 2, 'w', 'h');
      expect(await watcher.multi().set('w', 'by-watcher').exec()).toBeNull();
      const deadline = Date.now() + 3000;
      while (events.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(events).toEqual(['set w', 'hset h']);
    } finally {
      for (const client of [watcher, subscriber, scripter]) client.disconnect();
      await mnemo.close({ keepDir: true });
    }
    const again = await startRespServer([], mnemo.dir);
    const client = new Redis({ port: again.port, host: '127.0.0.1' });
    try {
      expect(await client.get('w')).toBe('by-script');
      expect(await client.hget('h', 'f')).toBe('v');
    } finally {
      client.disconnect();
      await again.close();
    }
  });

  it('a script that loops is stopped at its time limit with an error; other clients are served after it', async () => {
    const looping = await RawClient.connect(servers.mnemo.port);
    const other = await RawClient.connect(servers.mnemo.port);
    const started = Date.now();
    looping.send('EVAL', "redis.call('set', 'before-loop', '1') while true do end", '0');
    other.send('PING');
    const [stopped] = await looping.read(1, 15_000); // the server runs in this process: the test waits with it
    expect(stopped).toEqual({ type: 'error', value: expect.stringMatching(/^ERR Script ran for more than 5000 ms and was stopped; writes it made stay script: [0-9a-f]{40}/) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4900);
    expect((await other.read(1))[0]).toEqual({ type: 'simple', value: 'PONG' });
    expect(await other.command('GET', 'before-loop')).toEqual({ type: 'bulk', value: '1' });
    looping.close();
    other.close();
  });

  it('a string past 512 MB stops the script; the server keeps running (the memory limit: lua-scripts.spec.ts)', async () => {
    const client = await RawClient.connect(servers.mnemo.port);
    expect(await client.command('EVAL', "return string.rep('x', 2^30)", '0')).toEqual({ type: 'error', value: expect.stringContaining('buffer too large') });
    // V8's longest string is 25 bytes under 512 MB: a table key or a comparison needs one char more
    expect(await client.command('EVAL', "return #string.rep('x', 536870888)", '0')).toEqual({ type: 'error', value: expect.stringContaining('buffer too large') });
    const concat = "local s = string.rep('x', 2^27) return #(s .. s .. s .. s .. s)"; // 128 MB, then 640
    expect(await client.command('EVAL', concat, '0')).toEqual({ type: 'error', value: expect.stringContaining('string length overflow') });
    expect(await client.command('PING')).toEqual({ type: 'simple', value: 'PONG' });
    client.close();
  });
});

describe('clients and libraries that run scripts', () => {
  let redis: Redis;
  beforeEach(async () => {
    redis = new Redis({ port: servers.mnemo.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
    await redis.flushall();
  });
  afterEach(() => redis.disconnect());

  it("ioredis defineCommand: EVALSHA, and EVAL again after SCRIPT FLUSH answers NOSCRIPT", async () => {
    redis.defineCommand('hitAndTtl', {
      numberOfKeys: 1,
      lua: "local c = redis.call('incr', KEYS[1]) if c == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end return {c, redis.call('pttl', KEYS[1])}",
    });
    const hit = (key: string): Promise<[number, number]> => (redis as unknown as { hitAndTtl(key: string, ms: number): Promise<[number, number]> }).hitAndTtl(key, 60_000);
    expect((await hit('user:1'))[0]).toBe(1);
    await redis.script('FLUSH');
    const [count, ttl] = await hit('user:1');
    expect(count).toBe(2);
    expect(ttl).toBeGreaterThan(59_000);
    expect(await redis.pipeline().incr('n').evalsha(sha1('nope'), 0).incr('n').exec()).toEqual([
      [null, 1],
      [expect.objectContaining({ message: 'NOSCRIPT No matching script. Please use EVAL.' }), undefined],
      [null, 2],
    ]);
  });

  it('rate-limiter-flexible RateLimiterRedis: 20 concurrent consumes against 5 points admit exactly 5', async () => {
    const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: 'rlf', points: 5, duration: 60 });
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => limiter.consume('client-a')));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(5);
    const refused = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(RateLimiterRes);
    expect((refused.reason as RateLimiterRes).msBeforeNext).toBeGreaterThan(59_000);
    expect(await limiter.get('client-a')).toMatchObject({ consumedPoints: 20, remainingPoints: 0 });
    expect(await limiter.penalty('client-b', 2)).toMatchObject({ consumedPoints: 2 });
    expect(await limiter.reward('client-b', 1)).toMatchObject({ consumedPoints: 1 });
    expect(await limiter.delete('client-a')).toBe(true);
    expect(await limiter.consume('client-a')).toMatchObject({ consumedPoints: 1, remainingPoints: 4 });
  });

  it('express-rate-limit with rate-limit-redis: the fourth request of a limit of 3 is 429', async () => {
    const app = express();
    app.use(
      rateLimit({
        windowMs: 60_000,
        limit: 3,
        standardHeaders: 'draft-7',
        legacyHeaders: false,
        store: new RedisStore({ sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as never, prefix: 'erl:' }),
      }),
    );
    app.get('/', (_request, response) => {
      response.send('ok');
    });
    const http = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => http.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await fetch(url)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(await redis.get('erl:::ffff:127.0.0.1')) || Number(await redis.get('erl:127.0.0.1'))).toBe(5);
    } finally {
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it('@fastify/rate-limit with its Redis store: over the limit is 429, with the count in Mnemo', async () => {
    const app = Fastify();
    await app.register(fastifyRateLimit, { max: 3, timeWindow: 60_000, redis, nameSpace: 'frl-' });
    app.get('/', async () => 'ok');
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/`;
      const responses = [];
      for (let i = 0; i < 5; i++) responses.push(await fetch(url));
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 429, 429]);
      expect(responses[1].headers.get('x-ratelimit-remaining')).toBe('1');
      expect(Number(await redis.get('frl-127.0.0.1'))).toBe(5);
      expect(await redis.pttl('frl-127.0.0.1')).toBeGreaterThan(59_000);
    } finally {
      await app.close();
    }
  });
});
