// /v1/admin, /metrics, /docs and the probes over real HTTP: every admin route with its token
// (401 missing, 403 wrong), config get/set, persistence actions, flush, policy editing.

import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bytesFromText } from '@mnemo/engine';
import { NO_PERSISTENCE } from '../src/core/persistence-control';
import { ADMIN_TOKEN, call, expectError, HttpTestServer, startHttpServer } from './support/http-client';

let s: HttpTestServer;

beforeAll(async () => {
  s = await startHttpServer();
});
afterAll(() => s.close());

const admin = (method: string, route: string, body?: unknown) => call(s, method, route, { body, token: ADMIN_TOKEN });

describe('admin token', () => {
  it.each([
    ['GET', '/v1/admin/info'],
    ['GET', '/v1/admin/config'],
    ['GET', '/v1/admin/keys/count'],
    ['PUT', '/v1/admin/config/maxmemory'],
    ['POST', '/v1/admin/save'],
    ['POST', '/v1/admin/bgsave'],
    ['POST', '/v1/admin/rewrite'],
    ['POST', '/v1/admin/flush'],
    ['GET', '/v1/admin/ratelimit/policies'],
    ['PUT', '/v1/admin/ratelimit/policies/p'],
    ['DELETE', '/v1/admin/ratelimit/policies/p'],
  ])('%s %s: 401 without the token, 403 with a wrong one (or an API key header)', async (method, route) => {
    const body = method === 'GET' ? undefined : {};
    const missing = await call(s, method, route, { body });
    expectError(missing, 401, 'UNAUTHORIZED');
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    expectError(await call(s, method, route, { body, token: 'not-the-token' }), 403, 'FORBIDDEN');
    expectError(await call(s, method, route, { body, headers: { 'x-api-key': ADMIN_TOKEN } }), 401, 'UNAUTHORIZED');
  });
});

describe('GET /v1/admin/info', () => {
  it('reports server, memory, stats, keyspace, persistence and rate-limit sections', async () => {
    await call(s, 'PUT', '/v1/keys/info-key', { body: { value: 'v', ttlMs: 60_000 } });
    await call(s, 'GET', '/v1/keys/info-key');
    const info = await admin('GET', '/v1/admin/info');
    expect(info.status).toBe(200);
    expect(Object.keys(info.body).sort()).toEqual(['commandstats', 'keyspace', 'memory', 'persistence', 'ratelimit', 'server', 'stats']);
    expect(info.body.keyspace.keys).toBeGreaterThanOrEqual(1);
    expect(info.body.keyspace.expires).toBeGreaterThanOrEqual(1);
    expect(info.body.stats.keyspace_hits).toBeGreaterThanOrEqual(1);
    expect(info.body.memory.used_memory).toBeGreaterThan(0);
    expect(info.body.persistence).toHaveProperty('write_error', null);
  });
});

describe('GET /v1/admin/keys/count', () => {
  it('counts the keys matching a pattern (and type) over the whole keyspace, past many scan slices', async () => {
    const engine = s.server.keyspace.engine;
    for (let i = 0; i < 25_000; i++) engine.set(bytesFromText(`count-other:${i}`), bytesFromText('v'));
    for (let i = 0; i < 300; i++) engine.set(bytesFromText(`count-sess:${i}`), bytesFromText('v'));
    for (let i = 0; i < 40; i++) engine.execute(['hset', `count-sess:h${i}`, 'f', 'v'].map(bytesFromText));
    engine.set(bytesFromText('count-sess:gone'), bytesFromText('v'), { expiresAt: Date.now() - 1 });

    const all = await admin('GET', '/v1/admin/keys/count?pattern=count-sess:*');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ pattern: 'count-sess:*', type: null, count: 340 });
    expect(typeof all.body.ms).toBe('number');
    expect((await admin('GET', '/v1/admin/keys/count?pattern=count-sess:*&type=hash')).body).toMatchObject({ type: 'hash', count: 40 });
    expect((await admin('GET', '/v1/admin/keys/count?pattern=count-other:*')).body.count).toBe(25_000);
    const everything = (await admin('GET', '/v1/admin/keys/count')).body;
    expect(everything).toMatchObject({ pattern: '*', count: engine.execute([bytesFromText('dbsize')]) });
    for (let i = 0; i < 25_000; i++) engine.del([bytesFromText(`count-other:${i}`)]);
  });

  it('refuses a bad type, an oversized pattern and unknown parameters naming them', async () => {
    expectError(await admin('GET', '/v1/admin/keys/count?type=list'), 400, 'VALIDATION_ERROR', 'query.type');
    expectError(await admin('GET', `/v1/admin/keys/count?pattern=${'x'.repeat(1100)}`), 400, 'VALIDATION_ERROR', 'query.pattern');
    expectError(await admin('GET', '/v1/admin/keys/count?cursor=5'), 400, 'VALIDATION_ERROR', 'query.cursor');
  });
});

