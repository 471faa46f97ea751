// HTTP contracts of the counters and raw keys APIs.

import { z } from 'zod';
import { MAX_COUNTER_STEP, TtlMs } from './common';

export const CounterStepSchema = z
  .object({
    by: z.number().int().min(-MAX_COUNTER_STEP).max(MAX_COUNTER_STEP).default(1),
    ttlMs: TtlMs.optional(),
    /** 'always' (default): every call sets the TTL; 'if-new': only when the counter has none. */
    ttlMode: z.enum(['always', 'if-new']).default('always'),
  })
  .strict();
export type CounterStep = z.infer<typeof CounterStepSchema>;

export interface CounterView {
  key: string;
  value: number;
  ttlMs: number | null;
}

export const PutKeySchema = z
  .object({
    value: z.string(),
    ttlMs: TtlMs.optional(),
    /** Only set if the key does not exist (412 otherwise). */
    nx: z.boolean().optional(),
    /** Only set if the key exists (412 otherwise). */
    xx: z.boolean().optional(),
  })
  .strict()
  .refine((body) => !(body.nx && body.xx), { message: 'nx and xx cannot both be true', path: ['nx'] });
export type PutKey = z.infer<typeof PutKeySchema>;

/** PUT /v1/keys/:key/ttl: a TTL in ms, or null to remove it (PERSIST). */
export const KeyTtlSchema = z.object({ ttlMs: TtlMs.nullable() }).strict();

export const KEY_TYPES = ['string', 'hash'] as const;

export interface KeyView {
  key: string;
  type: 'string' | 'hash';
  /** Text for strings; field → value for hashes. */
  value: string | Record<string, string>;
  ttlMs: number | null;
}

export interface KeyInfoView {
  key: string;
  type: 'string' | 'hash';
  ttlMs: number | null;
  expiresAt: number | null;
  memory: number;
  encoding: string;
  length: number;
  idleSeconds: number;
  freq: number;
}

export interface ScanView {
  cursor: string;
  keys: string[];
}

/** GET /v1/admin/keys/count: keys matching a pattern (and type), counted by one whole SCAN. */
export interface KeyCountView {
  pattern: string;
  type: string | null;
  count: number;
  /** Wall time of the scan, in ms (it yields to clients between slices). */
  ms: number;
}
