// HTTP contracts of the rate-limit API: checks, batches, policies and their answers.

import { z } from 'zod';
import { hasForbiddenKeyPart, KeyText, MAX_LIMIT, MAX_TTL_MS } from './common';

export const RATE_LIMIT_ALGORITHMS = ['fixed-window', 'sliding-window', 'token-bucket', 'gcra'] as const;
export type RateLimitAlgorithm = (typeof RATE_LIMIT_ALGORITHMS)[number];

/** A policy, domain or descriptor name. */
export const PolicyName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, "_", "." or "-"')
  // A URL path cannot carry these as a segment: /v1/ratelimit/../k is /v1/k to every URL parser.
  .refine((name) => name !== '.' && name !== '..', 'cannot be "." or ".." (a URL path would resolve it)')
  // It becomes part of keys (ratelimit-policy:<name>:..., <descriptor>=<value>), which never hold these.
  .refine((name) => !hasForbiddenKeyPart(name), 'must not contain __proto__');

/** The parameters of a limit: shared by ad-hoc checks and named policies. */
export const RateLimitParamsShape = {
  algorithm: z.enum(RATE_LIMIT_ALGORITHMS),
  /** Requests (cost units) allowed per window; for gcra the rate per period. */
  limit: z.number().int().min(1).max(MAX_LIMIT),
  /** Window length (fixed/sliding), refill period (token bucket), period (gcra), in ms. */
  windowMs: z.number().int().min(1).max(MAX_TTL_MS),
  /** Token bucket: capacity (default limit). GCRA: max_burst (default limit - 1). */
  burst: z.number().int().min(0).max(MAX_LIMIT).optional(),
};

export const RateLimitParamsSchema = z.object(RateLimitParamsShape).strict();

/**
 * What is wrong with `burst` for the algorithm (a message for the `burst` field), or null: it
 * means something only to a token bucket (its capacity, at least 1) and to GCRA (max_burst).
 */
export function burstProblem(params: { algorithm: RateLimitAlgorithm; burst?: number }): string | null {
  if (params.burst === undefined) return null;
  if (params.algorithm === 'fixed-window' || params.algorithm === 'sliding-window') return `applies to token-bucket and gcra only, not to ${params.algorithm}`;
  if (params.algorithm === 'token-bucket' && params.burst === 0) return 'a token bucket needs a capacity of at least 1';
  return null;
}
export type RateLimitParams = z.infer<typeof RateLimitParamsSchema>;

export const DescriptorEntrySchema = z.object({ key: PolicyName, value: KeyText }).strict();
export type DescriptorEntry = z.infer<typeof DescriptorEntrySchema>;

/** Refuses a descriptor key that appears twice (which value would the limit be about?). */
function uniqueDescriptorKeys(entries: Array<{ key: string }>, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    if (seen.has(entry.key)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index, 'key'], message: `repeats descriptor key '${entry.key}'` });
    seen.add(entry.key);
  });
}

/**
 * Which limit a request is about. Exactly one form:
 * - ad hoc: `key` + algorithm, limit, windowMs (+ burst);
 * - named policy: `policy` + `key`;
 * - envoy style: `domain` + `descriptors` (the matching policy is looked up).
 */
export const RateLimitTargetSchema = z
  .object({
    key: KeyText.optional(),
    policy: PolicyName.optional(),
    domain: PolicyName.optional(),
    descriptors: z.array(DescriptorEntrySchema).min(1).max(16).superRefine(uniqueDescriptorKeys).optional(),
    algorithm: RateLimitParamsShape.algorithm.optional(),
    limit: RateLimitParamsShape.limit.optional(),
    windowMs: RateLimitParamsShape.windowMs.optional(),
    burst: RateLimitParamsShape.burst,
    /** Units this request consumes; 0 only looks (like redis-cell's quantity 0). */
    cost: z.number().int().min(0).max(MAX_LIMIT).default(1),
  })
  .strict()
  .superRefine((body, ctx) => {
    const need = (field: 'key' | 'algorithm' | 'limit' | 'windowMs' | 'descriptors', why: string) => {
      if (body[field] === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [field], message: `is required ${why}` });
    };
    const forbid = (fields: Array<keyof typeof body>, why: string) => {
      for (const field of fields) {
        if (body[field] !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [field], message: `is not allowed ${why}` });
      }
    };
    if (body.domain !== undefined) {
      need('descriptors', 'with domain');
      forbid(['key', 'policy', 'algorithm', 'limit', 'windowMs', 'burst'], 'with domain (the policy defines it)');
    } else if (body.policy !== undefined) {
      need('key', 'with policy');
      forbid(['algorithm', 'limit', 'windowMs', 'burst', 'descriptors'], 'with policy (the policy defines it)');
    } else {
      need('key', '(or give policy + key, or domain + descriptors)');
      need('algorithm', 'for an ad-hoc check');
      need('limit', 'for an ad-hoc check');
      need('windowMs', 'for an ad-hoc check');
      forbid(['descriptors'], 'without domain');
    }
  });
export type RateLimitTarget = z.infer<typeof RateLimitTargetSchema>;

/** Query of the gateway form GET /v1/ratelimit/:policy/:key. */
export const RateLimitGatewayQuerySchema = z
  .object({
    /** nginx auth_request only understands 401/403 as "deny": use ?denyStatus=403 there. */
    denyStatus: z.enum(['429', '403']).default('429'),
  })
  .strict();

export const RateLimitBatchSchema = z.object({ checks: z.array(RateLimitTargetSchema).min(1).max(100) }).strict();
export type RateLimitBatch = z.infer<typeof RateLimitBatchSchema>;

/** The answer of a check. retryAfterMs: 0 when allowed, -1 when the cost can never be allowed. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetMs: number;
  retryAfterMs: number;
}

export interface RateLimitCheckResult extends RateLimitDecision {
  /** Set when a named policy decided. */
  policy?: string;
  /** Shadow policy: the check would have been denied but was allowed (nothing consumed). */
  shadowDenied?: boolean;
}

export interface RateLimitBatchResult {
  allowed: boolean;
  results: RateLimitCheckResult[];
}

/** A named policy, envoy-style: a domain and descriptor keys (optionally fixed values) → a limit. */
export const RateLimitPolicySchema = z
  .object({
    name: PolicyName,
    domain: PolicyName.default('default'),
    descriptors: z
      .array(z.object({ key: PolicyName, value: KeyText.optional() }).strict())
      .max(16)
      .superRefine(uniqueDescriptorKeys)
      .default([]),
    ...RateLimitParamsShape,
    /** Shadow mode: count and report, never deny. */
    shadow: z.boolean().default(false),
  })
  .strict();
export type RateLimitPolicy = z.infer<typeof RateLimitPolicySchema>;

/** The policy file (ratelimit-policies option): `{ "policies": [ ... ] }`. */
export const RateLimitPolicyFileSchema = z.object({ policies: z.array(RateLimitPolicySchema) }).strict();

export interface RateLimitPolicyCounters {
  allowed: number;
  denied: number;
  /** Allowed with at most 20% of the limit left (envoy's near_limit, ratio 0.8). */
  nearLimit: number;
  /** Would have been denied, let through by shadow mode. */
  shadowDenied: number;
}

export interface RateLimitPolicyView extends RateLimitPolicy {
  counters: RateLimitPolicyCounters;
  /** The policy's entity tag: send it as If-Match to replace only this version of it. */
  etag: string;
}
