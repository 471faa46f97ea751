// What the HTTP API stores is visible to a real Redis client (ioredis) over the Redis protocol
// under the documented prefixes, and what a Redis client writes is what HTTP reads.

import Redis from 'ioredis';
import { RespService } from '../src/resp/resp.service';
import { call, HttpTestServer, startHttpServer } from './support/http-client';

let s: HttpTestServer;
let redis: Redis;

beforeAll(async () => {
  s = await startHttpServer();
  redis = new Redis({ host: '127.0.0.1', port: s.server.app.get(RespService).port, lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
});

afterAll(async () => {
  redis.disconnect();
  await s.close();
});

describe('HTTP data over the Redis protocol', () => {
  it('a session is the hash session:<id> with the session TTL, in the user index', async () => {
    const session = (await call(s, 'POST', '/v1/sessions', { body: { data: { cart: 3 }, userId: 'resp-user', ttlMs: 60_000 } })).body;
    expect(await redis.hgetall(`session:${session.id}`)).toMatchObject({ data: '{"cart":3}', user: 'resp-user', version: '1', ttlMs: '60000' });
    expect(await redis.pexpiretime(`session:${session.id}`)).toBe(session.expiresAt);
    expect(Object.keys(await redis.hgetall('user-sessions:resp-user'))).toEqual([session.id]);
    // Deleting it over RESP logs the user out over HTTP.
    await redis.del(`session:${session.id}`);
    expect((await call(s, 'GET', `/v1/sessions/${session.id}`)).status).toBe(404);
  });

  it('rate-limit state, counters and raw keys live under ratelimit:, counter: and their own names', async () => {
    await call(s, 'POST', '/v1/ratelimit/check', { body: { key: 'r1', algorithm: 'fixed-window', limit: 5, windowMs: 60_000 } });
    expect(await redis.get('ratelimit:fixed-window/5/60000:r1')).toMatch(/^fw\|\d+\|1$/);
    expect(await redis.pttl('ratelimit:fixed-window/5/60000:r1')).toBeGreaterThan(0);
    await call(s, 'POST', '/v1/counters/c1/incr', { body: { by: 5 } });
    expect(await redis.get('counter:c1')).toBe('5');
    await redis.incrby('counter:c1', 10);
    expect((await call(s, 'GET', '/v1/counters/c1')).body.value).toBe(15);
    await redis.set('plain', 'from redis', 'PX', 30_000);
    expect((await call(s, 'GET', '/v1/keys/plain')).body).toMatchObject({ type: 'string', value: 'from redis' });
    await call(s, 'PUT', '/v1/keys/from-http', { body: { value: 'héllo' } });
    expect((await redis.getBuffer('from-http'))?.toString('utf8')).toBe('héllo');
  });
});