describe('config', () => {
  it('gets by pattern and sets engine parameters', async () => {
    const all = await admin('GET', '/v1/admin/config?pattern=maxmemory*');
    expect(all.body).toMatchObject({ maxmemory: '0', 'maxmemory-policy': 'noeviction' });
    expect((await admin('PUT', '/v1/admin/config/maxmemory-policy', { value: 'allkeys-lru' })).body).toEqual({ 'maxmemory-policy': 'allkeys-lru' });
    expect((await admin('PUT', '/v1/admin/config/maxmemory-samples', { value: '10' })).body).toEqual({ 'maxmemory-samples': '10' });
    expect((await admin('GET', '/v1/admin/config?pattern=maxmemory-policy')).body).toEqual({ 'maxmemory-policy': 'allkeys-lru' });
    await admin('PUT', '/v1/admin/config/maxmemory-policy', { value: 'noeviction' });
  });

  it('rejects unknown parameters, bad values and bad bodies naming the field', async () => {
    expectError(await admin('PUT', '/v1/admin/config/no-such-thing', { value: '1' }), 400, 'VALIDATION_ERROR', 'params.name');
    expectError(await admin('PUT', '/v1/admin/config/maxmemory-policy', { value: 'sometimes' }), 400, 'ERR', 'body.value');
    expectError(await admin('PUT', '/v1/admin/config/maxmemory', { value: [5] }), 400, 'VALIDATION_ERROR', 'body.value');
    expectError(await admin('PUT', '/v1/admin/config/maxmemory', { value: -5 }), 400, 'ERR', 'body.value');
    expectError(await admin('PUT', '/v1/admin/config/max%20memory', { value: '1' }), 400, 'VALIDATION_ERROR', 'params.name');
    expectError(await admin('GET', `/v1/admin/config?pattern=${'x'.repeat(300)}`), 400, 'VALIDATION_ERROR', 'query.pattern');
  });

  it('takes JSON numbers and booleans as their config text; an empty pattern counts as none', async () => {
    expect((await admin('PUT', '/v1/admin/config/maxmemory-samples', { value: 7 })).status).toBe(200);
    expect((await admin('GET', '/v1/admin/config?pattern=maxmemory-samples')).body).toEqual({ 'maxmemory-samples': '7' });
    expect((await admin('PUT', '/v1/admin/config/maxmemory-samples', { value: 5 })).status).toBe(200);
    const all = await admin('GET', '/v1/admin/config?pattern=');
    expect(all.status).toBe(200);
    expect(all.body).toEqual((await admin('GET', '/v1/admin/config')).body);
  });
});

describe('persistence actions', () => {
  it.each([
    ['save', 200],
    ['bgsave', 202],
    ['rewrite', 202],
  ])('POST /v1/admin/%s answers %d, or 501 NOT_CONFIGURED without persistence', async (action, okStatus) => {
    const result = await admin('POST', `/v1/admin/${action}`);
    if (s.server.keyspace.persistence === NO_PERSISTENCE) expectError(result, 501, 'NOT_CONFIGURED');
    else expect([okStatus, 409]).toContain(result.status);
  });
});

describe('POST /v1/admin/flush', () => {
  it('needs the confirmation, then removes every key', async () => {
    await call(s, 'PUT', '/v1/keys/doomed', { body: { value: 'v' } });
    expectError(await admin('POST', '/v1/admin/flush'), 400, 'VALIDATION_ERROR', 'body.confirm');
    expectError(await admin('POST', '/v1/admin/flush', { confirm: 'yes' }), 400, 'VALIDATION_ERROR', 'body.confirm');
    expect(s.server.keyspace.engine.stats().keys).toBeGreaterThan(0);
    const flushed = await admin('POST', '/v1/admin/flush', { confirm: 'FLUSHALL' });
    expect(flushed.status).toBe(200);
    expect(flushed.body.flushed).toBeGreaterThan(0);
    expect(s.server.keyspace.engine.stats().keys).toBe(0);
  });
});

