// /v1/sessions over real HTTP: create, get (rolling), replace and merge with optimistic
// versions, touch, destroy, per-user listing, log-out-everywhere, the per-user maximum, and
// the engine layout (session:<id> hashes) they are stored in.

import { call, expectError, HttpTestServer, startHttpServer } from './support/http-client';

let s: HttpTestServer;

beforeAll(async () => {
  s = await startHttpServer(['--max-value-size', '2kb', '--sessions-max-per-user', '3']);
});
afterAll(() => s.close());

async function create(body: Record<string, unknown> = {}) {
  const created = await call(s, 'POST', '/v1/sessions', { body: { data: { cart: 1 }, ...body } });
  expect(created.status).toBe(201);
  return created.body;
}

describe('POST /v1/sessions', () => {
  it('creates a session with an unguessable id, version 1 and an expiry', async () => {
    const before = Date.now();
    const session = await create({ userId: 'alice', ttlMs: 60_000 });
    expect(session.id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(Buffer.from(session.id, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(session).toMatchObject({ userId: 'alice', data: { cart: 1 }, version: 1, ttlMs: 60_000 });
    expect(session.expiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(session.expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);
    const ids = new Set(await Promise.all(Array.from({ length: 50 }, async () => (await create()).id)));
    expect(ids.size).toBe(50);
  });

  it('stores the session as a hash under session:<id> with the session expiry as key TTL', async () => {
    const session = await create({ ttlMs: 30_000 });
    const engine = s.server.keyspace.engine;
    const info = engine.keyInfo(`session:${session.id}`);
    expect(info).toMatchObject({ type: 'hash', expiresAt: session.expiresAt });
    const flat = engine.hgetall(`session:${session.id}`) ?? [];
    const fields = Object.fromEntries(flat.flatMap((value, index) => (index % 2 === 0 ? [[value, flat[index + 1]]] : [])));
    expect(fields).toMatchObject({ data: '{"cart":1}', version: '1', ttlMs: '30000', user: '' });
  });

  it('uses the default TTL when none is given', async () => {
    expect((await create()).ttlMs).toBe(24 * 60 * 60 * 1000);
  });

  it('rejects bad input naming the field, storing nothing', async () => {
    const keys = s.server.keyspace.engine.stats().keys;
    expectError(await call(s, 'POST', '/v1/sessions', { body: { ttlMs: -1 } }), 400, 'VALIDATION_ERROR', 'body.ttlMs');
    expectError(await call(s, 'POST', '/v1/sessions', { body: { ttlMs: 10 ** 13 } }), 400, 'VALIDATION_ERROR', 'body.ttlMs');
    expectError(await call(s, 'POST', '/v1/sessions', { body: { data: [1, 2] } }), 400, 'VALIDATION_ERROR', 'body.data');
    expectError(await call(s, 'POST', '/v1/sessions', { body: { data: 'text' } }), 400, 'VALIDATION_ERROR', 'body.data');
    expectError(await call(s, 'POST', '/v1/sessions', { body: { userId: 'a\u0000b' } }), 400, 'VALIDATION_ERROR', 'body.userId');
    expectError(await call(s, 'POST', '/v1/sessions', { body: { maxPerUser: 3 } }), 400, 'VALIDATION_ERROR', 'body.maxPerUser'); // no user to limit
    expectError(await call(s, 'POST', '/v1/sessions', { body: { sid: 'x' } }), 400, 'VALIDATION_ERROR', 'body.sid');
    expectError(await call(s, 'POST', '/v1/sessions', { body: { data: { blob: 'x'.repeat(3000) } } }), 413, 'PAYLOAD_TOO_LARGE', 'body.data');
    const huge = { rawBody: '{"data":{"cart":{"total":1e400}}}' };
    expectError(await call(s, 'POST', '/v1/sessions', huge), 400, 'VALIDATION_ERROR', 'body.data.cart.total');
    expect(s.server.keyspace.engine.stats().keys).toBe(keys);
  });
});

describe('GET /v1/sessions/:id', () => {
  it('reads a session with its version as ETag; rolling=true restarts the TTL', async () => {
    const session = await create({ ttlMs: 60_000 });
    const read = await call(s, 'GET', `/v1/sessions/${session.id}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(read.headers.get('cache-control')).toBe('no-store'); // a user's data: no cache keeps it
    expect(read.body).toEqual(session);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const rolled = await call(s, 'GET', `/v1/sessions/${session.id}?rolling=true`);
    expect(rolled.body.expiresAt).toBeGreaterThan(session.expiresAt);
    expect(s.server.keyspace.engine.keyInfo(`session:${session.id}`)?.expiresAt).toBe(rolled.body.expiresAt);
  });

  it('HEAD with rolling=true answers what GET would and leaves the TTL alone', async () => {
    const session = await create({ ttlMs: 60_000 });
    const seq = s.server.keyspace.engine.lastSeq;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const head = await call(s, 'HEAD', `/v1/sessions/${session.id}?rolling=true`);
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe('"1"');
    expect(head.headers.get('cache-control')).toBe('no-store');
    expect(s.server.keyspace.engine.keyInfo(`session:${session.id}`)?.expiresAt).toBe(session.expiresAt);
    expect(s.server.keyspace.engine.lastSeq).toBe(seq); // no mutation record
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expectError(await call(s, 'GET', `/v1/sessions/${'A'.repeat(32)}`), 404, 'NOT_FOUND');
    expectError(await call(s, 'GET', '/v1/sessions/short'), 400, 'VALIDATION_ERROR', 'params.id');
    expectError(await call(s, 'GET', `/v1/sessions/${'A'.repeat(32)}?rolling=maybe`), 400, 'VALIDATION_ERROR', 'query.rolling');
  });
});

describe('PUT and PATCH /v1/sessions/:id', () => {
  it('replaces (PUT) and merges (PATCH, RFC 7386) the data, bumping the version', async () => {
    const session = await create({ data: { a: 1, nested: { x: 1, y: 2 } } });
    const replaced = await call(s, 'PUT', `/v1/sessions/${session.id}`, { body: { data: { b: 2, nested: { x: 1, y: 2 } } } });
    expect(replaced.body).toMatchObject({ data: { b: 2, nested: { x: 1, y: 2 } }, version: 2 });
    const merged = await call(s, 'PATCH', `/v1/sessions/${session.id}`, { body: { data: { c: 3, nested: { y: null, z: 3 } } } });
    expect(merged.body).toMatchObject({ data: { b: 2, c: 3, nested: { x: 1, z: 3 } }, version: 3 });
    expect(merged.headers.get('etag')).toBe('"3"');
  });

  it('lets exactly one of two concurrent updates at the same version win (409 for the other)', async () => {
    const session = await create({ data: { n: 0 } });
    const [first, second] = await Promise.all([
      call(s, 'PATCH', `/v1/sessions/${session.id}`, { body: { data: { a: 1 }, expectedVersion: 1 } }),
      call(s, 'PATCH', `/v1/sessions/${session.id}`, { body: { data: { b: 1 }, expectedVersion: 1 } }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const loser = first.status === 409 ? first : second;
    expectError(loser, 409, 'VERSION_CONFLICT', 'body.expectedVersion');
    expect((await call(s, 'GET', `/v1/sessions/${session.id}`)).body.version).toBe(2);
  });

  it('honours If-Match (412 on a stale version) and rejects a malformed one', async () => {
    const session = await create();
    expect((await call(s, 'PUT', `/v1/sessions/${session.id}`, { body: { data: { v: 2 } }, headers: { 'if-match': '"1"' } })).status).toBe(200);
    expectError(await call(s, 'PUT', `/v1/sessions/${session.id}`, { body: { data: { v: 3 } }, headers: { 'if-match': '"1"' } }), 412, 'VERSION_CONFLICT', 'headers.if-match');
    expectError(await call(s, 'PUT', `/v1/sessions/${session.id}`, { body: { data: {} }, headers: { 'if-match': 'abc' } }), 400, 'VALIDATION_ERROR', 'headers.if-match');
    // `*`: any version of a session that exists.
    expect((await call(s, 'PUT', `/v1/sessions/${session.id}`, { body: { data: { v: 4 } }, headers: { 'if-match': '*' } })).body.version).toBe(3);
    expectError(await call(s, 'PUT', `/v1/sessions/${'C'.repeat(32)}`, { body: { data: {} }, headers: { 'if-match': '*' } }), 404, 'NOT_FOUND');
  });

  it('If-Match takes a list of tags and compares strongly (RFC 9110 §13.1.1)', async () => {
    const session = await create();
    const url = `/v1/sessions/${session.id}`;
    expect((await call(s, 'GET', url, { headers: { 'if-match': '"2", "1"' } })).status).toBe(200);
    const stale = await call(s, 'GET', url, { headers: { 'if-match': '"2", "3"' } });
    expectError(stale, 412, 'VERSION_CONFLICT', 'headers.if-match');
    expect(stale.body.error.message).toBe('headers.if-match: session is at version 1, not "2" or "3"');
    const weak = await call(s, 'PUT', url, { body: { data: { w: 1 } }, headers: { 'if-match': 'W/"1"' } });
    expectError(weak, 412, 'VERSION_CONFLICT', 'headers.if-match');
    expect(weak.body.error.message).toMatch(/If-Match compares strongly/);
    expect((await call(s, 'PUT', url, { body: { data: { w: 2 } }, headers: { 'if-match': 'W/"1", "1"' } })).body.version).toBe(2);
    expectError(await call(s, 'GET', url, { headers: { 'if-match': '"2",' } }), 400, 'VALIDATION_ERROR', 'headers.if-match');
  });

  it('If-Match holds on every route of one session, and together with expectedVersion', async () => {
    const session = await create(); // version 1
    const url = `/v1/sessions/${session.id}`;
    const stale = { 'if-match': '"7"' };
    // Header and body disagree: the header's precondition fails first (412), nothing changes.
    expectError(await call(s, 'PATCH', url, { body: { data: { e: 9 }, expectedVersion: 1 }, headers: stale }), 412, 'VERSION_CONFLICT', 'headers.if-match');
    expectError(await call(s, 'PATCH', url, { body: { data: { e: 9 }, expectedVersion: 5 }, headers: { 'if-match': '"1"' } }), 409, 'VERSION_CONFLICT', 'body.expectedVersion');
    expectError(await call(s, 'GET', url, { headers: stale }), 412, 'VERSION_CONFLICT', 'headers.if-match');
    expectError(await call(s, 'GET', `${url}?rolling=true`, { headers: stale }), 412, 'VERSION_CONFLICT', 'headers.if-match');
    expectError(await call(s, 'POST', `${url}/touch`, { body: { ttlMs: 5000 }, headers: stale }), 412, 'VERSION_CONFLICT', 'headers.if-match');
    expectError(await call(s, 'DELETE', url, { headers: stale }), 412, 'VERSION_CONFLICT', 'headers.if-match');
    const unchanged = await call(s, 'GET', url);
    expect(unchanged.body).toMatchObject({ version: 1, data: session.data, expiresAt: session.expiresAt, ttlMs: session.ttlMs });
    // The right version lets each through.
    expect((await call(s, 'PATCH', url, { body: { data: { e: 9 }, expectedVersion: 1 }, headers: { 'if-match': '"1"' } })).body.version).toBe(2);
    expect((await call(s, 'GET', url, { headers: { 'if-match': '"2"' } })).status).toBe(200);
    expect((await call(s, 'POST', `${url}/touch`, { body: {}, headers: { 'if-match': '"2"' } })).status).toBe(200);
    expect((await call(s, 'DELETE', url, { headers: { 'if-match': '"2"' } })).status).toBe(204);
  });

  it('refuses data nested deeper than 64 levels (400, never a 500), at any depth', async () => {
    const nested = (depth: number): string => '{"data":' + '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) + '}';
    expect((await call(s, 'POST', '/v1/sessions', { rawBody: nested(63) })).status).toBe(201);
    for (const depth of [65, 5000, 20000]) {
      const refused = await call(s, 'POST', '/v1/sessions', { rawBody: nested(depth) });
      expectError(refused, 400, 'VALIDATION_ERROR', 'body.data');
      expect(refused.body.error.message).toBe('body.data: is nested deeper than 64 levels');
    }
    const session = await create();
    expectError(await call(s, 'PUT', `/v1/sessions/${session.id}`, { rawBody: nested(6000) }), 400, 'VALIDATION_ERROR', 'body.data');
    expectError(await call(s, 'PATCH', `/v1/sessions/${session.id}`, { rawBody: nested(6000) }), 400, 'VALIDATION_ERROR', 'body.data');
  });

  it('answers 404, 400 and 413 on a missing session, a bad body and data too large', async () => {
    const session = await create();
    expectError(await call(s, 'PATCH', `/v1/sessions/${'B'.repeat(32)}`, { body: { data: {} } }), 404, 'NOT_FOUND', 'params.id');
    expectError(await call(s, 'PATCH', `/v1/sessions/${session.id}`, { body: {} }), 400, 'VALIDATION_ERROR', 'body.data');
    expectError(await call(s, 'PATCH', `/v1/sessions/${session.id}`, { body: { data: {}, expectedVersion: 0 } }), 400, 'VALIDATION_ERROR', 'body.expectedVersion');
    expectError(await call(s, 'PATCH', `/v1/sessions/${session.id}`, { body: { data: { big: 'y'.repeat(3000) } } }), 413, 'PAYLOAD_TOO_LARGE', 'body.data');
    expect((await call(s, 'GET', `/v1/sessions/${session.id}`)).body.version).toBe(1);
  });
});

describe('touch and destroy', () => {
  it('touch restarts the TTL, optionally with a new one', async () => {
    const session = await create({ ttlMs: 10_000 });
    const touched = await call(s, 'POST', `/v1/sessions/${session.id}/touch`, { body: { ttlMs: 120_000 } });
    expect(touched.status).toBe(200);
    expect(touched.body.ttlMs).toBe(120_000);
    expect(touched.body.expiresAt).toBeGreaterThanOrEqual(session.createdAt + 120_000);
    const again = await call(s, 'POST', `/v1/sessions/${session.id}/touch`);
    expect(again.status).toBe(200);
    expectError(await call(s, 'POST', `/v1/sessions/${session.id}/touch`, { body: { ttlMs: 0 } }), 400, 'VALIDATION_ERROR', 'body.ttlMs');
  });

  it('destroy answers 204 then 404', async () => {
    const session = await create();
    expect((await call(s, 'DELETE', `/v1/sessions/${session.id}`)).status).toBe(204);
    expectError(await call(s, 'DELETE', `/v1/sessions/${session.id}`), 404, 'NOT_FOUND');
    expect(s.server.keyspace.engine.keyInfo(`session:${session.id}`)).toBeNull();
  });
});

describe('sessions of a user', () => {
  it('lists them oldest first and destroys them all (log out everywhere)', async () => {
    const a = await create({ userId: 'bob' });
    const b = await create({ userId: 'bob' });
    await create({ userId: 'carol' });
    const list = await call(s, 'GET', '/v1/sessions?userId=bob');
    expect(list.body.sessions.map((session: { id: string }) => session.id)).toEqual([a.id, b.id]);
    expect((await call(s, 'DELETE', '/v1/sessions?userId=bob')).body).toEqual({ destroyed: 2 });
    expect((await call(s, 'GET', '/v1/sessions?userId=bob')).body.sessions).toEqual([]);
    expect((await call(s, 'GET', '/v1/sessions?userId=carol')).body.sessions).toHaveLength(1);
    expectError(await call(s, 'GET', '/v1/sessions'), 400, 'VALIDATION_ERROR', 'query.userId');
  });

  it('keeps at most sessions-max-per-user, destroying the oldest first', async () => {
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await create({ userId: 'dave' }));
    const ids = (await call(s, 'GET', '/v1/sessions?userId=dave')).body.sessions.map((session: { id: string }) => session.id);
    expect(ids).toEqual(created.slice(2).map((session) => session.id));
    expectError(await call(s, 'GET', `/v1/sessions/${created[0].id}`), 404, 'NOT_FOUND');
    // A per-request maximum overrides the option.
    await create({ userId: 'dave', maxPerUser: 1 });
    expect((await call(s, 'GET', '/v1/sessions?userId=dave')).body.sessions).toHaveLength(1);
  });

  it('keeps the index near its live sessions while a user keeps logging in and old sessions expire', async () => {
    for (let i = 0; i < 200; i++) {
      // maxPerUser 0: no cap (this server has one), so only expiry ends these sessions.
      await create({ userId: 'frequent', ttlMs: 1, maxPerUser: 0 });
      if (i % 50 === 0) await create({ userId: 'frequent', ttlMs: 600_000, maxPerUser: 0 }); // a few that stay
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await new Promise((resolve) => setTimeout(resolve, 5)); // the last 1 ms session ends too
    const entries = s.server.keyspace.engine.execute(['HLEN', 'user-sessions:frequent']);
    expect(entries).toBeLessThanOrEqual(16); // 204 were created; 4 live
    expect((await call(s, 'GET', '/v1/sessions?userId=frequent')).body.sessions).toHaveLength(4);
  });

  it('drops a session destroyed by id from the user index', async () => {
    const session = await create({ userId: 'erin' });
    await call(s, 'DELETE', `/v1/sessions/${session.id}`);
    expect(s.server.keyspace.engine.keyInfo('user-sessions:erin')).toBeNull();
  });
});

describe('a session key rewritten over the Redis protocol', () => {
  it('answers 409 WRONGTYPE naming params.id on every route instead of failing', async () => {
    const session = await create();
    s.server.keyspace.engine.execute(['HSET', `session:${session.id}`, 'data', 'not json']);
    const before = s.server.keyspace.engine.keyInfo(`session:${session.id}`)?.expiresAt;
    expectError(await call(s, 'GET', `/v1/sessions/${session.id}`), 409, 'WRONGTYPE', 'params.id');
    expectError(await call(s, 'GET', `/v1/sessions/${session.id}?rolling=true`), 409, 'WRONGTYPE', 'params.id');
    expectError(await call(s, 'POST', `/v1/sessions/${session.id}/touch`, { body: { ttlMs: 5000 } }), 409, 'WRONGTYPE', 'params.id');
    expectError(await call(s, 'PATCH', `/v1/sessions/${session.id}`, { body: { data: {} } }), 409, 'WRONGTYPE', 'params.id');
    expectError(await call(s, 'DELETE', `/v1/sessions/${session.id}`), 409, 'WRONGTYPE', 'params.id');
    expect(s.server.keyspace.engine.keyInfo(`session:${session.id}`)?.expiresAt).toBe(before); // nothing written, nothing deleted
    s.server.keyspace.engine.del([`session:${session.id}`]);
    s.server.keyspace.engine.set(`session:${session.id}`, 'a string');
    expectError(await call(s, 'GET', `/v1/sessions/${session.id}`), 409, 'WRONGTYPE');
    // A hash that looks like one, with fields no session has: named, never NaN.
    for (const [field, value, why] of [
      ['version', 'abc', 'its version field is not an integer of at least 1'],
      ['data', '[1, 2]', 'its data field is not a JSON object'],
      ['createdAt', '', 'its createdAt field is not an integer of at least 0'],
    ]) {
      const other = await create();
      s.server.keyspace.engine.execute(['HSET', `session:${other.id}`, field, value]);
      const read = await call(s, 'GET', `/v1/sessions/${other.id}`);
      expectError(read, 409, 'WRONGTYPE');
      expect(read.body.error.message).toBe(`params.id: session:${other.id} does not hold a session (${why})`);
      expectError(await call(s, 'PATCH', `/v1/sessions/${other.id}`, { body: { data: {}, expectedVersion: 1 } }), 409, 'WRONGTYPE');
    }
  });
});

describe("a user's index key rewritten over the Redis protocol", () => {
  it('answers 409 WRONGTYPE naming the user id, and a refused create leaves no session behind', async () => {
    s.server.keyspace.engine.set('user-sessions:uxs', 'a string');
    const keysBefore = s.server.keyspace.engine.stats().keys;
    const created = await call(s, 'POST', '/v1/sessions', { body: { userId: 'uxs', data: { a: 1 } } });
    expectError(created, 409, 'WRONGTYPE', 'body.userId');
    expect(created.body.error.message).toBe('body.userId: user-sessions:uxs does not hold a session index (it holds a string)');
    expect(s.server.keyspace.engine.stats().keys).toBe(keysBefore);
    expectError(await call(s, 'GET', '/v1/sessions?userId=uxs'), 409, 'WRONGTYPE', 'query.userId');
    expectError(await call(s, 'DELETE', '/v1/sessions?userId=uxs'), 409, 'WRONGTYPE', 'query.userId');
    expect(s.server.keyspace.engine.get('user-sessions:uxs')).toBe('a string');
  });
});

describe('a user whose sessions include one rewritten over the Redis protocol', () => {
  const deep = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  it.each([
    ['a hash whose data is not JSON', (key: string) => s.server.keyspace.engine.execute(['HSET', key, 'data', 'not json'])],
    ['a string', (key: string) => s.server.keyspace.engine.set(key, 'a string', { keepTtl: true })],
    ['data nested 5,000 levels deep', (key: string) => s.server.keyspace.engine.execute(['HSET', key, 'data', deep(5000)])],
  ])('(%s) lists the others, creates under a cap, and log-out-everywhere destroys them all', async (what, rewrite) => {
    const user = `dora-${what.length}`;
    const [a, damaged, c] = [await create({ userId: user }), await create({ userId: user }), await create({ userId: user })];
    rewrite(`session:${damaged.id}`);
    const listed = await call(s, 'GET', `/v1/sessions?userId=${user}`);
    expect(listed.status).toBe(200);
    expect(listed.body.sessions.map((one: { id: string }) => one.id)).toEqual([a.id, c.id]);
    expect((await call(s, 'DELETE', `/v1/sessions?userId=${user}`)).body).toEqual({ destroyed: 3 });
    expect(s.server.keyspace.engine.keyInfo(`session:${damaged.id}`)).toBeNull();
    // A capped create for a user with a damaged entry destroys the oldest, damaged or not.
    const [first, second] = [await create({ userId: user }), await create({ userId: user })];
    rewrite(`session:${first.id}`);
    expect((await call(s, 'POST', '/v1/sessions', { body: { userId: user, maxPerUser: 1 } })).status).toBe(201);
    expect([first.id, second.id].map((id) => s.server.keyspace.engine.keyInfo(`session:${id}`))).toEqual([null, null]);
  });

  it('answers data nested deeper than 64 levels with 409 WRONGTYPE on every route, before any write', async () => {
    const session = await create();
    s.server.keyspace.engine.execute(['HSET', `session:${session.id}`, 'data', deep(5000)]);
    const before = s.server.keyspace.engine.keyInfo(`session:${session.id}`)?.expiresAt;
    const read = await call(s, 'GET', `/v1/sessions/${session.id}`);
    expectError(read, 409, 'WRONGTYPE', 'params.id');
    expect(read.body.error.message).toBe(`params.id: session:${session.id} does not hold a session (its data is nested deeper than 64 levels)`);
    expectError(await call(s, 'GET', `/v1/sessions/${session.id}?rolling=true`), 409, 'WRONGTYPE', 'params.id');
    expectError(await call(s, 'POST', `/v1/sessions/${session.id}/touch`, { body: { ttlMs: 5000 } }), 409, 'WRONGTYPE', 'params.id');
    expectError(await call(s, 'PATCH', `/v1/sessions/${session.id}`, { body: { data: { b: 1 } } }), 409, 'WRONGTYPE', 'params.id');
    expect(s.server.keyspace.engine.keyInfo(`session:${session.id}`)?.expiresAt).toBe(before);
    s.server.keyspace.engine.execute(['HSET', `session:${session.id}`, 'data', deep(64)]);
    expect((await call(s, 'GET', `/v1/sessions/${session.id}`)).status).toBe(200);
  });
});

describe('a user index under maxmemory with allkeys-lru', () => {
  let small: HttpTestServer;
  beforeAll(async () => {
    small = await startHttpServer(['--maxmemory', '2mb', '--maxmemory-policy', 'allkeys-lru']);
  });
  afterAll(() => small.close());

  it('outlives the sessions it lists while they are read, so log-out-everywhere still finds them all', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await call(small, 'POST', '/v1/sessions', { body: { userId: 'busy', ttlMs: 600_000, data: { i } } })).body.id);
    const engine = small.server.keyspace.engine;
    const evictedBefore = engine.stats().evictedKeys;
    // Plain reads (no rolling) of the user's sessions between bursts of other writes: ~6 MB of
    // fillers through 2 MB, so most keys are evicted.
    for (let round = 0; round < 60; round++) {
      for (let i = 0; i < 200; i++) engine.set(`filler:${round}:${i}`, 'x'.repeat(500));
      for (const id of ids) expect((await call(small, 'GET', `/v1/sessions/${id}`)).status).toBe(200);
    }
    expect(engine.stats().evictedKeys - evictedBefore).toBeGreaterThan(5000);
    expect(engine.keyInfo('user-sessions:busy')).not.toBeNull();
    expect((await call(small, 'DELETE', '/v1/sessions?userId=busy')).body).toEqual({ destroyed: 3 });
    for (const id of ids) expect((await call(small, 'GET', `/v1/sessions/${id}`)).status).toBe(404);
  });
});

describe('API keys on /v1/sessions', () => {
  let secured: HttpTestServer;
  beforeAll(async () => {
    secured = await startHttpServer(['--api-keys', 'secret']);
  });
  afterAll(() => secured.close());

  it('answers 401 without a key, 403 with a wrong one, 201 with the right one', async () => {
    expectError(await call(secured, 'POST', '/v1/sessions', { body: {} }), 401, 'UNAUTHORIZED');
    expectError(await call(secured, 'GET', `/v1/sessions/${'C'.repeat(32)}`, { token: 'wrong' }), 403, 'FORBIDDEN');
    expectError(await call(secured, 'DELETE', '/v1/sessions?userId=x', { token: 'wrong' }), 403, 'FORBIDDEN');
    expect((await call(secured, 'POST', '/v1/sessions', { body: {}, token: 'secret' })).status).toBe(201);
  });
});
