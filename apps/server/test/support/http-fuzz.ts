// Fuzzing the HTTP API: seeded random requests on every route (and unknown ones) with mostly
// malformed input: wrong methods, odd path parameters (bad percent-encoding, NUL, __proto__,
// very long), bad query values, wrong content types, invalid JSON, JSON of the wrong shape, huge
// and edge-case numbers, and occasionally a body over the size limit. Used by http-fuzz.spec.ts
// (a bounded run in `npm test`) and bench/http-fuzz.bench.ts (long runs).
//
// What every answer must be (docs/http-api.md, Conventions):
//   - never a 5xx (no maxmemory, no failing disk here: 503 and 507 cannot be right);
//   - a 4xx is JSON `{ error: { code, message } }` with a string code and message (HEAD: no body);
//   - a 4xx leaves the keyspace untouched: no mutation record while the request ran;
// and after the run the server still answers /healthz and serves a session round trip.

import { seededRandom } from '@mnemo/engine';
import { ADMIN_TOKEN, call, type CallResult, type HttpTestServer } from './http-client';

type Rnd = () => number;

function pick<T>(rnd: Rnd, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)];
}

const PARAMS = ['k1', 'user:42', '', '%00', '%ZZ', '%', '__proto__', 'constructor', 'a%2Fb', '..%2F..', '%F0%9F%98%80', 'caf%C3%A9', '%C3', 'x'.repeat(2000), '%20', 'a b', '1e3', '-1', 'true', 'null'];
const GOOD_PARAMS = ['k1', 'user:42', 'a%2Fb', 'caf%C3%A9', 'api'];
const QUERIES = ['', '?userId=u1', '?userId=', '?rolling=true', '?rolling=maybe', '?denyStatus=403', '?denyStatus=abc', '?denyStatus=500', '?count=-1', '?count=1e9', '?count=10', '?cursor=x', '?cursor=0', '?match=*', '?type=hash', '?type=list', '?x=1&x=2', '?%ZZ=1', '?userId=u1&userId=u2', '?__proto__=1', '?encoding=base64', '?encoding=hex', '?encoding=base64&encoding=text'];
const NUMBERS = [0, 1, -1, 1.5, 42, 1e308, -1e308, 2 ** 53, 2 ** 63, 1e-300, 60_000, 3_600_000, 0.0001];
const STRINGS = ['', 'x', 'gcra', 'token-bucket', 'fixed-window', 'sliding-window', 'nope', 'api', 'auth', '__proto__', 'x'.repeat(5000), '\u0000', 'é', '1', 'true'];
const FIELDS = [
  'data',
  'ttlMs',
  'userId',
  'maxPerUser',
  'expectedVersion',
  'value',
  'nx',
  'xx',
  'by',
  'key',
  'algorithm',
  'limit',
  'windowMs',
  'burst',
  'cost',
  'policy',
  'domain',
  'descriptors',
  'checks',
  'name',
  'shadow',
  'ttlMode',
  'extra',
  'constructor',
];

/** A random JSON value, nested up to `depth` levels. */
function jsonValue(rnd: Rnd, depth: number): unknown {
  const r = rnd();
  if (r < 0.25) return pick(rnd, NUMBERS);
  if (r < 0.45) return pick(rnd, STRINGS);
  if (r < 0.5) return null;
  if (r < 0.55) return rnd() < 0.5;
  if (r < 0.7 && depth > 0) return Array.from({ length: Math.floor(rnd() * 4) }, () => jsonValue(rnd, depth - 1));
  if (depth > 0) return jsonObject(rnd, depth - 1);
  return pick(rnd, STRINGS);
}

/** An object with a few fields the API knows (and sometimes one it does not), random values. */
function jsonObject(rnd: Rnd, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = Math.floor(rnd() * 5);
  for (let i = 0; i < n; i++) out[pick(rnd, FIELDS)] = jsonValue(rnd, depth);
  return out;
}

/** Bodies that are not JSON, or not the JSON the route wants. */
const RAW_BODIES = ['{', '{"a":', 'nul', '[1,]', '"\\u0000"', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '1', '[]', '""', 'x=1&y=2', '\u0000\u0001', '{"ttlMs":1e999}', '{"data":' + '['.repeat(2000) + ']'.repeat(2000) + '}'];