describe('rate-limit policies at run time', () => {
  it('creates, uses, lists with counters, replaces and deletes a policy', async () => {
    const created = await admin('PUT', '/v1/admin/ratelimit/policies/burst', { algorithm: 'token-bucket', limit: 1, windowMs: 60_000, burst: 2 });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'burst', domain: 'default', shadow: false, counters: { allowed: 0 } });
    expect((await call(s, 'GET', '/v1/ratelimit/burst/u')).status).toBe(200);
    expect((await call(s, 'GET', '/v1/ratelimit/burst/u')).status).toBe(200);
    expect((await call(s, 'GET', '/v1/ratelimit/burst/u')).status).toBe(429);
    const list = await admin('GET', '/v1/admin/ratelimit/policies');
    expect(list.body.policies).toEqual([expect.objectContaining({ name: 'burst', counters: { allowed: 2, denied: 1, nearLimit: 1, shadowDenied: 0 } })]);
    await admin('PUT', '/v1/admin/ratelimit/policies/burst', { algorithm: 'token-bucket', limit: 1, windowMs: 60_000, burst: 2, shadow: true });
    expect((await call(s, 'GET', '/v1/ratelimit/burst/u')).status).toBe(200);
    expect((await call(s, 'GET', '/metrics')).text).toContain('policy="burst"');
    expect((await admin('DELETE', '/v1/admin/ratelimit/policies/burst')).status).toBe(204);
    expect((await call(s, 'GET', '/metrics')).text).not.toContain('policy="burst"'); // its series go with it
    expectError(await call(s, 'GET', '/v1/ratelimit/burst/u'), 404, 'NOT_FOUND', 'params.policy');
    expectError(await admin('DELETE', '/v1/admin/ratelimit/policies/burst'), 404, 'NOT_FOUND', 'params.name');
  });

  it('honours If-None-Match: * (create only) and If-Match: <etag> (replace only that version) with 412', async () => {
    const put = (body: unknown, headers: Record<string, string>) => call(s, 'PUT', '/v1/admin/ratelimit/policies/guarded', { body, token: ADMIN_TOKEN, headers });
    const first = await put({ algorithm: 'fixed-window', limit: 5, windowMs: 900_000 }, { 'if-none-match': '*' });
    expect(first.status).toBe(200);
    expect(first.body.etag).toMatch(/^"[\w-]{16}"$/);
    const again = await put({ algorithm: 'fixed-window', limit: 100, windowMs: 60_000 }, { 'if-none-match': '*' });
    expectError(again, 412, 'PRECONDITION_FAILED', 'headers.if-none-match');
    const listed = (await admin('GET', '/v1/admin/ratelimit/policies')).body.policies.find((p: { name: string }) => p.name === 'guarded');
    expect(listed).toMatchObject({ limit: 5, etag: first.body.etag });
    // Someone else's edit comes first: an edit from the version read before it is refused.
    const other = await put({ algorithm: 'fixed-window', limit: 3, windowMs: 900_000 }, { 'if-match': first.body.etag });
    expect(other.status).toBe(200);
    expect(other.body.etag).not.toBe(first.body.etag);
    const stale = await put({ algorithm: 'fixed-window', limit: 5, windowMs: 900_000, shadow: true }, { 'if-match': first.body.etag });
    expectError(stale, 412, 'PRECONDITION_FAILED', 'headers.if-match');
    expect(stale.body.error.message).toContain(other.body.etag);
    expect((await put({ algorithm: 'fixed-window', limit: 3, windowMs: 900_000, shadow: true }, { 'if-match': `"x", ${other.body.etag}` })).status).toBe(200);
    expectError(await put({ algorithm: 'gcra', limit: 1, windowMs: 1000 }, { 'if-none-match': '"x"' }), 400, 'VALIDATION_ERROR', 'headers.if-none-match');
    expect((await admin('DELETE', '/v1/admin/ratelimit/policies/guarded')).status).toBe(204);
    expectError(await put({ algorithm: 'gcra', limit: 1, windowMs: 1000 }, { 'if-match': '*' }), 412, 'PRECONDITION_FAILED', 'headers.if-match');
  });

  it('rejects bad policies naming the field', async () => {
    expectError(await admin('PUT', '/v1/admin/ratelimit/policies/p', { algorithm: 'magic', limit: 1, windowMs: 1000 }), 400, 'VALIDATION_ERROR', 'body.algorithm');
    expectError(await admin('PUT', '/v1/admin/ratelimit/policies/p', { algorithm: 'gcra', limit: 0, windowMs: 1000 }), 400, 'VALIDATION_ERROR', 'body.limit');
    expectError(await admin('PUT', '/v1/admin/ratelimit/policies/p', { algorithm: 'gcra', limit: 1 }), 400, 'VALIDATION_ERROR', 'body.windowMs');
    expectError(await admin('PUT', '/v1/admin/ratelimit/policies/bad%20name', { algorithm: 'gcra', limit: 1, windowMs: 1000 }), 400, 'VALIDATION_ERROR', 'params.name');
    expectError(await admin('PUT', '/v1/admin/ratelimit/policies/__proto__', { algorithm: 'gcra', limit: 1, windowMs: 1000 }), 400, 'VALIDATION_ERROR', 'params.name');
    const protoDescriptor = { domain: 'd', descriptors: [{ key: '__proto__' }], algorithm: 'gcra', limit: 1, windowMs: 1000 };
    expectError(await admin('PUT', '/v1/admin/ratelimit/policies/p', protoDescriptor), 400, 'VALIDATION_ERROR', 'body.descriptors.0.key');
    const burstOnWindow = await admin('PUT', '/v1/admin/ratelimit/policies/p', { algorithm: 'fixed-window', limit: 5, windowMs: 1000, burst: 2 });
    expectError(burstOnWindow, 400, 'VALIDATION_ERROR', 'body.burst');
    expect(burstOnWindow.body.error.message).toBe('body.burst: applies to token-bucket and gcra only, not to fixed-window');
    expectError(await admin('PUT', '/v1/admin/ratelimit/policies/p', { algorithm: 'token-bucket', limit: 5, windowMs: 1000, burst: 0 }), 400, 'VALIDATION_ERROR', 'body.burst');
    expectError(await admin('PUT', '/v1/admin/ratelimit/policies/p', { name: 'other', algorithm: 'gcra', limit: 1, windowMs: 1000 }), 400, 'VALIDATION_ERROR', 'body.name');
    const twice = { descriptors: [{ key: 'ip' }, { key: 'ip', value: '1' }], algorithm: 'gcra', limit: 1, windowMs: 1000 };
    expectError(await admin('PUT', '/v1/admin/ratelimit/policies/p', twice), 400, 'VALIDATION_ERROR', 'body.descriptors.1.key');
  });

  it('takes a name in the body when it is the path\'s', async () => {
    const put = await admin('PUT', '/v1/admin/ratelimit/policies/same', { name: 'same', algorithm: 'gcra', limit: 1, windowMs: 1000 });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'same' });
    expect((await admin('DELETE', '/v1/admin/ratelimit/policies/same')).status).toBe(204);
  });
});

