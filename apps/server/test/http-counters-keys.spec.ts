// /v1/counters and /v1/keys over real HTTP: counters with TTLs, raw keys with TTL/type/info,
// SCAN, the engine error mapping (WRONGTYPE 409, OOM 507, MISCONF 503) and the size limits.

import { MnemoError } from '@mnemo/engine';
import { ADMIN_TOKEN, call, expectError, HttpTestServer, startHttpServer, writesDuring } from './support/http-client';

let s: HttpTestServer;

beforeAll(async () => {
  s = await startHttpServer(['--max-key-length', '64', '--max-value-size', '1kb', '--body-limit', '4kb']);
});
afterAll(() => s.close());

describe('/v1/counters/:key', () => {
  it('increments, decrements, reads and resets a counter stored as counter:<key>', async () => {
    expect((await call(s, 'GET', '/v1/counters/hits')).body).toEqual({ key: 'hits', value: 0, ttlMs: null });
    expect((await call(s, 'POST', '/v1/counters/hits/incr')).body).toEqual({ key: 'hits', value: 1, ttlMs: null });
    expect((await call(s, 'POST', '/v1/counters/hits/incr', { body: { by: 41 } })).body.value).toBe(42);
    expect((await call(s, 'POST', '/v1/counters/hits/decr', { body: { by: 2 } })).body.value).toBe(40);
    expect(s.server.keyspace.engine.get('counter:hits')).toBe('40');
    expect((await call(s, 'DELETE', '/v1/counters/hits')).body).toEqual({ reset: true });
    expect((await call(s, 'GET', '/v1/counters/hits')).body.value).toBe(0);
  });

  it('sets the TTL on every call, or only when the counter has none (ttlMode if-new)', async () => {
    const first = await call(s, 'POST', '/v1/counters/ttl/incr', { body: { ttlMs: 50_000, ttlMode: 'if-new' } });
    expect(first.body.ttlMs).toBeGreaterThan(49_000);
    const second = await call(s, 'POST', '/v1/counters/ttl/incr', { body: { ttlMs: 90_000, ttlMode: 'if-new' } });
    expect(second.body.ttlMs).toBeLessThanOrEqual(50_000);
    const third = await call(s, 'POST', '/v1/counters/ttl/incr', { body: { ttlMs: 90_000 } });
    expect(third.body.ttlMs).toBeGreaterThan(89_000);
  });

  it('concurrent increments are never lost', async () => {
    await Promise.all(Array.from({ length: 100 }, () => call(s, 'POST', '/v1/counters/race/incr')));
    expect((await call(s, 'GET', '/v1/counters/race')).body.value).toBe(100);
  });

  it('answers 409 WRONGTYPE when the key holds a hash, 409 on a non-integer, 400 on overflow', async () => {
    s.server.keyspace.engine.execute(['HSET', 'counter:h', 'f', 'v']);
    expectError(await call(s, 'POST', '/v1/counters/h/incr'), 409, 'WRONGTYPE', 'params.key');
    expectError(await call(s, 'GET', '/v1/counters/h'), 409, 'WRONGTYPE', 'params.key');
    expectError(await call(s, 'DELETE', '/v1/counters/h'), 409, 'WRONGTYPE', 'params.key'); // not a counter: kept
    expect(s.server.keyspace.engine.keyInfo('counter:h')?.type).toBe('hash');
    s.server.keyspace.engine.set('counter:text', 'abc');
    expectError(await call(s, 'GET', '/v1/counters/text'), 409, 'NOT_AN_INTEGER', 'params.key');
    // GET reads exactly what incr can step: Redis's canonical 64-bit integers.
    for (const text of ['007', '-0', '+5', '99999999999999999999']) {
      s.server.keyspace.engine.set('counter:odd', text);
      expectError(await call(s, 'GET', '/v1/counters/odd'), 409, 'NOT_AN_INTEGER', 'params.key');
      expectError(await call(s, 'POST', '/v1/counters/odd/incr'), 400, 'ERR', 'params.key');
    }
    s.server.keyspace.engine.set('counter:odd', '-9223372036854775808');
    expect((await call(s, 'GET', '/v1/counters/odd')).body.value).toBe('-9223372036854775808');
    expectError(await call(s, 'POST', '/v1/counters/text/incr'), 400, 'ERR', 'params.key');
    s.server.keyspace.engine.set('counter:big', '9223372036854775806');
    const overflow = await call(s, 'POST', '/v1/counters/big/incr', { body: { by: 5 } });
    expectError(overflow, 400, 'ERR', 'params.key');
    expect(overflow.body.error.message).toBe('params.key: increment or decrement would overflow');
  });

  it('rejects bad steps and keys naming the field', async () => {
    expectError(await call(s, 'POST', '/v1/counters/c/incr', { body: { by: 1.5 } }), 400, 'VALIDATION_ERROR', 'body.by');
    expectError(await call(s, 'POST', '/v1/counters/c/incr', { body: { by: '1' } }), 400, 'VALIDATION_ERROR', 'body.by');
    expectError(await call(s, 'POST', '/v1/counters/c/incr', { body: { ttlMs: -5 } }), 400, 'VALIDATION_ERROR', 'body.ttlMs');
    expectError(await call(s, 'POST', '/v1/counters/c/incr', { body: { ttlMode: 'sometimes' } }), 400, 'VALIDATION_ERROR', 'body.ttlMode');
    expectError(await call(s, 'POST', `/v1/counters/${'k'.repeat(65)}/incr`), 400, 'VALIDATION_ERROR', 'params.key');
    expectError(await call(s, 'GET', '/v1/counters/a%07b'), 400, 'VALIDATION_ERROR', 'params.key');
  });
});

