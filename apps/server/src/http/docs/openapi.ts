// The OpenAPI 3.1 document of the HTTP API. Request bodies come from the zod schemas in
// @mnemo/contracts that validate them, so those cannot drift; the data routes' success bodies
// from response-schemas.ts (checked against real answers by a test); routes, query parameters and
// statuses are the table below. Served at /docs/openapi.json.

import type { ZodTypeAny } from 'zod';
import {
  ConfigSetSchema,
  CounterStepSchema,
  CreateSessionSchema,
  FlushSchema,
  KeyTtlSchema,
  PutKeySchema,
  RateLimitBatchSchema,
  RateLimitPolicySchema,
  RateLimitTargetSchema,
  TouchSessionSchema,
  UpdateSessionSchema,
} from '@mnemo/contracts';
import { RESPONSE_SCHEMAS } from './response-schemas';
import { JsonSchema, toJsonSchema } from './zod-json-schema';
import { MNEMO_VERSION } from '../../version';

interface Route {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  tag: string;
  summary: string;
  body?: ZodTypeAny;
  query?: Record<string, JsonSchema>;
  auth: 'apiKey' | 'admin' | 'none';
  ok: number;
  /** The success body's schema in components.schemas (response-schemas.ts), if it has one there. */
  returns?: keyof typeof RESPONSE_SCHEMAS;
  /** A success body that is text, not JSON: its media type. */
  returnsText?: string;
  /** Answers particular to the route; the ones every route of its kind can give are added by buildOpenApi. */
  errors?: number[];
}

const key = { name: 'key', in: 'path', required: true, schema: { type: 'string' } };
/** ?encoding= of the /v1/keys routes (key-encoding.ts): text, or base64 of the exact bytes. */
const ENCODING: JsonSchema = { type: 'string', enum: ['text', 'base64'], description: 'base64: keys in the path and keys and values in the body and answer are base64 of their bytes' };