describe('policy edits are written to the policy file', () => {
  const putPolicy = (server: HttpTestServer, name: string, body: unknown) => call(server, 'PUT', `/v1/admin/ratelimit/policies/${name}`, { body, token: ADMIN_TOKEN });
  const deletePolicy = (server: HttpTestServer, name: string) => call(server, 'DELETE', `/v1/admin/ratelimit/policies/${name}`, { token: ADMIN_TOKEN });
  const policyNames = async (server: HttpTestServer) => (await call(server, 'GET', '/v1/admin/ratelimit/policies', { token: ADMIN_TOKEN })).body.policies.map((p: { name: string }) => p.name);
  const namesInFile = (file: string) => JSON.parse(readFileSync(file, 'utf8')).policies.map((p: { name: string }) => p.name);

  it('by default beside the database: created by the first edit, read again at the next start', async () => {
    const first = await startHttpServer();
    const file = path.join(first.dir, 'mnemo.ratelimit-policies.json');
    expect(existsSync(file)).toBe(false);
    expect((await putPolicy(first, 'login', { algorithm: 'gcra', limit: 5, windowMs: 60_000, burst: 2 })).status).toBe(200);
    expect((await putPolicy(first, 'api', { algorithm: 'fixed-window', limit: 100, windowMs: 1000 })).status).toBe(200);
    expect((await deletePolicy(first, 'api')).status).toBe(204);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      policies: [{ name: 'login', domain: 'default', descriptors: [], algorithm: 'gcra', limit: 5, windowMs: 60_000, burst: 2, shadow: false }],
    });
    await first.close({ keepDir: true });
    const second = await startHttpServer([], first.dir);
    try {
      expect(await policyNames(second)).toEqual(['login']);
      const checked = await call(second, 'GET', '/v1/ratelimit/login/u1');
      expect(checked.status).toBe(200);
      expect(checked.headers.get('ratelimit-policy')).toBe('"login";q=5;w=60'); // the policy read back: 5 a minute
    } finally {
      await second.close();
    }
  });

  it('a named file that is a symlink: the file it points to is rewritten, the link stays', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mnemo-policies-'));
    const real = path.join(dir, 'real-policies.json');
    const link = path.join(dir, 'policies.json');
    writeFileSync(real, JSON.stringify({ policies: [] }));
    symlinkSync(real, link);
    const server = await startHttpServer(['--ratelimit-policies', link], dir);
    try {
      expect((await putPolicy(server, 'api', { algorithm: 'gcra', limit: 1, windowMs: 1000 })).status).toBe(200);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(namesInFile(real)).toEqual(['api']);
    } finally {
      await server.close();
    }
  });

  it('a file that cannot be written: 503 MISCONF naming it, the policies unchanged, edits work again once it can', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mnemo-policies-'));
    const confDir = path.join(dir, 'conf');
    const file = path.join(confDir, 'policies.json');
    mkdirSync(confDir);
    writeFileSync(file, JSON.stringify({ policies: [{ name: 'keep', algorithm: 'fixed-window', limit: 1, windowMs: 1000 }] }));
    const server = await startHttpServer(['--ratelimit-policies', file], dir);
    try {
      // A file where the directory was: nothing, not even root, can create a file below it.
      rmSync(confDir, { recursive: true });
      writeFileSync(confDir, 'not a directory');
      const refused = await putPolicy(server, 'added', { algorithm: 'gcra', limit: 1, windowMs: 1000 });
      expectError(refused, 503, 'MISCONF');
      expect(refused.body.error.message).toContain(file);
      expectError(await putPolicy(server, 'keep', { algorithm: 'gcra', limit: 9, windowMs: 1000 }), 503, 'MISCONF');
      expectError(await deletePolicy(server, 'keep'), 503, 'MISCONF');
      const list = (await call(server, 'GET', '/v1/admin/ratelimit/policies', { token: ADMIN_TOKEN })).body.policies;
      expect(list).toEqual([expect.objectContaining({ name: 'keep', algorithm: 'fixed-window', limit: 1 })]);

      rmSync(confDir);
      mkdirSync(confDir);
      expect((await putPolicy(server, 'added', { algorithm: 'gcra', limit: 1, windowMs: 1000 })).status).toBe(200);
      expect(namesInFile(file)).toEqual(['keep', 'added']);
      expect(readdirSync(confDir)).toEqual(['policies.json']); // no temporary file left behind
    } finally {
      await server.close();
    }
  });
});

