// The OpenAPI document's success-body schemas (src/http/docs/response-schemas.ts) against real
// answers: every route whose document names a schema (data, admin and ops routes) is called over
// real HTTP, and its body must
// validate (additionalProperties false: a field added to a view without its schema fails here).

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ADMIN_TOKEN, call, CallResult, HttpTestServer, startHttpServer } from './support/http-client';

type Schema = Record<string, unknown>;

/**
 * The JSON Schema subset response-schemas.ts uses: $ref to components, type (one or a list;
 * 'integer' is a whole number), enum, required, properties, additionalProperties (false or a
 * schema), items, oneOf. Returns the problems found, each with its path.
 */
function validate(schema: Schema, value: unknown, components: Record<string, Schema>, at = 'body'): string[] {
  if (typeof schema.$ref === 'string') return validate(components[schema.$ref.replace('#/components/schemas/', '')], value, components, at);
  if (Array.isArray(schema.oneOf)) {
    const passing = (schema.oneOf as Schema[]).filter((option) => validate(option, value, components, at).length === 0);
    return passing.length === 1 ? [] : [`${at}: matches ${passing.length} of oneOf`];
  }
  const types = schema.type === undefined ? [] : ([] as string[]).concat(schema.type as string | string[]);
  const typeOf = (v: unknown): string[] => {
    if (v === null) return ['null'];
    if (Array.isArray(v)) return ['array'];
    if (typeof v === 'number') return Number.isInteger(v) ? ['integer', 'number'] : ['number'];
    return [typeof v];
  };
  if (types.length > 0 && !typeOf(value).some((t) => types.includes(t))) return [`${at}: ${JSON.stringify(value)} is not ${types.join(' or ')}`];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`];
  const problems: string[] = [];
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => problems.push(...validate(schema.items as Schema, item, components, `${at}[${i}]`)));
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) if (!(name in object)) problems.push(`${at}.${name}: missing`);
    for (const [name, field] of Object.entries(object)) {
      if (properties[name]) problems.push(...validate(properties[name], field, components, `${at}.${name}`));
      else if (schema.additionalProperties === false) problems.push(`${at}.${name}: not in the schema`);
      else if (typeof schema.additionalProperties === 'object') problems.push(...validate(schema.additionalProperties as Schema, field, components, `${at}.${name}`));
    }
  }
  return problems;
}

let s: HttpTestServer;
let doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>; components: { schemas: Record<string, Schema> } };

beforeAll(async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'mnemo-openapi-'));
  const policies = path.join(dir, 'policies.json');
  writeFileSync(policies, JSON.stringify({ policies: [{ name: 'api', algorithm: 'fixed-window', limit: 5, windowMs: 60_000 }, { name: 'trial', algorithm: 'gcra', limit: 1, windowMs: 60_000, shadow: true }] }));
  s = await startHttpServer(['--ratelimit-policies', policies], dir);
  doc = (await call(s, 'GET', '/docs/openapi.json')).body;
});
afterAll(() => s.close());

describe('OpenAPI success bodies', () => {
  it('every route that names a schema answers bodies that validate against it', async () => {
    const checked = new Set<string>();
    const expectValid = (method: string, template: string, result: CallResult): void => {
      const response = doc.paths[template][method.toLowerCase()].responses[String(result.status)];
      const schema = response?.content?.['application/json']?.schema;
      expect({ route: `${method} ${template}`, status: result.status, hasSchema: schema !== undefined }).toEqual({ route: `${method} ${template}`, status: result.status, hasSchema: true });
      expect({ route: `${method} ${template}`, problems: validate(schema as Schema, result.body, doc.components.schemas) }).toEqual({ route: `${method} ${template}`, problems: [] });
      checked.add(`${method.toLowerCase()} ${template}`);
    };
    const json = (body: unknown) => ({ body });

    const created = await call(s, 'POST', '/v1/sessions', json({ data: { cart: [1, 2] }, ttlMs: 60_000, userId: 'u1' }));
    expectValid('POST', '/v1/sessions', created);
    const id = created.body.id as string;
    await call(s, 'POST', '/v1/sessions', json({ data: {}, ttlMs: 60_000 })); // userId null
    expectValid('GET', '/v1/sessions', await call(s, 'GET', '/v1/sessions?userId=u1'));
    expectValid('GET', '/v1/sessions/{id}', await call(s, 'GET', `/v1/sessions/${id}`));
    expectValid('PUT', '/v1/sessions/{id}', await call(s, 'PUT', `/v1/sessions/${id}`, json({ data: { a: 1 } })));
    expectValid('PATCH', '/v1/sessions/{id}', await call(s, 'PATCH', `/v1/sessions/${id}`, json({ data: { b: 2 } })));
    expectValid('POST', '/v1/sessions/{id}/touch', await call(s, 'POST', `/v1/sessions/${id}/touch`, json({ ttlMs: 30_000 })));
    expectValid('DELETE', '/v1/sessions', await call(s, 'DELETE', '/v1/sessions?userId=u1'));
    // Keys rewritten over RESP answer the 409 WRONGTYPE http-api.md documents: declared too.
    const conflict = async (method: string, template: string, path: string, options = {}) => {
      const result = await call(s, method, path, options);
      expect({ route: `${method} ${template}`, status: result.status }).toEqual({ route: `${method} ${template}`, status: 409 });
      expectValid(method, template, result);
    };
    s.server.keyspace.engine.set('user-sessions:rewritten', 'a string');
    await conflict('POST', '/v1/sessions', '/v1/sessions', json({ userId: 'rewritten' }));
    await conflict('GET', '/v1/sessions', '/v1/sessions?userId=rewritten');
    await conflict('DELETE', '/v1/sessions', '/v1/sessions?userId=rewritten');
    const damaged = (await call(s, 'POST', '/v1/sessions', json({}))).body.id as string;
    s.server.keyspace.engine.set(`session:${damaged}`, 'a string');
    // (A route whose success has no body is not in `checked`: its 409 is looked up alone.)
    expect((await call(s, 'DELETE', `/v1/sessions/${damaged}`)).status).toBe(409);
    expect(doc.paths['/v1/sessions/{id}'].delete.responses['409']).toBeDefined();

    const target = { key: 'client-1', algorithm: 'fixed-window', limit: 1, windowMs: 60_000 };
    expectValid('POST', '/v1/ratelimit/check', await call(s, 'POST', '/v1/ratelimit/check', json(target)));
    expectValid('POST', '/v1/ratelimit/check', await call(s, 'POST', '/v1/ratelimit/check', json(target))); // denied
    expectValid('POST', '/v1/ratelimit/check', await call(s, 'POST', '/v1/ratelimit/check', json({ policy: 'trial', key: 'k' })));
    expectValid('POST', '/v1/ratelimit/check', await call(s, 'POST', '/v1/ratelimit/check', json({ policy: 'trial', key: 'k' }))); // shadowDenied
    expectValid('POST', '/v1/ratelimit/batch', await call(s, 'POST', '/v1/ratelimit/batch', json({ checks: [target, { policy: 'api', key: 'k' }] })));
    expectValid('POST', '/v1/ratelimit/peek', await call(s, 'POST', '/v1/ratelimit/peek', json(target)));
    expectValid('POST', '/v1/ratelimit/peek', await call(s, 'POST', '/v1/ratelimit/peek', json({ ...target, key: 'never-seen' })));
    expectValid('POST', '/v1/ratelimit/reset', await call(s, 'POST', '/v1/ratelimit/reset', json(target)));
    expectValid('GET', '/v1/ratelimit/{policy}/{key}', await call(s, 'GET', '/v1/ratelimit/api/gw'));

    expectValid('POST', '/v1/counters/{key}/incr', await call(s, 'POST', '/v1/counters/hits/incr', json({ by: 5, ttlMs: 60_000 })));
    expectValid('POST', '/v1/counters/{key}/decr', await call(s, 'POST', '/v1/counters/hits/decr', json({})));
    expectValid('GET', '/v1/counters/{key}', await call(s, 'GET', '/v1/counters/hits'));
    expectValid('GET', '/v1/counters/{key}', await call(s, 'GET', '/v1/counters/missing'));
    expectValid('DELETE', '/v1/counters/{key}', await call(s, 'DELETE', '/v1/counters/hits'));

    expectValid('PUT', '/v1/keys/{key}', await call(s, 'PUT', '/v1/keys/plain', json({ value: 'v', ttlMs: 60_000 })));
    expectValid('GET', '/v1/keys/{key}', await call(s, 'GET', '/v1/keys/plain'));
    s.server.keyspace.engine.execute(['HSET', 'a-hash', 'f', 'v']);
    expectValid('GET', '/v1/keys/{key}', await call(s, 'GET', '/v1/keys/a-hash'));
    expectValid('GET', '/v1/keys/{key}/type', await call(s, 'GET', '/v1/keys/a-hash/type'));
    expectValid('GET', '/v1/keys/{key}/ttl', await call(s, 'GET', '/v1/keys/plain/ttl'));
    expectValid('PUT', '/v1/keys/{key}/ttl', await call(s, 'PUT', '/v1/keys/plain/ttl', json({ ttlMs: null })));
    expectValid('GET', '/v1/keys/{key}/info', await call(s, 'GET', '/v1/keys/plain/info'));
    expectValid('GET', '/v1/keys', await call(s, 'GET', '/v1/keys?count=10'));

    const snapshotDone = async (): Promise<void> => {
      for (let i = 0; i < 500; i++) {
        const persistence = (await call(s, 'GET', '/v1/admin/info', { token: ADMIN_TOKEN })).body.persistence;
        if (persistence.rdb_bgsave_in_progress === 0 && persistence.aof_rewrite_in_progress === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error('the snapshot did not finish in 5 s');
    };
    const admin = (body?: unknown) => ({ token: ADMIN_TOKEN, ...(body === undefined ? {} : { body }) });
    expectValid('GET', '/v1/admin/info', await call(s, 'GET', '/v1/admin/info', admin()));
    expectValid('GET', '/v1/admin/keys/count', await call(s, 'GET', '/v1/admin/keys/count?pattern=*&type=hash', admin()));
    expectValid('GET', '/v1/admin/keys/count', await call(s, 'GET', '/v1/admin/keys/count', admin())); // type null
    expectValid('GET', '/v1/admin/config', await call(s, 'GET', '/v1/admin/config?pattern=max*', admin()));
    expectValid('PUT', '/v1/admin/config/{name}', await call(s, 'PUT', '/v1/admin/config/maxmemory-samples', admin({ value: '7' })));
    expectValid('POST', '/v1/admin/save', await call(s, 'POST', '/v1/admin/save', admin()));
    expectValid('POST', '/v1/admin/bgsave', await call(s, 'POST', '/v1/admin/bgsave', admin()));
    await snapshotDone();
    expectValid('POST', '/v1/admin/rewrite', await call(s, 'POST', '/v1/admin/rewrite', admin()));
    await snapshotDone();
    const gcra = { algorithm: 'gcra', limit: 10, windowMs: 1000, burst: 3, domain: 'edge', descriptors: [{ key: 'ip' }, { key: 'route', value: '/login' }] };
    expectValid('PUT', '/v1/admin/ratelimit/policies/{name}', await call(s, 'PUT', '/v1/admin/ratelimit/policies/edge-login', admin(gcra)));
    expectValid('GET', '/v1/admin/ratelimit/policies', await call(s, 'GET', '/v1/admin/ratelimit/policies', admin()));
    expectValid('POST', '/v1/admin/flush', await call(s, 'POST', '/v1/admin/flush', admin({ confirm: 'FLUSHALL' })));
    expectValid('GET', '/healthz', await call(s, 'GET', '/healthz'));
    expectValid('GET', '/readyz', await call(s, 'GET', '/readyz'));
    // The one text answer: the media type the document gives is the one the route sends.
    const metrics = await call(s, 'GET', '/metrics');
    const metricsType = Object.keys(doc.paths['/metrics'].get.responses['200'].content ?? {})[0];
    expect(metrics.headers.get('content-type')).toContain(metricsType);
    expect(metrics.text).toMatch(/^mnemo_/m);

    // Every route whose document names a success schema was called above.
    const named = Object.entries(doc.paths).flatMap(([template, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) => Object.values(operation.responses).some((response, i) => i === 0 && response.content?.['application/json'] !== undefined))
        .map(([method]) => `${method} ${template}`),
    );
    expect(named.length).toBeGreaterThanOrEqual(35);
    expect([...checked].sort()).toEqual([...named].sort());
  });

  it('the validator itself refuses what the schemas forbid', () => {
    const components = doc.components.schemas;
    const counter = { $ref: '#/components/schemas/Counter' };
    expect(validate(counter, { key: 'k', value: 3, ttlMs: null }, components)).toEqual([]);
    expect(validate(counter, { key: 'k', value: 3.5, ttlMs: null }, components)).toEqual(['body.value: 3.5 is not integer or string']);
    expect(validate(counter, { key: 'k', value: 3, ttlMs: null, extra: 1 }, components)).toEqual(['body.extra: not in the schema']);
    expect(validate(counter, { key: 'k', ttlMs: null }, components)).toEqual(['body.value: missing']);
    expect(validate({ $ref: '#/components/schemas/Key' }, { key: 'k', type: 'set', value: 'v', ttlMs: null }, components)).toEqual(['body.type: "set" not in ["string","hash"]']);
  });
});
