// Real clients against the RESP listener: ioredis (pipelines, MULTI, pub/sub keyspace events),
// redis-cli from Debian's redis-tools, and express-session + connect-redis storing sessions.

import { execFile } from 'node:child_process';
import { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import express from 'express';
import session from 'express-session';
import Redis from 'ioredis';
import RedisStore from 'connect-redis';
import { RespTestServer, startRespServer } from './support/resp-support';

const run = promisify(execFile);

let mnemo: RespTestServer;
const opened: Redis[] = [];

function client(): Redis {
  const redis = new Redis({ host: '127.0.0.1', port: mnemo.port, lazyConnect: false, maxRetriesPerRequest: 1, retryStrategy: () => null });
  opened.push(redis);
  return redis;
}

beforeAll(async () => {
  mnemo = await startRespServer();
});

afterAll(async () => {
  for (const redis of opened) redis.disconnect();
  await mnemo.close();
});

describe('ioredis', () => {
  it('with db: 3 (a database Mnemo lacks), refuses its data commands instead of running them on database 0', async () => {
    const errors: string[] = [];
    const redis = new Redis({ host: '127.0.0.1', port: mnemo.port, db: 3, maxRetriesPerRequest: 1, retryStrategy: () => null });
    opened.push(redis);
    redis.on('error', (error: Error) => errors.push(error.message)); // ioredis only reports the refused SELECT here
    await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
    await expect(redis.set('db3:key', 'v')).rejects.toThrow(/asked for database 3, which Mnemo does not have/);
    await expect(redis.flushdb()).rejects.toThrow(/asked for database 3/);
    expect(await redis.ping()).toBe('PONG'); // connection commands still run
    const zero = client();
    expect(await zero.exists('db3:key')).toBe(0);
    // Back on database 0 by choice: commands run again.
    expect(await redis.select(0)).toBe('OK');
    expect(await redis.set('db3:key', 'now in 0')).toBe('OK');
    expect(await zero.get('db3:key')).toBe('now in 0');
    expect(errors.join('\n')).toMatch(/DB index is out of range/);
    // Inside MULTI the SELECT fails only at EXEC: the SET queued after it is refused there too.
    const results = await redis.multi().select(5).set('multi:db5', 'v').exec();
    expect(results?.map(([error]) => error?.message)).toEqual([expect.stringMatching(/DB index is out of range/), expect.stringMatching(/asked for database 5/)]);
    expect(await zero.exists('multi:db5')).toBe(0);
    // Once data commands have run, a refused SELECT outside MULTI is only an error, as in Redis
    // with one database: the connection goes on in database 0 (node-redis, whose select() failed,
    // would otherwise be left with a connection that refuses everything and no way to know).
    await expect(redis.select(1)).rejects.toThrow(/DB index is out of range/);
    expect(await redis.set('after:select', 'v')).toBe('OK');
    expect(await zero.get('after:select')).toBe('v');
  });

  it('a SELECT refused inside the first transaction of a fresh connection refuses its data commands after EXEC too', async () => {
    const fresh = client();
    const results = await fresh.multi().select(3).set('fresh:db3', 'v').exec();
    expect(results?.map(([error]) => error?.message)).toEqual([expect.stringMatching(/DB index is out of range/), expect.stringMatching(/asked for database 3/)]);
    await expect(fresh.get('fresh:db3')).rejects.toThrow(/asked for database 3/);
    expect(await fresh.select(0)).toBe('OK');
    expect(await fresh.exists('fresh:db3')).toBe(0);
  });

  it('runs strings, hashes, counters and TTLs with binary-safe values', async () => {
    const redis = client();
    expect(await redis.set('greeting', 'hello')).toBe('OK');
    expect(await redis.get('greeting')).toBe('hello');
    expect(await redis.incrby('counter', 5)).toBe(5);
    expect(await redis.hset('user:1', 'name', 'ada', 'lang', 'en')).toBe(2);
    expect(await redis.hgetall('user:1')).toEqual({ name: 'ada', lang: 'en' });
    expect(await redis.set('temp', 'x', 'EX', 100)).toBe('OK');
    expect(await redis.ttl('temp')).toBe(100);
    const binary = Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10, 0x80]);
    await redis.set('bin', binary);
    expect(await redis.getBuffer('bin')).toEqual(binary);
    await expect(redis.hget('greeting', 'x')).rejects.toThrow('WRONGTYPE Operation against a key holding the wrong kind of value');
  });

  it('pipelines 1,000 commands and gets every reply in order', async () => {
    const redis = client();
    const pipeline = redis.pipeline();
    for (let i = 0; i < 500; i++) pipeline.set(`p:${i}`, String(i)).incr(`p:${i}`);
    const results = await pipeline.exec();
    expect(results).toHaveLength(1000);
    for (let i = 0; i < 500; i++) {
      expect(results?.[2 * i]).toEqual([null, 'OK']);
      expect(results?.[2 * i + 1]).toEqual([null, i + 1]);
    }
  });

  it('runs MULTI/EXEC, and WATCH aborts when another client changes the key', async () => {
    const redis = client();
    const other = client();
    expect(await redis.multi().set('tx', '1').incr('tx').get('tx').exec()).toEqual([
      [null, 'OK'],
      [null, 2],
      [null, '2'],
    ]);
    await redis.watch('tx');
    await other.set('tx', 'changed');
    expect(await redis.multi().set('tx', 'mine').exec()).toBeNull();
    expect(await redis.get('tx')).toBe('changed');
    await redis.watch('tx');
    expect(await redis.multi().set('tx', 'mine').exec()).toEqual([[null, 'OK']]);
  });

  it('delivers keyspace and keyevent notifications per notify-keyspace-events', async () => {
    const admin = client();
    const subscriber = client();
    expect(await admin.config('SET', 'notify-keyspace-events', 'KEA')).toBe('OK');
    const messages: string[] = [];
    subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => messages.push(`${channel} ${message}`));
    await subscriber.psubscribe('__key*@0__:ks:*', '__keyevent@0__:*');
    await admin.set('ks:a', '1');
    await admin.expire('ks:a', 100);
    await admin.del('ks:a');
    await admin.hset('ks:h', 'f', 'v');
    await admin.publish('plain', 'hello');
    await admin.set('ks:short', 'x', 'PX', 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await admin.get('ks:short')).toBeNull();
    const deadline = Date.now() + 2000;
    while (!messages.includes('__keyevent@0__:expired ks:short') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(messages).toEqual(
      expect.arrayContaining([
        '__keyspace@0__:ks:a set',
        '__keyevent@0__:set ks:a',
        '__keyspace@0__:ks:a expire',
        '__keyevent@0__:expire ks:a',
        '__keyspace@0__:ks:a del',
        '__keyevent@0__:del ks:a',
        '__keyspace@0__:ks:h hset',
        '__keyevent@0__:hset ks:h',
        '__keyevent@0__:expired ks:short',
      ]),
    );
    expect(messages.indexOf('__keyspace@0__:ks:a set')).toBeLessThan(messages.indexOf('__keyspace@0__:ks:a del'));
    // n and m are outside 'A': a new key, then a read of a missing key.
    messages.length = 0;
    expect(await admin.config('SET', 'notify-keyspace-events', 'KEnm')).toBe('OK');
    await admin.set('ks:new', '1');
    await admin.set('ks:new', '2'); // exists now: no second 'new'
    expect(await admin.get('ks:missing')).toBeNull();
    // RENAME onto an existing key: Redis deletes the old target and adds the new one, so 'new'.
    await admin.rename('ks:new', 'ks:other');
    await admin.set('ks:new', '3');
    await admin.rename('ks:new', 'ks:other');
    await admin.publish('sync', 'x');
    expect(messages).toEqual([
      '__keyspace@0__:ks:new new',
      '__keyevent@0__:new ks:new',
      '__keyspace@0__:ks:missing keymiss',
      '__keyevent@0__:keymiss ks:missing',
      '__keyspace@0__:ks:other new',
      '__keyevent@0__:new ks:other',
      '__keyspace@0__:ks:new new',
      '__keyevent@0__:new ks:new',
      '__keyspace@0__:ks:other new',
      '__keyevent@0__:new ks:other',
    ]);
    await admin.config('SET', 'notify-keyspace-events', 'Ex');
    expect(await admin.config('GET', 'notify-keyspace-events')).toEqual(['notify-keyspace-events', 'xE']);
    messages.length = 0;
    await admin.set('ks:b', '1');
    await admin.publish('sync', 'x');
    expect(messages).toEqual([]);
    await admin.config('SET', 'notify-keyspace-events', '');
  });

  it('plain SUBSCRIBE / PUBLISH with counts', async () => {
    const publisher = client();
    const subscriber = client();
    const received: string[] = [];
    subscriber.on('message', (channel: string, message: string) => received.push(`${channel}:${message}`));
    expect(await subscriber.subscribe('news', 'alerts')).toBe(2);
    expect(await publisher.publish('news', 'one')).toBe(1);
    expect(await publisher.publish('nobody', 'x')).toBe(0);
    expect(await publisher.publish('alerts', 'two')).toBe(1);
    await publisher.ping();
    const deadline = Date.now() + 1000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(received).toEqual(['news:one', 'alerts:two']);
    await subscriber.unsubscribe();
    expect(await publisher.publish('news', 'three')).toBe(0);
  });
});