/** A request: method, path (already encoded), headers, and a body as sent. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const ROUTES: Array<[string, (p: () => string) => string]> = [
  ['POST', () => '/v1/sessions'],
  ['GET', () => '/v1/sessions'],
  ['DELETE', () => '/v1/sessions'],
  ['GET', (p) => `/v1/sessions/${p()}`],
  ['PUT', (p) => `/v1/sessions/${p()}`],
  ['PATCH', (p) => `/v1/sessions/${p()}`],
  ['POST', (p) => `/v1/sessions/${p()}/touch`],
  ['DELETE', (p) => `/v1/sessions/${p()}`],
  ['POST', () => '/v1/ratelimit/check'],
  ['POST', () => '/v1/ratelimit/batch'],
  ['POST', () => '/v1/ratelimit/peek'],
  ['POST', () => '/v1/ratelimit/reset'],
  ['GET', (p) => `/v1/ratelimit/${p()}/${p()}`],
  ['GET', (p) => `/v1/counters/${p()}`],
  ['POST', (p) => `/v1/counters/${p()}/incr`],
  ['POST', (p) => `/v1/counters/${p()}/decr`],
  ['DELETE', (p) => `/v1/counters/${p()}`],
  ['GET', () => '/v1/keys'],
  ['GET', (p) => `/v1/keys/${p()}`],
  ['PUT', (p) => `/v1/keys/${p()}`],
  ['DELETE', (p) => `/v1/keys/${p()}`],
  ['GET', (p) => `/v1/keys/${p()}/type`],
  ['GET', (p) => `/v1/keys/${p()}/ttl`],
  ['PUT', (p) => `/v1/keys/${p()}/ttl`],
  ['GET', (p) => `/v1/keys/${p()}/info`],
  ['GET', () => '/v1/admin/info'],
  ['GET', () => '/v1/admin/config'],
  ['PUT', (p) => `/v1/admin/config/${p()}`],
  ['GET', () => '/v1/admin/ratelimit/policies'],
  ['PUT', (p) => `/v1/admin/ratelimit/policies/${p()}`],
  ['DELETE', (p) => `/v1/admin/ratelimit/policies/${p()}`],
  ['GET', () => '/metrics'],
  ['GET', (p) => `/docs/assets/${p()}`],
  ['GET', (p) => `/v1/${p()}`],
  ['POST', (p) => `/${p()}`],
];

/**
 * A valid body per route (by the start of its path and its method); the fuzz sends one with a
 * single field replaced, removed or added, to get past the shape checks into the handlers' own.
 */
const VALID_BODIES: Array<[string, string, Record<string, unknown>]> = [
  ['POST', '/v1/sessions', { data: { cart: [1, 2] }, ttlMs: 60_000, userId: 'u1', maxPerUser: 3 }],
  ['PUT', '/v1/sessions/', { data: { a: 1 }, expectedVersion: 1, ttlMs: 60_000 }],
  ['PATCH', '/v1/sessions/', { data: { a: null, b: { c: 1 } }, expectedVersion: 1 }],
  ['POST', '/v1/sessions/', { ttlMs: 30_000 }],
  ['POST', '/v1/ratelimit/check', { key: 'fuzz', algorithm: 'gcra', limit: 10, windowMs: 1000, burst: 5, cost: 1 }],
  ['POST', '/v1/ratelimit/peek', { key: 'fuzz', algorithm: 'token-bucket', limit: 10, windowMs: 1000 }],
  ['POST', '/v1/ratelimit/reset', { key: 'fuzz', algorithm: 'fixed-window', limit: 10, windowMs: 1000 }],
  ['POST', '/v1/ratelimit/batch', { checks: [{ key: 'a', algorithm: 'sliding-window', limit: 5, windowMs: 1000 }, { key: 'b', algorithm: 'gcra', limit: 5, windowMs: 1000 }] }],
  ['POST', '/v1/counters/', { by: 5, ttlMs: 60_000, ttlMode: 'if-new' }],
  ['PUT', '/v1/keys/', { value: 'v', ttlMs: 60_000, nx: false, xx: false }],
  ['PUT', '/v1/admin/ratelimit/policies/', { algorithm: 'gcra', limit: 10, windowMs: 1000, burst: 2, shadow: false }],
];

/** The valid body for this route with one field replaced by a random value, removed, or one added. */
function nearValidBody(rnd: Rnd, method: string, path: string): Record<string, unknown> | null {
  const match = VALID_BODIES.find(([m, prefix]) => m === method && path.startsWith(prefix));
  if (match === undefined) return null;
  const body: Record<string, unknown> = JSON.parse(JSON.stringify(match[2]));
  const fields = Object.keys(body);
  const r = rnd();
  if (r < 0.6) body[pick(rnd, fields)] = jsonValue(rnd, 2);
  else if (r < 0.8) delete body[pick(rnd, fields)];
  else body[pick(rnd, FIELDS)] = jsonValue(rnd, 2);
  return body;
}

