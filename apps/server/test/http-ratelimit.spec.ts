// /v1/ratelimit over real HTTP: checks of every algorithm, atomicity under concurrency, batches,
// named policies (file, gateway form with IETF headers, envoy descriptors, shadow mode), peek,
// reset, validation and auth failures.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ServerCounters } from '../src/core/server-counters';
import { ADMIN_TOKEN, call, expectError, HttpTestServer, startHttpServer, writesDuring } from './support/http-client';

const POLICIES = {
  policies: [
    { name: 'api', algorithm: 'fixed-window', limit: 2, windowMs: 60_000 },
    { name: 'login-ip', domain: 'auth', descriptors: [{ key: 'route', value: 'login' }, { key: 'ip' }], algorithm: 'sliding-window', limit: 1, windowMs: 60_000 },
    { name: 'any-route-ip', domain: 'auth', descriptors: [{ key: 'route' }, { key: 'ip' }], algorithm: 'token-bucket', limit: 5, windowMs: 60_000 },
    { name: 'trial', algorithm: 'gcra', limit: 1, windowMs: 60_000, shadow: true },
  ],
};

// Every test runs twice: through the fast lane (default) and through the Fastify routes.
describe.each([
  ['fast lane', 'yes'],
  ['Fastify routes', 'no'],
])('%s', (_lane, fastLane) => {
  let s: HttpTestServer;

  beforeAll(async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(path.join(tmpdir(), 'mnemo-http-rl-'));
    const file = path.join(dir, 'policies.json');
    writeFileSync(file, JSON.stringify(POLICIES));
    s = await startHttpServer(['--ratelimit-policies', file, '--http-fast-lane', fastLane, '--body-limit', '16kb'], dir);
  });

  afterAll(() => s.close());

  const adHoc = (key: string, algorithm: string, limit = 10, windowMs = 60_000, extra: Record<string, unknown> = {}) => ({ key, algorithm, limit, windowMs, ...extra });

  describe('POST /v1/ratelimit/check', () => {
    it.each(['fixed-window', 'sliding-window', 'token-bucket', 'gcra'])('%s: answers allowed, limit, remaining, resetMs, retryAfterMs', async (algorithm) => {
      const first = await call(s, 'POST', '/v1/ratelimit/check', { body: adHoc(`shape-${algorithm}`, algorithm, 2) });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ allowed: true, limit: 2, remaining: 1, retryAfterMs: 0 });
      expect(first.body.resetMs).toBeGreaterThan(0);
      await call(s, 'POST', '/v1/ratelimit/check', { body: adHoc(`shape-${algorithm}`, algorithm, 2) });
      const third = await call(s, 'POST', '/v1/ratelimit/check', { body: adHoc(`shape-${algorithm}`, algorithm, 2) });
      expect(third.status).toBe(200);
      expect(third.body).toMatchObject({ allowed: false, limit: 2, remaining: 0 });
      expect(third.body.retryAfterMs).toBeGreaterThan(0);
    });

    it.each(['fixed-window', 'sliding-window', 'token-bucket', 'gcra'])('%s: 100 concurrent checks against a limit of 10 allow exactly 10', async (algorithm) => {
      const answers = await Promise.all(
        Array.from({ length: 100 }, () => call(s, 'POST', '/v1/ratelimit/check', { body: adHoc(`race-${algorithm}`, algorithm, 10) })),
      );
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      expect(answers.filter((answer) => answer.body.allowed).length).toBe(10);
    });

    it('keeps the state in the engine under ratelimit:<limit>:<key>, visible like any key', async () => {
      await call(s, 'POST', '/v1/ratelimit/check', { body: adHoc('visible', 'gcra', 10, 1000) });
      const info = s.server.keyspace.engine.keyInfo('ratelimit:gcra/10/1000/9:visible');
      expect(info?.type).toBe('string');
      expect(info?.expiresAt).toBeGreaterThan(Date.now());
      expect(s.server.keyspace.engine.get('ratelimit:gcra/10/1000/9:visible')).toMatch(/^gcra\|/);
    });

    it('two limits on one key keep two states: 3 a minute and 100 an hour for the same user', async () => {
      const perMinute = adHoc('two-limits', 'fixed-window', 3, 60_000);
      const perHour = adHoc('two-limits', 'fixed-window', 100, 3_600_000);
      const minute: boolean[] = [];
      const hour: number[] = [];
      for (let i = 0; i < 5; i++) {
        minute.push((await call(s, 'POST', '/v1/ratelimit/check', { body: perMinute })).body.allowed);
        hour.push((await call(s, 'POST', '/v1/ratelimit/check', { body: perHour })).body.remaining);
      }
      expect(minute).toEqual([true, true, true, false, false]);
      expect(hour).toEqual([99, 98, 97, 96, 95]);
      // Two GCRA limits on one key, in one batch: each sees only its own consumption.
      const fast = adHoc('two-gcra', 'gcra', 5, 1000);
      const slow = adHoc('two-gcra', 'gcra', 100, 3_600_000);
      for (let i = 0; i < 2; i++) expect((await call(s, 'POST', '/v1/ratelimit/batch', { body: { checks: [fast, slow] } })).body.allowed).toBe(true);
      expect((await call(s, 'POST', '/v1/ratelimit/check', { body: slow })).body.remaining).toBe(97);
      // Leaving out burst and giving its default are the same limit.
      await call(s, 'POST', '/v1/ratelimit/check', { body: adHoc('tb-default', 'token-bucket', 4) });
      expect((await call(s, 'POST', '/v1/ratelimit/check', { body: adHoc('tb-default', 'token-bucket', 4, 60_000, { burst: 4 }) })).body.remaining).toBe(2);
    });

    it('checks a named policy with policy + key, and envoy-style domain + descriptors', async () => {
      const byName = await call(s, 'POST', '/v1/ratelimit/check', { body: { policy: 'api', key: 'cust-1' } });
      expect(byName.body).toMatchObject({ allowed: true, limit: 2, remaining: 1, policy: 'api' });
      const login = { domain: 'auth', descriptors: [{ key: 'route', value: 'login' }, { key: 'ip', value: '10.0.0.1' }] };
      expect((await call(s, 'POST', '/v1/ratelimit/check', { body: login })).body).toMatchObject({ allowed: true, policy: 'login-ip' });
      expect((await call(s, 'POST', '/v1/ratelimit/check', { body: login })).body).toMatchObject({ allowed: false, policy: 'login-ip' });
      expect(s.server.keyspace.engine.get('ratelimit-policy:login-ip:route=login|ip=10.0.0.1')).not.toBeNull();
      // Values holding the separators cannot make two requests share one state.
      const crafted = { domain: 'auth', descriptors: [{ key: 'route', value: 'x|ip=y' }, { key: 'ip', value: 'z' }] };
      const other = { domain: 'auth', descriptors: [{ key: 'route', value: 'x' }, { key: 'ip', value: 'y|ip=z' }] };
      expect((await call(s, 'POST', '/v1/ratelimit/check', { body: crafted })).body).toMatchObject({ policy: 'any-route-ip', remaining: 4 });
      expect((await call(s, 'POST', '/v1/ratelimit/check', { body: other })).body).toMatchObject({ policy: 'any-route-ip', remaining: 4 });
      expect(s.server.keyspace.engine.get('ratelimit-policy:any-route-ip:route=x%7Cip%3Dy|ip=z')).not.toBeNull();
      expect(s.server.keyspace.engine.get('ratelimit-policy:any-route-ip:route=x|ip=y%7Cip%3Dz')).not.toBeNull();
      // Another route falls to the less specific policy.
      const search = { domain: 'auth', descriptors: [{ key: 'ip', value: '10.0.0.1' }, { key: 'route', value: 'search' }] };
      expect((await call(s, 'POST', '/v1/ratelimit/check', { body: search })).body).toMatchObject({ allowed: true, policy: 'any-route-ip', limit: 5 });
    });

    it('keeps the policy + key form and the gateway URL out of descriptor states: a key cannot drain or reset one', async () => {
      const victim = { domain: 'auth', descriptors: [{ key: 'route', value: 'login' }, { key: 'ip', value: '10.9.9.9' }] };
      const forged = 'route=login|ip=10.9.9.9';
      expect((await call(s, 'POST', '/v1/ratelimit/check', { body: { policy: 'login-ip', key: forged } })).body).toMatchObject({ allowed: true, policy: 'login-ip' });
      expect((await call(s, 'GET', `/v1/ratelimit/login-ip/${encodeURIComponent(forged)}`)).status).toBe(429); // the same state as policy + key
      expect((await call(s, 'POST', '/v1/ratelimit/check', { body: victim })).body).toMatchObject({ allowed: true, remaining: 0 });
      expect(s.server.keyspace.engine.get('ratelimit-policy:login-ip:route%3Dlogin|ip%3D10.9.9.9')).not.toBeNull();
      // A reset by the forged key leaves the descriptor state as it is.
      await call(s, 'POST', '/v1/ratelimit/reset', { body: { policy: 'login-ip', key: forged } });
      expect((await call(s, 'POST', '/v1/ratelimit/check', { body: victim })).body).toMatchObject({ allowed: false });
      // A policy without descriptors keeps its keys as they are.
      await call(s, 'POST', '/v1/ratelimit/check', { body: { policy: 'api', key: 'a=b%c' } });
      expect(s.server.keyspace.engine.get('ratelimit-policy:api:a=b%c')).not.toBeNull();
    });

    it('never denies under a shadow policy but reports and counts the would-be denial', async () => {
      expect((await call(s, 'POST', '/v1/ratelimit/check', { body: { policy: 'trial', key: 'k' } })).body).toMatchObject({ allowed: true });
      const second = await call(s, 'POST', '/v1/ratelimit/check', { body: { policy: 'trial', key: 'k' } });
      expect(second.body).toMatchObject({ allowed: true, shadowDenied: true, policy: 'trial' });
      const list = await call(s, 'GET', '/v1/admin/ratelimit/policies', { token: ADMIN_TOKEN });
      const trial = list.body.policies.find((policy: { name: string }) => policy.name === 'trial');
      expect(trial.counters).toMatchObject({ allowed: 1, shadowDenied: 1, denied: 0 });
    });
  });

  describe('decision counters', () => {
    it("bump the dashboard's process-wide allowed/denied counters", async () => {
      const counters = s.server.app.get(ServerCounters);
      const before = { allowed: counters.rateLimitAllowed, denied: counters.rateLimitDenied };
      const body = adHoc('dashboard', 'fixed-window', 1);
      await call(s, 'POST', '/v1/ratelimit/check', { body });
      await call(s, 'POST', '/v1/ratelimit/check', { body });
      expect({ allowed: counters.rateLimitAllowed - before.allowed, denied: counters.rateLimitDenied - before.denied }).toEqual({ allowed: 1, denied: 1 });
    });

    it('leave out cost-0 looks, in the policy counters and /metrics too', async () => {
      const counters = s.server.app.get(ServerCounters);
      const before = { allowed: counters.rateLimitAllowed, denied: counters.rateLimitDenied };
      const policyCounters = async () => (await call(s, 'GET', '/v1/admin/ratelimit/policies', { token: ADMIN_TOKEN })).body.policies.find((p: { name: string }) => p.name === 'api').counters;
      const metric = async () => /mnemo_ratelimit_decisions_total\{policy="api",decision="allowed"\} (\d+)/.exec((await call(s, 'GET', '/metrics')).text)?.[1];
      const [policyBefore, metricBefore] = [await policyCounters(), await metric()];
      expect(metricBefore).toMatch(/^\d+$/);
      for (let i = 0; i < 3; i++) await call(s, 'POST', '/v1/ratelimit/check', { body: { policy: 'api', key: 'looker', cost: 0 } });
      await call(s, 'POST', '/v1/ratelimit/batch', { body: { checks: [{ policy: 'api', key: 'looker', cost: 0 }] } });
      expect(await policyCounters()).toEqual(policyBefore);
      expect(await metric()).toBe(metricBefore);
      expect({ allowed: counters.rateLimitAllowed - before.allowed, denied: counters.rateLimitDenied - before.denied }).toEqual({ allowed: 0, denied: 0 });
    });
  });

  describe('GET /v1/ratelimit/:policy/:key (gateway form)', () => {
    it('answers 200 then 429 with RateLimit-Policy, RateLimit and Retry-After', async () => {
      const ok = await call(s, 'GET', '/v1/ratelimit/api/gw-1');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-policy')).toBe('"api";q=2;w=60');
      expect(ok.headers.get('ratelimit')).toMatch(/^"api";r=1;t=\d+$/);
      await call(s, 'GET', '/v1/ratelimit/api/gw-1');
      const denied = await call(s, 'GET', '/v1/ratelimit/api/gw-1');
      expect(denied.status).toBe(429);
      expectError(denied, 429, 'RATE_LIMITED');
      expect(denied.headers.get('ratelimit')).toMatch(/^"api";r=0;t=\d+$/);
      expect(Number(denied.headers.get('retry-after'))).toBeGreaterThan(0);
      // nginx auth_request only understands 401/403.
      expect((await call(s, 'GET', '/v1/ratelimit/api/gw-1?denyStatus=403')).status).toBe(403);
    });

    it('HEAD answers what GET would, with the same headers, and consumes nothing', async () => {
      const writes = await writesDuring(s, async () => {
        for (let i = 0; i < 3; i++) {
          const head = await call(s, 'HEAD', '/v1/ratelimit/api/gw-head');
          expect(head.status).toBe(200);
          expect(head.text).toBe('');
          expect(head.headers.get('ratelimit-policy')).toBe('"api";q=2;w=60');
          // What a GET would answer now: allowed, one unit left after it.
          expect(head.headers.get('ratelimit')).toMatch(/^"api";r=1;t=\d+$/);
        }
      });
      expect(writes).toEqual([]);
      expect((await call(s, 'GET', '/v1/ratelimit/api/gw-head')).headers.get('ratelimit')).toMatch(/^"api";r=1;t=\d+$/);
      const last = await call(s, 'HEAD', '/v1/ratelimit/api/gw-head');
      expect(last.status).toBe(200);
      expect(last.headers.get('ratelimit')).toMatch(/^"api";r=0;t=\d+$/);
      await call(s, 'GET', '/v1/ratelimit/api/gw-head');
      const over = await call(s, 'HEAD', '/v1/ratelimit/api/gw-head?denyStatus=403');
      expect(over.status).toBe(403);
      expect(over.headers.get('ratelimit')).toMatch(/^"api";r=0;t=\d+$/);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await call(s, 'HEAD', '/v1/ratelimit/nope/k')).status).toBe(404);
    });

    it('refuses a query name given twice instead of picking one of its values', async () => {
      const twice = await call(s, 'GET', '/v1/ratelimit/api/gw-twice?denyStatus=403&denyStatus=429');
      expectError(twice, 400, 'VALIDATION_ERROR', 'query.denyStatus');
      expect(twice.body.error.message).toBe('query.denyStatus: given more than once (send it once)');
      expectError(await call(s, 'GET', '/v1/ratelimit/api/gw-twice?__proto__=1'), 400, 'VALIDATION_ERROR', 'query.__proto__');
      // Neither consumed a unit.
      expect((await call(s, 'GET', '/v1/ratelimit/api/gw-twice')).headers.get('ratelimit')).toMatch(/^"api";r=1;t=\d+$/);
    });

    it('answers 404 naming the policy when it is unknown, and 400 on a bad key', async () => {
      expectError(await call(s, 'GET', '/v1/ratelimit/nope/k'), 404, 'NOT_FOUND', 'params.policy');
      expectError(await call(s, 'GET', '/v1/ratelimit/api/a%01b'), 400, 'VALIDATION_ERROR', 'params.key');
      expectError(await call(s, 'GET', '/v1/ratelimit/api/k?denyStatus=500'), 400, 'VALIDATION_ERROR', 'query.denyStatus');
    });
  });

  describe('POST /v1/ratelimit/batch', () => {
    it('consumes every check when all allow, and nothing when one denies', async () => {
      const a = adHoc('batch-a', 'fixed-window', 5);
      const b = adHoc('batch-b', 'fixed-window', 1);
      const first = await call(s, 'POST', '/v1/ratelimit/batch', { body: { checks: [a, b] } });
      expect(first.status).toBe(200);
      expect(first.body.allowed).toBe(true);
      expect(first.body.results.map((result: { remaining: number }) => result.remaining)).toEqual([4, 0]);
      const second = await call(s, 'POST', '/v1/ratelimit/batch', { body: { checks: [a, b] } });
      expect(second.body.allowed).toBe(false);
      expect(second.body.results[1].allowed).toBe(false);
      // a was not consumed by the denied batch.
      const peek = await call(s, 'POST', '/v1/ratelimit/peek', { body: { ...a, cost: 0 } });
      expect(peek.body.remaining).toBe(4);
    });

    it('rejects an empty batch and names the bad check field', async () => {
      expectError(await call(s, 'POST', '/v1/ratelimit/batch', { body: { checks: [] } }), 400, 'VALIDATION_ERROR', 'body.checks');
      expectError(await call(s, 'POST', '/v1/ratelimit/batch', { body: { checks: [adHoc('x', 'gcra'), { ...adHoc('y', 'gcra'), limit: -1 }] } }), 400, 'VALIDATION_ERROR', 'body.checks.1.limit');
    });
  });

  describe('peek and reset', () => {
    it('peeks without consuming and resets a blocked key', async () => {
      const body = adHoc('support-1', 'fixed-window', 1);
      await call(s, 'POST', '/v1/ratelimit/check', { body });
      const peek = await call(s, 'POST', '/v1/ratelimit/peek', { body });
      expect(peek.body).toMatchObject({ allowed: false, remaining: 0 });
      expect(peek.body.state).toMatch(/^fw\|\d+\|1$/);
      expect(peek.body.stateTtlMs).toBeGreaterThan(0);
      expect((await call(s, 'POST', '/v1/ratelimit/reset', { body: { ...body } })).body).toEqual({ reset: true });
      expect((await call(s, 'POST', '/v1/ratelimit/check', { body })).body.allowed).toBe(true);
      expect((await call(s, 'POST', '/v1/ratelimit/reset', { body: { policy: 'api', key: 'never-seen' } })).body).toEqual({ reset: false });
    });
  });

  describe('bad input leaves the keyspace untouched', () => {
    const cases: Array<[string, string, unknown]> = [
      ['unknown algorithm', 'body.algorithm', adHoc('k', 'leaky')],
      ['negative limit', 'body.limit', adHoc('k', 'gcra', -5)],
      ['absurd window', 'body.windowMs', adHoc('k', 'gcra', 10, 10 ** 15)],
      ['fractional cost', 'body.cost', adHoc('k', 'gcra', 10, 1000, { cost: 1.5 })],
      ['string limit', 'body.limit', adHoc('k', 'gcra', '10' as unknown as number)],
      ['control characters in key', 'body.key', adHoc('a\nb', 'gcra')],
      ['__proto__ in key', 'body.key', adHoc('__proto__', 'gcra')],
      ['empty key', 'body.key', adHoc('', 'gcra')],
      ['unknown field', 'body.extra', { ...adHoc('k', 'gcra'), extra: 1 }],
      ['missing window', 'body.windowMs', { key: 'k', algorithm: 'gcra', limit: 1 }],
      ['policy and algorithm together', 'body.algorithm', { policy: 'api', key: 'k', algorithm: 'gcra' }],
      ['token bucket without capacity', 'body.burst', adHoc('k', 'token-bucket', 10, 1000, { burst: 0 })],
      ['lone surrogate in key (no UTF-8 form)', 'body.key', adHoc('a\ud800', 'gcra')],
      ['descriptor key given twice', 'body.descriptors.1.key', { domain: 'auth', descriptors: [{ key: 'ip', value: '1' }, { key: 'ip', value: '2' }] }],
    ];

    it.each(cases)('%s -> 400 naming %s', async (_name, field, body) => {
      const writes = await writesDuring(s, async () => expectError(await call(s, 'POST', '/v1/ratelimit/check', { body }), 400, 'VALIDATION_ERROR', field));
      expect(writes).toEqual([]);
    });

    it('unknown policy -> 404 naming body.policy; unmatched descriptors -> 404 naming body.descriptors', async () => {
      expectError(await call(s, 'POST', '/v1/ratelimit/check', { body: { policy: 'nope', key: 'k' } }), 404, 'NOT_FOUND', 'body.policy');
      expectError(await call(s, 'POST', '/v1/ratelimit/check', { body: { domain: 'auth', descriptors: [{ key: 'x', value: 'y' }] } }), 404, 'NOT_FOUND', 'body.descriptors');
    });

    it('burst with a fixed or sliding window -> 400 naming body.burst (it means nothing there)', async () => {
      for (const algorithm of ['fixed-window', 'sliding-window']) {
        const refused = await call(s, 'POST', '/v1/ratelimit/check', { body: { key: 'b', algorithm, limit: 5, windowMs: 1000, burst: 3 } });
        expectError(refused, 400, 'VALIDATION_ERROR', 'body.burst');
        expect(refused.body.error.message).toBe(`body.burst: applies to token-bucket and gcra only, not to ${algorithm}`);
      }
      expect((await call(s, 'POST', '/v1/ratelimit/check', { body: { key: 'b', algorithm: 'gcra', limit: 5, windowMs: 1000, burst: 3 } })).status).toBe(200);
    });

    it('a state key rewritten over RESP: a hash -> 409 WRONGTYPE naming the input; a hand-written negative state counts as fresh', async () => {
      const engine = s.server.keyspace.engine;
      engine.execute(['HSET', 'ratelimit:fixed-window/5/60000:hashed', 'a', '1']);
      engine.execute(['HSET', 'ratelimit-policy:api:hashed', 'a', '1']);
      const body = adHoc('hashed', 'fixed-window', 5);
      expectError(await call(s, 'POST', '/v1/ratelimit/check', { body }), 409, 'WRONGTYPE', 'body.key');
      expectError(await call(s, 'POST', '/v1/ratelimit/peek', { body }), 409, 'WRONGTYPE', 'body.key');
      expectError(await call(s, 'GET', '/v1/ratelimit/api/hashed'), 409, 'WRONGTYPE', 'params.key');
      expectError(await call(s, 'POST', '/v1/ratelimit/batch', { body: { checks: [adHoc('fine', 'gcra'), body] } }), 409, 'WRONGTYPE', 'body.checks.1.key');
      engine.set('ratelimit:token-bucket/10/60000/10:negative', 'tb|-991|0');
      expect((await call(s, 'POST', '/v1/ratelimit/check', { body: adHoc('negative', 'token-bucket', 10) })).body).toMatchObject({ allowed: true, remaining: 9 });
    });

    it('a key longer than max-key-length -> 400', async () => {
      expectError(await call(s, 'POST', '/v1/ratelimit/check', { body: adHoc('k'.repeat(2000), 'gcra') }), 400, 'VALIDATION_ERROR', 'body.key');
    });

    it('malformed JSON and a prototype-poisoning body -> 400 INVALID_JSON, and the server keeps serving', async () => {
      expectError(await call(s, 'POST', '/v1/ratelimit/check', { rawBody: '{"key": "k", ' }), 400, 'INVALID_JSON', 'body');
      expectError(await call(s, 'POST', '/v1/ratelimit/check', { rawBody: '{"__proto__": {"admin": true}, "key": "k"}' }), 400, 'INVALID_JSON', 'body');
      expect((await call(s, 'GET', '/healthz')).status).toBe(200);
    });
  });

  describe('API keys', () => {
    let secured: HttpTestServer;
    beforeAll(async () => {
      secured = await startHttpServer(['--api-keys', 'key-one, key-two', '--http-fast-lane', fastLane]);
    });
    afterAll(() => secured.close());

    const body = adHoc('auth', 'gcra');
    it('answers 401 without a key and 403 with a wrong one', async () => {
      expectError(await call(secured, 'POST', '/v1/ratelimit/check', { body }), 401, 'UNAUTHORIZED');
      expectError(await call(secured, 'POST', '/v1/ratelimit/check', { body, token: 'key-three' }), 403, 'FORBIDDEN');
      expectError(await call(secured, 'GET', '/v1/ratelimit/api/k', { headers: { 'x-api-key': 'nope' } }), 403, 'FORBIDDEN');
    });

    it('accepts a configured key as a bearer token or in X-API-Key', async () => {
      expect((await call(secured, 'POST', '/v1/ratelimit/check', { body, token: 'key-two' })).status).toBe(200);
      expect((await call(secured, 'POST', '/v1/ratelimit/check', { body, headers: { 'X-API-Key': 'key-one' } })).status).toBe(200);
    });

    it('an Authorization header of another scheme, or an empty Bearer, presents no key', async () => {
      const basic = { authorization: `Basic ${Buffer.from('user:pass').toString('base64')}` };
      expect((await call(secured, 'POST', '/v1/ratelimit/check', { body, headers: { ...basic, 'X-API-Key': 'key-one' } })).status).toBe(200);
      expectError(await call(secured, 'POST', '/v1/ratelimit/check', { body, headers: basic }), 401, 'UNAUTHORIZED');
      expectError(await call(secured, 'POST', '/v1/ratelimit/check', { body, headers: { authorization: 'Bearer ' } }), 401, 'UNAUTHORIZED');
    });
  });

  describe('body handling of the check route', () => {
    it('answers 413 over body-limit, 415 for a non-JSON body, 400 for an empty one, and keeps serving', async () => {
      expectError(await call(s, 'POST', '/v1/ratelimit/check', { body: adHoc('x'.repeat(20_000), 'gcra') }), 413, 'PAYLOAD_TOO_LARGE', 'body');
      const xml = await call(s, 'POST', '/v1/ratelimit/check', { rawBody: '<key/>', headers: { 'content-type': 'application/xml' } });
      expectError(xml, 415, 'UNSUPPORTED_MEDIA_TYPE');
      // The same advice with the lane on or off: JSON, not "JSON or a form" (a form is refused too).
      expect(xml.body.error.message).toBe("headers.content-type: 'application/xml' is not accepted here; send JSON (application/json)");
      // The route as the router matched it, however its path was spelled.
      const escaped = await call(s, 'POST', '/v1/ratelimit/%63heck', { rawBody: '<key/>', headers: { 'content-type': 'application/xml' } });
      expect(escaped.body.error.message).toBe(xml.body.error.message);
      // JSON only, whether the lane takes the request or leaves it to the router (a query string).
      const form = { rawBody: 'key=f1&algorithm=fixed-window&limit=2&windowMs=60000', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
      expectError(await call(s, 'POST', '/v1/ratelimit/check', form), 415, 'UNSUPPORTED_MEDIA_TYPE', 'headers.content-type');
      expectError(await call(s, 'POST', '/v1/ratelimit/check?', form), 415, 'UNSUPPORTED_MEDIA_TYPE', 'headers.content-type');
      // A body with no Content-Type at all (a Uint8Array: fetch adds none): the same words from both.
      const untyped = await fetch(`${s.url}/v1/ratelimit/check${fastLane === 'yes' ? '' : '?'}`, { method: 'POST', body: new TextEncoder().encode('{"key":"k"}') });
      expect({ status: untyped.status, message: ((await untyped.json()) as { error: { message: string } }).error.message }).toEqual({
        status: 415,
        message: "headers.content-type: '(none)' is not accepted here; send JSON (application/json)",
      });
      expectError(await call(s, 'POST', '/v1/ratelimit/check'), 400, 'VALIDATION_ERROR', 'body.key');
      expectError(await call(s, 'POST', '/v1/ratelimit/check', { rawBody: '[1, 2]' }), 400, 'VALIDATION_ERROR', 'body');
      expectError(await call(s, 'POST', '/v1/ratelimit/check', { rawBody: '{"constructor": {"prototype": {"x": 1}}}' }), 400, 'INVALID_JSON', 'body');
      expect((await call(s, 'POST', '/v1/ratelimit/check', { body: adHoc('after', 'gcra') })).status).toBe(200);
    });

    it('reads JSON as UTF-8 only: 415 for another charset, 400 INVALID_JSON for bytes that are not UTF-8', async () => {
      const json = (charset: string) => ({ rawBody: JSON.stringify(adHoc('charset', 'gcra')), headers: { 'content-type': `application/json; charset=${charset}` } });
      for (const accepted of ['utf-8', 'UTF-8', '"utf-8"', 'utf8']) expect((await call(s, 'POST', '/v1/ratelimit/check', json(accepted))).status).toBe(200);
      const latin1 = await call(s, 'POST', '/v1/ratelimit/check', json('latin1'));
      expectError(latin1, 415, 'UNSUPPORTED_MEDIA_TYPE', 'headers.content-type');
      expect(latin1.body.error.message).toContain('UTF-8');
      const notUtf8 = Buffer.concat([Buffer.from('{"key":"caf'), Buffer.from([0xe9]), Buffer.from('","algorithm":"gcra","limit":1,"windowMs":1000}')]);
      const refused = await call(s, 'POST', '/v1/ratelimit/check', { rawBody: notUtf8 });
      expectError(refused, 400, 'INVALID_JSON', 'body');
      expect(refused.body.error.message).toBe('body: not valid UTF-8');
      expect((await call(s, 'POST', '/v1/ratelimit/check', { body: adHoc('café', 'gcra') })).status).toBe(200);
    });

    it('leaves other methods and paths to the rest of the API', async () => {
      // The check path takes POST only: 405 with Allow, from the router behind the lane.
      const get = await call(s, 'GET', '/v1/ratelimit/check');
      expectError(get, 405, 'METHOD_NOT_ALLOWED');
      expect(get.headers.get('allow')).toBe('POST');
      expectError(await call(s, 'GET', '/v1/ratelimit/api/k/extra'), 404, 'NOT_FOUND');
      expectError(await call(s, 'PUT', '/v1/ratelimit/check', { body: {} }), 405, 'METHOD_NOT_ALLOWED');
      // Malformed percent-encoding: 400 naming the url, from the lane as from Fastify.
      for (const url of ['/v1/ratelimit/api/%E0%A4%A', '/v1/ratelimit/api/%ZZ', '/v1/keys/%E0%A4%A']) {
        const malformed = await call(s, 'GET', url);
        expectError(malformed, 400, 'VALIDATION_ERROR', 'url');
        expect(malformed.body.error.message).toBe('url: malformed percent-encoding'); // the same words whoever answers
      }
      // In a query string too, where Fastify's parser would keep it as literal text.
      expectError(await call(s, 'GET', '/v1/ratelimit/api/k?denyStatus=%ZZ'), 400, 'VALIDATION_ERROR', 'url');
      expectError(await call(s, 'GET', '/v1/sessions?userId=%ZZ'), 400, 'VALIDATION_ERROR', 'url');
      expectError(await call(s, 'GET', '/v1/admin/keys/count?pattern=%E0%A4%A', { token: ADMIN_TOKEN }), 400, 'VALIDATION_ERROR', 'url');
      expect((await call(s, 'GET', '/v1/sessions?userId=%C3%A9t%C3%A9')).status).toBe(200);
      // A key with an encoded slash reaches the policy as one key.
      expect((await call(s, 'GET', '/v1/ratelimit/api/a%2Fb')).status).toBe(200);
      expect(s.server.keyspace.engine.get('ratelimit-policy:api:a/b')).not.toBeNull();
    });
  });
});