describe('redis-cli', () => {
  const cli = (...args: string[]) => run('/usr/bin/redis-cli', ['-h', '127.0.0.1', '-p', String(mnemo.port), ...args], { timeout: 10_000 });

  it('runs commands given as arguments, including RESP3 (-3)', async () => {
    expect((await cli('SET', 'cli:k', 'hello world')).stdout).toBe('OK\n');
    expect((await cli('GET', 'cli:k')).stdout).toBe('hello world\n');
    expect((await cli('--raw', 'INCRBY', 'cli:n', '7')).stdout).toBe('7\n');
    expect((await cli('-3', 'HELLO', '3')).stdout).toContain('proto');
    expect((await cli('--no-raw', '-3', 'HSET', 'cli:h', 'a', '1')).stdout).toBe('(integer) 1\n');
    expect((await cli('--no-raw', '-3', 'HGETALL', 'cli:h')).stdout).toBe('1# "a" => "1"\n');
    expect((await cli('--no-raw', 'GET', 'cli:missing')).stdout).toBe('(nil)\n');
    expect((await cli('--no-raw', 'NOSUCH', 'x')).stdout).toBe("(error) ERR unknown command 'NOSUCH', with args beginning with: 'x' \n");
  });

  it('reads commands piped on stdin, INFO and COMMAND DOCS', async () => {
    const child = execFile('/usr/bin/redis-cli', ['--no-raw', '-h', '127.0.0.1', '-p', String(mnemo.port)], { timeout: 10_000 });
    let stdout = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.stdin?.end('SET cli:pipe 1\nINCR cli:pipe\nDBSIZE\nPING\n');
    await new Promise((resolve) => child.on('exit', resolve));
    expect(stdout.split('\n').slice(0, 4)).toEqual(['OK', '(integer) 2', expect.stringMatching(/^\(integer\) \d+$/), 'PONG']);
    const info = (await cli('INFO', 'stats')).stdout;
    expect(info).toMatch(/# Stats\r?\n/);
    expect(info).toMatch(/keyspace_hits:\d+/);
    expect((await cli('COMMAND', 'COUNT')).stdout).toMatch(/^\d{2,}\n$/);
    expect((await cli('COMMAND', 'DOCS', 'get')).stdout).toContain('summary');
  });

  it('shows the keyspace section of INFO', async () => {
    const out = (await cli('INFO', 'keyspace')).stdout;
    expect(out).toMatch(/db0:keys=\d+,expires=\d+/);
  });
});

describe('express-session + connect-redis (v7)', () => {
  it('stores, reads, touches and destroys sessions through Mnemo', async () => {
    const redis = client();
    const store = new RedisStore({ client: redis, prefix: 'sess:', ttl: 600 });
    const app = express();
    app.use(session({ store, secret: 'test-secret', resave: false, saveUninitialized: false, rolling: true, cookie: { maxAge: 600_000 } }));
    app.get('/login', (req, res) => {
      (req.session as unknown as { user: string }).user = 'ada';
      res.send('ok');
    });
    app.get('/me', (req, res) => {
      res.send((req.session as unknown as { user?: string }).user ?? 'anonymous');
    });
    app.get('/logout', (req, res) => {
      req.session.destroy(() => res.send('bye'));
    });
    const http = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => http.once('listening', resolve));
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    try {
      const login = await fetch(`${base}/login`);
      expect(await login.text()).toBe('ok');
      const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
      expect(cookie).toMatch(/^connect\.sid=/);
      const sid = decodeURIComponent(cookie.split('=')[1]).slice(2).split('.')[0];
      const stored = await redis.get(`sess:${sid}`);
      expect(JSON.parse(stored ?? '{}').user).toBe('ada');
      const ttl = await redis.ttl(`sess:${sid}`);
      expect(ttl).toBeGreaterThan(590);
      await redis.expire(`sess:${sid}`, 100);
      const me = await fetch(`${base}/me`, { headers: { cookie } });
      expect(await me.text()).toBe('ada');
      // rolling: true makes express-session touch the session, which resets its TTL.
      expect(await redis.ttl(`sess:${sid}`)).toBeGreaterThan(590);
      expect(await (await fetch(`${base}/logout`, { headers: { cookie } })).text()).toBe('bye');
      expect(await redis.exists(`sess:${sid}`)).toBe(0);
      expect(await (await fetch(`${base}/me`, { headers: { cookie } })).text()).toBe('anonymous');
    } finally {
      await new Promise((resolve) => http.close(resolve));
    }
  });
});