describe('probes, metrics and docs', () => {
  it('/healthz and /readyz answer 200; /readyz 503 LOADING while recovering', async () => {
    expect((await call(s, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await call(s, 'GET', '/readyz')).status).toBe(200);
    s.server.keyspace.ready = false;
    try {
      expectError(await call(s, 'GET', '/readyz'), 503, 'LOADING');
      expectError(await call(s, 'GET', '/v1/counters/x'), 503, 'LOADING');
    } finally {
      s.server.keyspace.ready = true;
    }
  });

  it('/metrics exposes ops, hit rate, memory, evictions, expirations, rate-limit decisions and persistence lag', async () => {
    await call(s, 'POST', '/v1/ratelimit/check', { body: { key: 'm', algorithm: 'fixed-window', limit: 1, windowMs: 1000 } });
    await call(s, 'POST', '/v1/ratelimit/check', { body: { key: 'm', algorithm: 'fixed-window', limit: 1, windowMs: 1000 } });
    const metrics = await call(s, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    for (const name of [
      'mnemo_commands_total',
      'mnemo_keyspace_hit_ratio',
      'mnemo_used_memory_bytes',
      'mnemo_evicted_keys_total',
      'mnemo_expired_keys_total',
      'mnemo_persistence_lag_seconds',
      'mnemo_persistence_pending_records',
      'mnemo_process_nodejs_eventloop_lag_seconds',
    ]) {
      expect(metrics.text).toMatch(new RegExp(`^${name} `, 'm'));
    }
    expect(metrics.text).toMatch(/^mnemo_ratelimit_decisions_total\{policy="",decision="allowed"\} [1-9]/m);
    expect(metrics.text).toMatch(/^mnemo_ratelimit_decisions_total\{policy="",decision="denied"\} [1-9]/m);
    // The first check used 1 of 1: allowed and near the limit.
    expect(metrics.text).toMatch(/^mnemo_ratelimit_near_limit_total\{policy=""\} [1-9]/m);
    // Persistence is on by default: its INFO fields are exported.
    expect(metrics.text).toMatch(/^mnemo_persistence_info\{field="aof_enabled"\} 1$/m);
    expect(metrics.text).toMatch(/^mnemo_persistence_info\{field="rdb_last_bgsave_status"\} 1$/m); // "ok" as 1
  });

  it('/docs serves Swagger UI over an OpenAPI document built from the zod schemas', async () => {
    const page = await call(s, 'GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('SwaggerUIBundle');
    const asset = await call(s, 'GET', '/docs/assets/swagger-ui-bundle.js');
    expect(asset.status).toBe(200);
    expect(asset.text.length).toBeGreaterThan(100_000);
    expectError(await call(s, 'GET', '/docs/assets/secret.txt'), 404, 'NOT_FOUND');
    const doc = await call(s, 'GET', '/docs/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    const check = doc.body.paths['/v1/ratelimit/check'].post.requestBody.content['application/json'].schema;
    expect(check.properties.algorithm.enum).toEqual(['fixed-window', 'sliding-window', 'token-bucket', 'gcra']);
    expect(check.properties.cost).toMatchObject({ type: 'integer', default: 1 });
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/sessions/{id}', '/v1/counters/{key}/incr', '/v1/keys', '/v1/admin/flush', '/metrics']));
    // Every answer a route can give, in the error envelope.
    const statuses = (path: string, method: string): string[] => Object.keys(doc.body.paths[path][method].responses);
    expect(statuses('/v1/ratelimit/{policy}/{key}', 'get')).toEqual(['200', '400', '401', '403', '404', '409', '414', '429', '503', '507']);
    expect(statuses('/v1/sessions/{id}', 'put')).toEqual(['200', '400', '401', '403', '404', '409', '412', '413', '414', '415', '503', '507']);
    expect(statuses('/readyz', 'get')).toEqual(['200', '503']);
    expect(statuses('/healthz', 'get')).toEqual(['200']);
    expect(doc.body.paths['/v1/keys/{key}'].get.responses['404'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
  });

  it('unknown routes answer 404 in the error envelope', async () => {
    expectError(await call(s, 'GET', '/v1/nothing-here'), 404, 'NOT_FOUND');
  });

  it('a path that has routes, none for the method, answers 405 with the Allow header', async () => {
    const info = await call(s, 'DELETE', '/v1/admin/info');
    expectError(info, 405, 'METHOD_NOT_ALLOWED');
    expect(info.headers.get('allow')).toBe('GET, HEAD');
    expect(info.body.error.message).toBe('DELETE is not allowed on /v1/admin/info; allowed: GET, HEAD');
    // Parameterised paths, with a query string.
    const session = await call(s, 'POST', '/v1/sessions/some-id?x=1', { body: {} });
    expectError(session, 405, 'METHOD_NOT_ALLOWED');
    expect(session.headers.get('allow')).toBe('GET, HEAD, PUT, PATCH, DELETE');
    // The rate-limit fast lane's routes are in the same router.
    expect((await call(s, 'GET', '/v1/ratelimit/check')).headers.get('allow')).toBe('POST');
    // A path with no route at all stays a 404, also with a segment over the router's parameter
    // limit (which the router "matches" against every parametric route of every method).
    expectError(await call(s, 'DELETE', '/v1/admin/nothing'), 404, 'NOT_FOUND');
    expectError(await call(s, 'POST', `/v1/keys/${'k'.repeat(3000)}/nope`), 404, 'NOT_FOUND');
  });
});