describe('/v1/keys', () => {
  it('puts, gets (with type and TTL) and deletes a string key', async () => {
    const put = await call(s, 'PUT', '/v1/keys/greeting', { body: { value: 'héllo €', ttlMs: 60_000 } });
    expect(put.status).toBe(200);
    const got = await call(s, 'GET', '/v1/keys/greeting');
    expect(got.body).toMatchObject({ key: 'greeting', type: 'string', value: 'héllo €' });
    expect(got.body.ttlMs).toBeGreaterThan(59_000);
    expect((await call(s, 'GET', '/v1/keys/greeting/type')).body).toEqual({ key: 'greeting', type: 'string' });
    const info = await call(s, 'GET', '/v1/keys/greeting/info');
    expect(info.body).toMatchObject({ type: 'string', length: Buffer.byteLength('héllo €') });
    expect(info.body.memory).toBeGreaterThan(0);
    expect((await call(s, 'DELETE', '/v1/keys/greeting')).status).toBe(204);
    expectError(await call(s, 'GET', '/v1/keys/greeting'), 404, 'NOT_FOUND', 'params.key');
    expectError(await call(s, 'DELETE', '/v1/keys/greeting'), 404, 'NOT_FOUND', 'params.key');
  });

  it('reads a hash as its fields', async () => {
    s.server.keyspace.engine.execute(['HSET', 'profile', 'name', 'Ada', 'lang', 'en']);
    expect((await call(s, 'GET', '/v1/keys/profile')).body).toEqual({ key: 'profile', type: 'hash', value: { name: 'Ada', lang: 'en' }, ttlMs: null });
  });

  it('sets and removes a TTL', async () => {
    await call(s, 'PUT', '/v1/keys/t', { body: { value: 'v' } });
    expect((await call(s, 'GET', '/v1/keys/t/ttl')).body).toEqual({ key: 't', ttlMs: null });
    expect((await call(s, 'PUT', '/v1/keys/t/ttl', { body: { ttlMs: 5000 } })).body).toEqual({ key: 't', ttlMs: 5000 });
    expect((await call(s, 'GET', '/v1/keys/t/ttl')).body.ttlMs).toBeGreaterThan(4000);
    await call(s, 'PUT', '/v1/keys/t/ttl', { body: { ttlMs: null } });
    expect((await call(s, 'GET', '/v1/keys/t/ttl')).body.ttlMs).toBeNull();
    expectError(await call(s, 'PUT', '/v1/keys/missing/ttl', { body: { ttlMs: 10 } }), 404, 'NOT_FOUND');
  });

  it('honours nx and xx with 412', async () => {
    expectError(await call(s, 'PUT', '/v1/keys/only-new', { body: { value: 'a', xx: true } }), 412, 'PRECONDITION_FAILED', 'body.xx');
    expect((await call(s, 'PUT', '/v1/keys/only-new', { body: { value: 'a', nx: true } })).status).toBe(200);
    expectError(await call(s, 'PUT', '/v1/keys/only-new', { body: { value: 'b', nx: true } }), 412, 'PRECONDITION_FAILED', 'body.nx');
    expectError(await call(s, 'PUT', '/v1/keys/only-new', { body: { value: 'b', nx: true, xx: true } }), 400, 'VALIDATION_ERROR', 'body.nx');
  });

  it('scans with a pattern, a cursor and a type until the cursor is 0', async () => {
    for (let i = 0; i < 25; i++) await call(s, 'PUT', `/v1/keys/scan:${i}`, { body: { value: String(i) } });
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const page = await call(s, 'GET', `/v1/keys?pattern=scan:*&count=7&cursor=${cursor}&type=string`);
      expect(page.status).toBe(200);
      page.body.keys.forEach((key: string) => seen.add(key));
      cursor = page.body.cursor;
    } while (cursor !== '0');
    expect(seen.size).toBe(25);
    expectError(await call(s, 'GET', '/v1/keys?count=0'), 400, 'VALIDATION_ERROR', 'query.count');
    expectError(await call(s, 'GET', '/v1/keys?cursor=abc'), 400, 'VALIDATION_ERROR', 'query.cursor');
    expectError(await call(s, 'GET', '/v1/keys?cursor=18446744073709551616'), 400, 'VALIDATION_ERROR', 'query.cursor'); // 2^64
    expect((await call(s, 'GET', '/v1/keys?cursor=18446744073709551615')).status).toBe(200);
    expectError(await call(s, 'GET', '/v1/keys?type=list'), 400, 'VALIDATION_ERROR', 'query.type');
  });

  it('counts the prefix a route stores a key under in max-key-length, so /v1/keys reaches every key the API creates', async () => {
    // max-key-length is 64 here; 'counter:' is 8 bytes.
    expect((await call(s, 'POST', `/v1/counters/${'c'.repeat(56)}/incr`)).status).toBe(200);
    expect((await call(s, 'GET', `/v1/keys/counter:${'c'.repeat(56)}`)).status).toBe(200);
    const refused = await call(s, 'POST', `/v1/counters/${'c'.repeat(57)}/incr`);
    expectError(refused, 400, 'VALIDATION_ERROR', 'params.key');
    expect(refused.body.error.message).toBe("params.key: is 57 bytes, longer than max-key-length (64) with the 'counter:' it is stored under");
    expectError(await call(s, 'POST', '/v1/sessions', { body: { userId: 'u'.repeat(60) } }), 400, 'VALIDATION_ERROR', 'body.userId');
    expectError(await call(s, 'POST', '/v1/ratelimit/check', { body: { key: 'r'.repeat(60), algorithm: 'gcra', limit: 1, windowMs: 1000 } }), 400, 'VALIDATION_ERROR', 'body.key');
  });

  it('enforces max-key-length (400), max-value-size (413) and body-limit (413)', async () => {
    const writes = await writesDuring(s, async () => {
      expectError(await call(s, 'PUT', `/v1/keys/${'k'.repeat(65)}`, { body: { value: 'v' } }), 400, 'VALIDATION_ERROR', 'params.key');
      expectError(await call(s, 'PUT', '/v1/keys/big', { body: { value: 'v'.repeat(2000) } }), 413, 'PAYLOAD_TOO_LARGE', 'body.value');
      const huge = await call(s, 'PUT', '/v1/keys/huge', { body: { value: 'v'.repeat(10_000) } });
      expectError(huge, 413, 'PAYLOAD_TOO_LARGE', 'body');
      expectError(await call(s, 'PUT', '/v1/keys/x', { body: { value: 5 } }), 400, 'VALIDATION_ERROR', 'body.value');
      expectError(await call(s, 'PUT', '/v1/keys/__proto__', { body: { value: 'x' } }), 400, 'VALIDATION_ERROR', 'params.key');
    });
    expect(writes).toEqual([]);
    expect((await call(s, 'GET', '/healthz')).status).toBe(200);
  });

  it('answers 415 for a body that is not JSON, text/plain included', async () => {
    const result = await call(s, 'PUT', '/v1/keys/x', { rawBody: '<value>1</value>', headers: { 'content-type': 'application/xml' } });
    expectError(result, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const plain = await call(s, 'PUT', '/v1/keys/x', { rawBody: 'hello', headers: { 'content-type': 'text/plain' } });
    expectError(plain, 415, 'UNSUPPORTED_MEDIA_TYPE', 'headers.content-type');
    expect(plain.body.error.message).toBe('headers.content-type: this content type is not accepted here; send JSON (application/json) or a form (application/x-www-form-urlencoded)');
    const check = await call(s, 'POST', '/v1/ratelimit/check', { rawBody: 'hello', headers: { 'content-type': 'text/plain' } });
    expectError(check, 415, 'UNSUPPORTED_MEDIA_TYPE', 'headers.content-type');
    expect(check.body.error.message).toBe("headers.content-type: 'text/plain' is not accepted here; send JSON (application/json)");
    expectError(await call(s, 'POST', '/v1/counters/x/incr', { rawBody: '5', headers: { 'content-type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    // An HTML form is taken, its fields typed as the route's schema wants them.
    const formCall = (method: string, route: string, body: string) => call(s, method, route, { rawBody: body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect((await formCall('PUT', '/v1/keys/from-form', 'value=caf%C3%A9+au+lait')).status).toBe(200);
    expect((await call(s, 'GET', '/v1/keys/from-form')).body).toMatchObject({ value: 'café au lait' });
    // A number where the schema takes one, a boolean likewise; a value that looks numeric stays text.
    expect((await formCall('PUT', '/v1/keys/form-typed', 'value=123&ttlMs=60000&nx=true')).status).toBe(200);
    const typed = (await call(s, 'GET', '/v1/keys/form-typed')).body;
    expect(typed.value).toBe('123');
    expect(typed.ttlMs).toBeGreaterThan(59_000);
    expect((await formCall('PUT', '/v1/keys/form-typed', 'value=again&nx=true')).status).toBe(412);
    expect((await formCall('POST', '/v1/counters/form-counter/incr', 'by=5')).body).toMatchObject({ value: 5 });
    expect((await formCall('POST', '/v1/counters/form-counter/incr', 'by=-2&ttlMs=1e4')).body).toMatchObject({ value: 3 });
    // Text that is not a number or a boolean is refused naming the field, as in JSON.
    expectError(await formCall('PUT', '/v1/keys/from-form', 'value=v&ttlMs=soon'), 400, 'VALIDATION_ERROR', 'body.ttlMs');
    expectError(await formCall('PUT', '/v1/keys/from-form', 'value=v&ttlMs=0'), 400, 'VALIDATION_ERROR', 'body.ttlMs');
    expectError(await formCall('PUT', '/v1/keys/from-form', 'value=v&nx=yes'), 400, 'VALIDATION_ERROR', 'body.nx');
    expectError(await formCall('POST', '/v1/counters/form-counter/incr', 'by=1.5'), 400, 'VALIDATION_ERROR', 'body.by');
    expectError(await formCall('PUT', '/v1/keys/from-form', 'value=v&extra=1'), 400, 'VALIDATION_ERROR', 'body.extra');
    expectError(await formCall('PUT', '/v1/keys/from-form', 'value=v&__proto__=x'), 400, 'VALIDATION_ERROR', 'body.__proto__');
    const twice = await formCall('PUT', '/v1/keys/from-form', 'value=a&value=b');
    expectError(twice, 400, 'VALIDATION_ERROR', 'body.value');
    expect(twice.body.error.message).toBe('body.value: given more than once (send it once)');
  });

  it('reads forms and JSON as UTF-8: malformed escapes and bytes that are not UTF-8 are refused, not read as U+FFFD', async () => {
    const form = (body: string | Uint8Array, type = 'application/x-www-form-urlencoded') => call(s, 'POST', '/v1/sessions', { rawBody: body, headers: { 'content-type': type } });
    // %E9 and %E8 alone are not UTF-8: both would have become the user "\ufffd".
    for (const escape of ['%E9', '%E8', '%ZZ', '%']) {
      const refused = await form(`userId=${escape}`);
      expectError(refused, 400, 'VALIDATION_ERROR', 'body');
      expect(refused.body.error.message).toBe('body: malformed percent-encoding in the form');
    }
    expectError(await form(Buffer.from([0x75, 0x73, 0x65, 0x72, 0x49, 0x64, 0x3d, 0xe9])), 400, 'INVALID_JSON', 'body');
    expectError(await form('userId=u', 'application/x-www-form-urlencoded; charset=iso-8859-1'), 415, 'UNSUPPORTED_MEDIA_TYPE', 'headers.content-type');
    const created = await form('userId=%C3%A9t%C3%A9+d%27or');
    expect({ status: created.status, userId: created.body.userId }).toEqual({ status: 201, userId: "été d'or" });
    // JSON whose bytes are not UTF-8 (a Latin-1 é): 400 naming the body, on a Nest route as on the fast lane.
    const latin1 = await call(s, 'PUT', '/v1/keys/latin1', { rawBody: Buffer.from([...Buffer.from('{"value":"caf'), 0xe9, ...Buffer.from('"}')]) });
    expectError(latin1, 400, 'INVALID_JSON', 'body');
    expect(latin1.body.error.message).toBe('body: not valid UTF-8');
    expectError(await call(s, 'PUT', '/v1/keys/latin1', { rawBody: '{"value":"x"}', headers: { 'content-type': 'application/json; charset=latin1' } }), 415, 'UNSUPPORTED_MEDIA_TYPE', 'headers.content-type');
    expect((await call(s, 'GET', '/v1/keys/latin1')).status).toBe(404);
  });

  it('answers a key over max-key-length with 400 params.key past Fastify\'s 100-character default, and 414 URI_TOO_LONG past twice the limit', async () => {
    // max-key-length is 64 here: the path parameter limit is 128 decoded characters.
    expect((await call(s, 'PUT', `/v1/keys/${'%41'.repeat(64)}`, { body: { value: 'long' } })).status).toBe(200);
    expect((await call(s, 'GET', `/v1/keys/${'A'.repeat(64)}`)).body).toMatchObject({ value: 'long' });
    expectError(await call(s, 'GET', `/v1/keys/${'k'.repeat(101)}`), 400, 'VALIDATION_ERROR', 'params.key');
    expectError(await call(s, 'GET', `/v1/keys/${'k'.repeat(128)}/info`), 400, 'VALIDATION_ERROR', 'params.key');
    const tooLong = await call(s, 'GET', `/v1/keys/${'a'.repeat(129)}`);
    expectError(tooLong, 414, 'URI_TOO_LONG', 'params');
    expect(tooLong.body.error.message).not.toContain('aaaa');
  });

  it('refuses bad JSON, a poisoned body and one over body-limit with the same texts on every route, naming the body', async () => {
    const cases: Array<[string, number, string]> = [
      ['{"value": ', 400, 'body: not valid JSON'],
      ['{"__proto__": {"admin": true}, "value": "v"}', 400, 'body: contains a forbidden __proto__ or constructor property'],
      ['{"\\u005f_proto__": {"admin": true}, "value": "v"}', 400, 'body: contains a forbidden __proto__ or constructor property'],
      ['{"value": "v", "x": {"constructor": {"prototype": {"admin": true}}}}', 400, 'body: contains a forbidden __proto__ or constructor property'],
      [JSON.stringify({ value: 'v'.repeat(10_000) }), 413, 'body: larger than body-limit'],
    ];
    for (const [rawBody, status, message] of cases) {
      for (const [method, route] of [['PUT', '/v1/keys/x'], ['POST', '/v1/sessions'], ['POST', '/v1/ratelimit/check']]) {
        const result = await call(s, method, route, { rawBody });
        expect({ route, status: result.status, message: result.body.error.message, field: result.body.error.field }).toEqual({ route, status, message, field: 'body' });
      }
    }
  });

  it('takes a key named constructor (without a prototype) as data, and an empty JSON body as no body', async () => {
    const session = await call(s, 'POST', '/v1/sessions', { body: { data: { constructor: 'Bob' } } });
    expect(session.status).toBe(201);
    expect(session.body.data).toEqual({ constructor: 'Bob' });
    await call(s, 'POST', '/v1/counters/empty-body/incr');
    for (const [method, route] of [['POST', '/v1/counters/empty-body/incr'], ['POST', '/v1/ratelimit/check']]) {
      const result = await call(s, method, route, { rawBody: '', headers: { 'content-type': 'application/json' } });
      expect({ route, status: result.status }).toEqual({ route, status: route.includes('counters') ? 200 : 400 });
    }
    expect((await call(s, 'GET', '/v1/counters/empty-body')).body).toMatchObject({ value: 2 });
  });

  it('with ?encoding=base64 carries keys and values as base64 of their exact bytes: binary values, keys text cannot name', async () => {
    const b64 = (bytes: number[] | string) => Buffer.from(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes)).toString('base64');
    const engine = s.server.keyspace.engine;
    // Bytes as the engine holds them (one char per byte): a value that is not UTF-8, under a key
    // named "." that no URL path can carry as text, and a key with a control character.
    engine.execute(['SET', '.', '\xff\x00A']);
    engine.execute(['HSET', 'bin\x01hash', '\xc3\x28', '\xe2\x82']);
    const dot = await call(s, 'GET', '/v1/keys/Lg?encoding=base64');
    expect(dot.body).toEqual({ key: 'Lg==', type: 'string', value: b64([0xff, 0x00, 0x41]), ttlMs: null });
    // Text mode reads the same value with U+FFFD; base64 gives back every byte.
    expect((await call(s, 'GET', `/v1/keys/${encodeURIComponent(b64('bin\x01hash'))}?encoding=base64`)).body).toEqual({
      key: b64('bin\x01hash'),
      type: 'hash',
      value: { [b64([0xc3, 0x28])]: b64([0xe2, 0x82]) },
      ttlMs: null,
    });
    // URL-safe alphabet and no padding in the path; info, type and ttl name the key in base64.
    const info = await call(s, 'GET', `/v1/keys/${b64('bin\x01hash').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}/info?encoding=base64`);
    expect(info.body).toMatchObject({ key: b64('bin\x01hash'), type: 'hash', length: 1 });
    expect((await call(s, 'GET', '/v1/keys/Lg/type?encoding=base64')).body).toEqual({ key: 'Lg==', type: 'string' });
    // Writes: a binary value stored byte for byte, a TTL, a delete.
    const put = await call(s, 'PUT', '/v1/keys/Li4?encoding=base64', { body: { value: b64([0x80, 0xfe]), ttlMs: 60_000 } });
    expect(put.body).toEqual({ key: 'Li4=', type: 'string', value: 'gP4=', ttlMs: 60_000 });
    expect(engine.get('..')).toBe('\x80\xfe');
    expect((await call(s, 'PUT', '/v1/keys/Li4/ttl?encoding=base64', { body: { ttlMs: null } })).body).toEqual({ key: 'Li4=', ttlMs: null });
    expect((await call(s, 'DELETE', '/v1/keys/Li4?encoding=base64')).status).toBe(204);
    expect(engine.get('..')).toBeNull();
    // SCAN lists every key, in base64, so each can be opened.
    const page = await call(s, 'GET', '/v1/keys?pattern=*&count=1000&encoding=base64');
    expect(page.body.keys).toEqual(expect.arrayContaining(['Lg==', b64('bin\x01hash')]));
    // Bad input: not base64, empty, too long (max-key-length is 64 here), an unknown encoding or query parameter.
    expectError(await call(s, 'GET', '/v1/keys/no%20t*?encoding=base64'), 400, 'VALIDATION_ERROR', 'params.key');
    expectError(await call(s, 'GET', '/v1/keys/A?encoding=base64'), 400, 'VALIDATION_ERROR', 'params.key');
    // Lh decodes to "." too, with stray low bits: only the canonical spelling names a key.
    expectError(await call(s, 'GET', '/v1/keys/Lh?encoding=base64'), 400, 'VALIDATION_ERROR', 'params.key');
    expectError(await call(s, 'GET', '/v1/keys/%3D%3D?encoding=base64'), 400, 'VALIDATION_ERROR', 'params.key');
    expectError(await call(s, 'GET', `/v1/keys/${b64('k'.repeat(65))}?encoding=base64`), 400, 'VALIDATION_ERROR', 'params.key');
    expectError(await call(s, 'PUT', '/v1/keys/Lg?encoding=base64', { body: { value: 'not base64!' } }), 400, 'VALIDATION_ERROR', 'body.value');
    expectError(await call(s, 'GET', '/v1/keys/Lg?encoding=hex'), 400, 'VALIDATION_ERROR', 'query.encoding');
    expectError(await call(s, 'GET', '/v1/keys/Lg?encodng=base64'), 400, 'VALIDATION_ERROR', 'query.encodng');
    expect(engine.get('.')).toBe('\xff\x00A');
  });

  it('reads a hash whose field names are not UTF-8 in text mode too (they read as U+FFFD; base64 keeps them apart)', async () => {
    s.server.keyspace.engine.execute(['HSET', 'lossy-hash', '\xff', 'a', '\xfe', 'b']);
    const text = await call(s, 'GET', '/v1/keys/lossy-hash');
    expect(text.status).toBe(200);
    expect(Object.keys(text.body.value)).toEqual(['\ufffd']);
    const exact = await call(s, 'GET', `/v1/keys/${Buffer.from('lossy-hash').toString('base64url')}?encoding=base64`);
    expect(exact.body.value).toEqual({ '/w==': 'YQ==', '/g==': 'Yg==' });
  });

  it('treats an empty query parameter as not given (?pattern=&type=)', async () => {
    await call(s, 'PUT', '/v1/keys/empty-query', { body: { value: '1' } });
    const page = await call(s, 'GET', '/v1/keys?pattern=&cursor=0&count=1000&type=');
    expect(page.status).toBe(200);
    expect(page.body.keys).toContain('empty-query');
  });
});

describe('engine errors map to HTTP statuses', () => {
  it('OOM -> 507 when maxmemory is reached under noeviction', async () => {
    const oom = await startHttpServer();
    try {
      await call(oom, 'PUT', '/v1/keys/filler', { body: { value: 'x'.repeat(500) } });
      const set = await call(oom, 'PUT', '/v1/admin/config/maxmemory', { body: { value: '1' }, token: ADMIN_TOKEN });
      expect(set.status).toBe(200);
      expectError(await call(oom, 'PUT', '/v1/keys/more', { body: { value: 'y' } }), 507, 'OOM');
      expectError(await call(oom, 'POST', '/v1/sessions', { body: {} }), 507, 'OOM');
      // Reads go on.
      expect((await call(oom, 'GET', '/v1/keys/filler')).status).toBe(200);
    } finally {
      await oom.close();
    }
  });

  it('appendfsync always: a read answers only once the newest write it may show is committed', async () => {
    const keyspace = s.server.keyspace;
    const durability = keyspace.durability;
    let commit: () => void = () => undefined;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    keyspace.durability = { writeError: () => null, waitFor: () => committed, isDurable: () => false, readsWait: () => true };
    try {
      keyspace.engine.set('counter:fenced', '7'); // another client's write, not yet durable
      let answered = false;
      const read = call(s, 'GET', '/v1/counters/fenced').then((answer) => {
        answered = true;
        return answer;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(answered).toBe(false);
      commit();
      expect((await read).body).toMatchObject({ value: 7 });
    } finally {
      keyspace.durability = durability;
    }
  });

  it('appendfsync always: a denied rate-limit check (no write of its own, fast lane) answers once the newest write is committed', async () => {
    const keyspace = s.server.keyspace;
    const durability = keyspace.durability;
    const body = { key: 'fence', algorithm: 'fixed-window', limit: 1, windowMs: 60_000 };
    expect((await call(s, 'POST', '/v1/ratelimit/check', { body })).body.allowed).toBe(true);
    const committedUpTo = keyspace.engine.lastSeq;
    let commit: () => void = () => undefined;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    keyspace.durability = { writeError: () => null, waitFor: () => committed, isDurable: (seq) => seq <= committedUpTo, readsWait: () => true };
    try {
      keyspace.engine.set('other-client-write', 'x');
      let answered = false;
      const denied = call(s, 'POST', '/v1/ratelimit/check', { body }).then((answer) => {
        answered = true;
        return answer;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(answered).toBe(false);
      commit();
      expect((await denied).body).toMatchObject({ allowed: false });
    } finally {
      keyspace.durability = durability;
    }
  });

  it('MISCONF -> 503 while the log cannot commit; reads go on', async () => {
    const keyspace = s.server.keyspace;
    const durability = keyspace.durability;
    keyspace.durability = { writeError: () => new MnemoError('MISCONF', 'Errors writing to the event log'), waitFor: () => Promise.resolve(), isDurable: () => true, readsWait: () => false };
    try {
      expectError(await call(s, 'PUT', '/v1/keys/blocked', { body: { value: 'v' } }), 503, 'MISCONF');
      expectError(await call(s, 'POST', '/v1/ratelimit/check', { body: { key: 'k', algorithm: 'gcra', limit: 1, windowMs: 1000 } }), 503, 'MISCONF');
      expect((await call(s, 'GET', '/v1/counters/hits')).status).toBe(200);
    } finally {
      keyspace.durability = durability;
    }
    expect((await call(s, 'PUT', '/v1/keys/blocked', { body: { value: 'v' } })).status).toBe(200);
  });
});

describe('API keys on counters and keys', () => {
  let secured: HttpTestServer;
  beforeAll(async () => {
    secured = await startHttpServer(['--api-keys', 'k1']);
  });
  afterAll(() => secured.close());

  it.each([
    ['GET', '/v1/counters/a'],
    ['POST', '/v1/counters/a/incr'],
    ['DELETE', '/v1/counters/a'],
    ['GET', '/v1/keys'],
    ['GET', '/v1/keys/a'],
    ['PUT', '/v1/keys/a'],
    ['DELETE', '/v1/keys/a'],
    ['GET', '/v1/keys/a/info'],
  ])('%s %s: 401 without a key, 403 with a wrong one', async (method, route) => {
    const body = method === 'PUT' ? { value: 'v' } : undefined;
    expectError(await call(secured, method, route, { body }), 401, 'UNAUTHORIZED');
    expectError(await call(secured, method, route, { body, token: 'k2' }), 403, 'FORBIDDEN');
  });

  it('accepts a configured key and the admin token (the dashboard browses keys with it)', async () => {
    expect((await call(secured, 'PUT', '/v1/keys/a', { body: { value: 'v' }, token: 'k1' })).status).toBe(200);
    expect((await call(secured, 'GET', '/v1/keys/a', { token: ADMIN_TOKEN })).status).toBe(200);
  });
});