const ROUTES: Route[] = [
  { method: 'post', path: '/v1/sessions', tag: 'sessions', summary: 'Create a session (data, ttlMs, userId); 201 with id and expiresAt', body: CreateSessionSchema, auth: 'apiKey', ok: 201, errors: [409, 507], returns: 'Session' },
  { method: 'get', path: '/v1/sessions', tag: 'sessions', summary: "List a user's live sessions (and prune their index)", query: { userId: { type: 'string' } }, auth: 'apiKey', ok: 200, errors: [409, 503], returns: 'SessionList' },
  { method: 'delete', path: '/v1/sessions', tag: 'sessions', summary: 'Destroy every session of a user (log out everywhere)', query: { userId: { type: 'string' } }, auth: 'apiKey', ok: 200, errors: [409], returns: 'Destroyed' },
  { method: 'get', path: '/v1/sessions/{id}', tag: 'sessions', summary: 'Get a session; ?rolling=true restarts its TTL. ETag = version; If-Match (412)', query: { rolling: { type: 'string', enum: ['true', 'false', '1', '0'] } }, auth: 'apiKey', ok: 200, errors: [404, 409, 412, 503], returns: 'Session' },
  { method: 'put', path: '/v1/sessions/{id}', tag: 'sessions', summary: 'Replace the data; expectedVersion (409) or If-Match (412) for optimistic concurrency', body: UpdateSessionSchema, auth: 'apiKey', ok: 200, errors: [404, 409, 412, 507], returns: 'Session' },
  { method: 'patch', path: '/v1/sessions/{id}', tag: 'sessions', summary: 'Merge the data (RFC 7386); same version checks as PUT', body: UpdateSessionSchema, auth: 'apiKey', ok: 200, errors: [404, 409, 412, 507], returns: 'Session' },
  { method: 'post', path: '/v1/sessions/{id}/touch', tag: 'sessions', summary: 'Restart the TTL; If-Match (412)', body: TouchSessionSchema, auth: 'apiKey', ok: 200, errors: [404, 409, 412], returns: 'Session' },
  { method: 'delete', path: '/v1/sessions/{id}', tag: 'sessions', summary: 'Destroy a session (204, 404 if missing); If-Match (412)', auth: 'apiKey', ok: 204, errors: [404, 409, 412] },
  { method: 'post', path: '/v1/ratelimit/check', tag: 'ratelimit', summary: 'Atomic check: ad hoc (key+algorithm+limit+windowMs), policy+key, or domain+descriptors', body: RateLimitTargetSchema, auth: 'apiKey', ok: 200, errors: [404, 409, 507], returns: 'RateLimitResult' },
  { method: 'post', path: '/v1/ratelimit/batch', tag: 'ratelimit', summary: 'All-or-nothing batch of checks', body: RateLimitBatchSchema, auth: 'apiKey', ok: 200, errors: [404, 409, 507], returns: 'RateLimitBatchResult' },
  { method: 'post', path: '/v1/ratelimit/peek', tag: 'ratelimit', summary: "What a check would answer, plus the raw state; consumes nothing", body: RateLimitTargetSchema, auth: 'apiKey', ok: 200, errors: [404, 409], returns: 'RateLimitPeek' },
  { method: 'post', path: '/v1/ratelimit/reset', tag: 'ratelimit', summary: "Forget a limit's state", body: RateLimitTargetSchema, auth: 'apiKey', ok: 200, errors: [404], returns: 'Reset' },
  { method: 'get', path: '/v1/ratelimit/{policy}/{key}', tag: 'ratelimit', summary: 'Gateway form: 200 or 429 (?denyStatus=403 for nginx auth_request) with RateLimit-Policy, RateLimit, Retry-After', query: { denyStatus: { type: 'string', enum: ['429', '403'] } }, auth: 'apiKey', ok: 200, errors: [404, 409, 429, 503, 507], returns: 'RateLimitResult' },
  { method: 'get', path: '/v1/counters/{key}', tag: 'counters', summary: 'Counter value (0 if missing) and TTL', auth: 'apiKey', ok: 200, errors: [409], returns: 'Counter' },
  { method: 'post', path: '/v1/counters/{key}/incr', tag: 'counters', summary: 'Add by (default 1), optional TTL', body: CounterStepSchema, auth: 'apiKey', ok: 200, errors: [409, 507], returns: 'Counter' },
  { method: 'post', path: '/v1/counters/{key}/decr', tag: 'counters', summary: 'Subtract by (default 1), optional TTL', body: CounterStepSchema, auth: 'apiKey', ok: 200, errors: [409, 507], returns: 'Counter' },
  { method: 'delete', path: '/v1/counters/{key}', tag: 'counters', summary: 'Reset (delete) a counter', auth: 'apiKey', ok: 200, errors: [409], returns: 'Reset' },
  { method: 'get', path: '/v1/keys', tag: 'keys', summary: 'SCAN step: cursor, pattern, count, type', query: { cursor: { type: 'string' }, pattern: { type: 'string' }, count: { type: 'integer' }, type: { type: 'string', enum: ['string', 'hash'] }, encoding: ENCODING }, auth: 'apiKey', ok: 200, returns: 'Scan' },
  { method: 'get', path: '/v1/keys/{key}', tag: 'keys', query: { encoding: ENCODING }, summary: 'Value (string, or fields of a hash), type and TTL', auth: 'apiKey', ok: 200, errors: [404], returns: 'Key' },
  { method: 'put', path: '/v1/keys/{key}', tag: 'keys', query: { encoding: ENCODING }, summary: 'Set a string value with optional ttlMs, nx, xx', body: PutKeySchema, auth: 'apiKey', ok: 200, errors: [409, 412, 507], returns: 'Key' },
  { method: 'delete', path: '/v1/keys/{key}', tag: 'keys', query: { encoding: ENCODING }, summary: 'Delete a key (204, 404 if missing)', auth: 'apiKey', ok: 204, errors: [404] },
  { method: 'get', path: '/v1/keys/{key}/type', tag: 'keys', query: { encoding: ENCODING }, summary: 'Type of a key', auth: 'apiKey', ok: 200, errors: [404], returns: 'KeyType' },
  { method: 'get', path: '/v1/keys/{key}/ttl', tag: 'keys', query: { encoding: ENCODING }, summary: 'Remaining TTL in ms (null: none)', auth: 'apiKey', ok: 200, errors: [404], returns: 'KeyTtl' },
  { method: 'put', path: '/v1/keys/{key}/ttl', tag: 'keys', query: { encoding: ENCODING }, summary: 'Set (ttlMs) or remove (null) the TTL', body: KeyTtlSchema, auth: 'apiKey', ok: 200, errors: [404], returns: 'KeyTtl' },
  { method: 'get', path: '/v1/keys/{key}/info', tag: 'keys', query: { encoding: ENCODING }, summary: 'Type, TTL, memory, encoding, length, idle time, LFU counter', auth: 'apiKey', ok: 200, errors: [404], returns: 'KeyInfo' },
  { method: 'get', path: '/v1/admin/info', tag: 'admin', summary: 'INFO-like stats and persistence status', auth: 'admin', ok: 200, returns: 'AdminInfo' },
  { method: 'get', path: '/v1/admin/keys/count', tag: 'admin', summary: 'Count the keys matching ?pattern=glob (and ?type=string|hash) with one whole SCAN', query: { pattern: { type: 'string' }, type: { type: 'string', enum: ['string', 'hash'] } }, auth: 'admin', ok: 200, returns: 'KeyCount' },
  { method: 'get', path: '/v1/admin/config', tag: 'admin', summary: 'CONFIG GET (?pattern=glob)', query: { pattern: { type: 'string' } }, auth: 'admin', ok: 200, returns: 'Config' },
  { method: 'put', path: '/v1/admin/config/{name}', tag: 'admin', summary: 'CONFIG SET one parameter; answers its new value', body: ConfigSetSchema, auth: 'admin', ok: 200, returns: 'Config' },
  { method: 'post', path: '/v1/admin/save', tag: 'admin', summary: 'Blocking snapshot', auth: 'admin', ok: 200, returns: 'PersistenceStatus' },
  { method: 'post', path: '/v1/admin/bgsave', tag: 'admin', summary: 'Background snapshot', auth: 'admin', ok: 202, errors: [409, 501], returns: 'PersistenceStatus' },
  { method: 'post', path: '/v1/admin/rewrite', tag: 'admin', summary: 'Log rewrite', auth: 'admin', ok: 202, errors: [409, 501], returns: 'PersistenceStatus' },
  { method: 'post', path: '/v1/admin/flush', tag: 'admin', summary: 'FLUSHALL; needs {"confirm":"FLUSHALL"}', body: FlushSchema, auth: 'admin', ok: 200, returns: 'Flushed' },
  { method: 'get', path: '/v1/admin/ratelimit/policies', tag: 'admin', summary: 'Named policies and their counters', auth: 'admin', ok: 200, returns: 'RateLimitPolicyList' },
  { method: 'put', path: '/v1/admin/ratelimit/policies/{name}', tag: 'admin', summary: 'Create or replace a policy; If-None-Match: * creates only, If-Match: <etag> replaces only that version (412)', body: RateLimitPolicySchema.omit({ name: true }), auth: 'admin', ok: 200, errors: [412, 503], returns: 'RateLimitPolicy' },
  { method: 'delete', path: '/v1/admin/ratelimit/policies/{name}', tag: 'admin', summary: 'Delete a policy', auth: 'admin', ok: 204, errors: [404, 503] },
  { method: 'get', path: '/healthz', tag: 'ops', summary: 'Liveness', auth: 'none', ok: 200, returns: 'Health' },
  { method: 'get', path: '/readyz', tag: 'ops', summary: 'Readiness (503 while recovering or while the log fails)', auth: 'none', ok: 200, errors: [503], returns: 'Ready' },
  { method: 'get', path: '/metrics', tag: 'ops', summary: 'Prometheus metrics (text exposition format)', auth: 'none', ok: 200, returnsText: 'text/plain; version=0.0.4' },
];