const CONTENT_TYPES = ['application/json', 'application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'multipart/form-data; boundary=x', 'application/xml'];

/**
 * One random request. Admin routes get the admin token half of the time; a config PUT then only
 * ever carries a value no option accepts (so the fuzz cannot switch the server into another
 * mode, e.g. a tiny maxmemory).
 */
export function randomRequest(rnd: Rnd, bodyLimitBytes: number): FuzzRequest {
  const [routeMethod, build] = pick(rnd, ROUTES);
  const method = rnd() < 0.85 ? routeMethod : pick(rnd, ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
  // 40 % of requests have plausible path parameters and no query, so that their bodies are what decides.
  const plausible = rnd() < 0.4;
  const path = plausible ? build(() => pick(rnd, GOOD_PARAMS)) : build(() => pick(rnd, PARAMS)) + pick(rnd, QUERIES);
  const headers: Record<string, string> = {};
  if (path.startsWith('/v1/admin') && rnd() < 0.5) headers.authorization = `Bearer ${ADMIN_TOKEN}`;
  if (rnd() < 0.1) headers['if-match'] = pick(rnd, ['"1"', '1', '"x"', '*', '']);
  // fetch sends no body with GET or HEAD; DELETE and OPTIONS get one now and then.
  if (method === 'GET' || method === 'HEAD') return { method, path, headers };
  if ((method === 'OPTIONS' || method === 'DELETE') && rnd() < 0.9) return { method, path, headers };
  headers['content-type'] = pick(rnd, CONTENT_TYPES);
  const isConfigPut = path.startsWith('/v1/admin/config/');
  const r = rnd();
  const nearValid = r < 0.35 ? nearValidBody(rnd, method, path) : null;
  let body: string;
  if (isConfigPut) body = JSON.stringify({ value: pick(rnd, [{}, [], null, 'not-a-value', { value: 1 }]) });
  else if (nearValid !== null) body = JSON.stringify(nearValid);
  else if (r < 0.5) body = pick(rnd, RAW_BODIES);
  else if (r < 0.52) body = JSON.stringify({ data: 'x'.repeat(bodyLimitBytes + 10) });
  else if (r < 0.6) body = JSON.stringify(jsonValue(rnd, 3));
  else body = JSON.stringify(jsonObject(rnd, 3));
  return { method, path, headers, body };
}

/** What was wrong with one answer, or null. */
export function badAnswer(request: FuzzRequest, result: CallResult, writes: number): string | null {
  if (result.status >= 500) return `status ${result.status}: ${result.text.slice(0, 300)}`;
  if (result.status < 400) return null;
  if (writes > 0) return `status ${result.status} but ${writes} writes reached the engine`;
  if (request.method === 'HEAD') return null;
  const error = (result.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string') return `status ${result.status} without the error envelope: ${result.text.slice(0, 300)}`;
  return null;
}

export interface FuzzRun {
  requests: number;
  /** Answers by status class: "2xx", "4xx", ... */
  statuses: Record<string, number>;
  failures: Array<{ request: FuzzRequest; problem: string }>;
}

/** Sends `count` random requests (seed `seed`) one after the other and checks every answer. */
export async function runHttpFuzz(server: HttpTestServer, options: { seed: number; count: number; bodyLimitBytes: number; maxFailures?: number }): Promise<FuzzRun> {
  const rnd = seededRandom(options.seed);
  const run: FuzzRun = { requests: 0, statuses: {}, failures: [] };
  let writes = 0;
  const stop = server.server.keyspace.engine.onMutation((record) => {
    if (record.reason !== 'expired' && record.reason !== 'evicted') writes++;
  });
  try {
    for (let i = 0; i < options.count && run.failures.length < (options.maxFailures ?? 10); i++) {
      const request = randomRequest(rnd, options.bodyLimitBytes);
      writes = 0;
      const result = await call(server, request.method, request.path, { rawBody: request.body, headers: request.headers });
      run.requests++;
      const group = `${Math.floor(result.status / 100)}xx`;
      run.statuses[group] = (run.statuses[group] ?? 0) + 1;
      const problem = badAnswer(request, result, writes);
      if (problem !== null) run.failures.push({ request: { ...request, body: request.body?.slice(0, 300) }, problem });
    }
  } finally {
    stop();
  }
  return run;
}
