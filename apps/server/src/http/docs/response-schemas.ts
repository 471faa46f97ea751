// JSON Schemas of the success bodies of the data, admin and ops routes, for the OpenAPI document
// (components.schemas). They are written by hand from the view types in @mnemo/contracts, and
// apps/server/test/http-openapi-responses.spec.ts checks real answers of every route that names
// one against them, with additionalProperties false, so a field added to a view without its
// schema fails that test.

import { RATE_LIMIT_ALGORITHMS } from '@mnemo/contracts';
import type { JsonSchema } from './zod-json-schema';

const integer = { type: 'integer' };
const nullableInteger = { type: ['integer', 'null'] };
const string = { type: 'string' };
const boolean = { type: 'boolean' };

function object(properties: Record<string, JsonSchema>, optional: string[] = []): JsonSchema {
  return { type: 'object', additionalProperties: false, required: Object.keys(properties).filter((name) => !optional.includes(name)), properties };
}

const session = object({
  id: string,
  userId: { type: ['string', 'null'] },
  data: { type: 'object' },
  version: integer,
  createdAt: integer,
  updatedAt: integer,
  expiresAt: integer,
  ttlMs: integer,
});

const decision = {
  allowed: boolean,
  limit: integer,
  remaining: integer,
  resetMs: integer,
  retryAfterMs: { type: 'integer', description: '0 when allowed, -1 when the cost can never be allowed' },
  policy: { type: 'string', description: 'the named policy that decided' },
  shadowDenied: { type: 'boolean', description: 'a shadow policy would have denied (nothing was consumed)' },
};
const rateLimitResult = object(decision, ['policy', 'shadowDenied']);

/** A named policy as the admin routes answer it: every default filled in, its counters and its entity tag. */
const rateLimitPolicy = object(
  {
    name: string,
    domain: string,
    descriptors: { type: 'array', items: object({ key: string, value: string }, ['value']) },
    algorithm: { type: 'string', enum: [...RATE_LIMIT_ALGORITHMS] },
    limit: integer,
    windowMs: integer,
    burst: integer,
    shadow: boolean,
    counters: object({ allowed: integer, denied: integer, nearLimit: integer, shadowDenied: integer }),
    etag: { type: 'string', description: 'send as If-Match to replace only this version of the policy' },
  },
  ['burst'],
);

/** One INFO section: field name -> a scalar (the persistence section's fields follow its status). */
const infoSection = { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean', 'null'] } };
const INFO_SECTIONS = ['server', 'memory', 'stats', 'keyspace', 'commandstats', 'persistence', 'ratelimit'];

export const RESPONSE_SCHEMAS: Record<string, JsonSchema> = {
  Session: session,
  SessionList: object({ sessions: { type: 'array', items: { $ref: '#/components/schemas/Session' } } }),
  Destroyed: object({ destroyed: integer }),
  RateLimitResult: rateLimitResult,
  RateLimitBatchResult: object({ allowed: boolean, results: { type: 'array', items: { $ref: '#/components/schemas/RateLimitResult' } } }),
  RateLimitPeek: object({ ...decision, state: { type: ['string', 'null'] }, stateTtlMs: nullableInteger }, ['policy', 'shadowDenied']),
  Reset: object({ reset: boolean }),
  Counter: object({
    key: string,
    value: { type: ['integer', 'string'], description: 'a string past 2^53 (counters are 64-bit)' },
    ttlMs: nullableInteger,
  }),
  Key: object({
    key: string,
    type: { type: 'string', enum: ['string', 'hash'] },
    value: { oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: { type: 'string' } }] },
    ttlMs: nullableInteger,
  }),
  KeyType: object({ key: string, type: { type: 'string', enum: ['string', 'hash'] } }),
  KeyTtl: object({ key: string, ttlMs: nullableInteger }),
  KeyInfo: object({
    key: string,
    type: { type: 'string', enum: ['string', 'hash'] },
    ttlMs: nullableInteger,
    expiresAt: nullableInteger,
    memory: integer,
    encoding: string,
    length: integer,
    idleSeconds: integer,
    freq: integer,
  }),
  Scan: object({ cursor: string, keys: { type: 'array', items: string } }),
  AdminInfo: object(Object.fromEntries(INFO_SECTIONS.map((name) => [name, infoSection]))),
  KeyCount: object({ pattern: string, type: { type: ['string', 'null'], enum: ['string', 'hash', null] }, count: integer, ms: integer }),
  Config: { type: 'object', description: 'parameter name -> value, as CONFIG GET', additionalProperties: string },
  PersistenceStatus: object({ status: { type: 'string', description: "'OK' after SAVE; what BGSAVE or a rewrite started ('Background saving started', ...)" } }),
  Flushed: object({ flushed: { type: 'integer', description: 'keys there were before the flush' } }),
  RateLimitPolicy: rateLimitPolicy,
  RateLimitPolicyList: object({ policies: { type: 'array', items: { $ref: '#/components/schemas/RateLimitPolicy' } } }),
  Health: object({ status: { type: 'string', enum: ['ok'] } }),
  Ready: object({ status: { type: 'string', enum: ['ready'] } }),
};