/** What each error status means here (docs/http-api.md has the full table). */
const ERROR_STATUS: Record<number, string> = {
  400: 'validation failure (VALIDATION_ERROR naming the field; INVALID_JSON; engine ERR)',
  401: 'missing credentials',
  403: 'wrong credentials',
  404: 'no such session, key or policy',
  409: 'WRONGTYPE (the key holds another type), VERSION_CONFLICT (expectedVersion), or a snapshot already running',
  412: 'If-Match on a stale version, or nx/xx not met',
  413: 'body over body-limit, or a value over max-value-size',
  414: 'a path parameter over 2 x max-key-length characters',
  415: 'a body that is neither JSON nor a form',
  429: 'denied by the policy (gateway form)',
  501: 'no persistence configured',
  503: 'MISCONF (the event log or the policy file cannot be written) or LOADING',
  507: 'OOM: maxmemory reached under noeviction',
};

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } } },
  },
};

/** Builds the whole document. */
export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const parameters: unknown[] = [];
    for (const name of route.path.match(/\{(\w+)\}/g) ?? []) parameters.push({ ...key, name: name.slice(1, -1) });
    for (const [name, schema] of Object.entries(route.query ?? {})) parameters.push({ name, in: 'query', required: name === 'userId', schema });
    const errors = new Set(route.errors ?? []);
    if (route.auth !== 'none') [400, 401, 403].forEach((status) => errors.add(status));
    if (route.body) [413, 415].forEach((status) => errors.add(status));
    if (/\{(key|id|name|policy)\}/.test(route.path)) errors.add(414);
    if (route.auth === 'apiKey' && route.method !== 'get') errors.add(503);
    let success = {};
    if (route.returns) success = { content: { 'application/json': { schema: { $ref: `#/components/schemas/${route.returns}` } } } };
    if (route.returnsText) success = { content: { [route.returnsText]: { schema: { type: 'string' } } } };
    const responses: Record<string, unknown> = { [route.ok]: { description: 'success', ...success } };
    for (const status of [...errors].sort((a, b) => a - b)) {
      responses[status] = { description: ERROR_STATUS[status], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    const operation: Record<string, unknown> = { tags: [route.tag], summary: route.summary, parameters, responses };
    if (route.body) operation.requestBody = { required: false, content: { 'application/json': { schema: toJsonSchema(route.body) } } };
    if (route.auth === 'apiKey') operation.security = [{ bearer: [] }, { apiKey: [] }, {}];
    if (route.auth === 'admin') operation.security = [{ bearer: [] }];
    (paths[route.path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mnemo HTTP API',
      version: MNEMO_VERSION,
      description: 'Sessions, rate limits, counters and keys over an event-sourced keyspace. Errors: { error: { code, message, field? } }; WRONGTYPE 409, OOM 507, MISCONF 503.',
    },
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA, ...RESPONSE_SCHEMAS },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API key (data routes, when api-keys is set) or admin token (/v1/admin)' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
  };
}
