// Shared pieces of the HTTP API contracts: limits, the error envelope, key and TTL schemas.

import { z } from 'zod';

/** Longest TTL or window the API accepts: one year, in ms. Anything longer is a client bug. */
export const MAX_TTL_MS = 365 * 24 * 60 * 60 * 1000;
/** Largest limit, burst or cost a rate-limit check accepts. */
export const MAX_LIMIT = 1_000_000_000;
/** Largest |n| a counter can be moved by in one call (stays a safe integer). */
export const MAX_COUNTER_STEP = Number.MAX_SAFE_INTEGER;

/** Every error answer of the HTTP API: `{ error: { code, message, field? } }`. */
export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** Error codes the HTTP API answers with (engine codes pass through: WRONGTYPE, OOM, MISCONF, LOADING, ERR). */
export const HttpErrorCode = {
  validation: 'VALIDATION_ERROR',
  invalidJson: 'INVALID_JSON',
  tooLarge: 'PAYLOAD_TOO_LARGE',
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  uriTooLong: 'URI_TOO_LONG',
  headersTooLarge: 'HEADERS_TOO_LARGE',
  requestTimeout: 'REQUEST_TIMEOUT',
  badRequest: 'BAD_REQUEST',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  notFound: 'NOT_FOUND',
  methodNotAllowed: 'METHOD_NOT_ALLOWED',
  versionConflict: 'VERSION_CONFLICT',
  snapshotRunning: 'SNAPSHOT_RUNNING',
  rateLimited: 'RATE_LIMITED',
  notConfigured: 'NOT_CONFIGURED',
  internal: 'INTERNAL',
} as const;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const FORBIDDEN_KEY_PARTS = ['__proto__', 'constructor.prototype'];
/** A UTF-16 surrogate not in a pair (with the u flag, pairs are one code point and do not match). */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Why `text` is not an acceptable key, or null if it is (the rules of KeyText, without zod). */
export function keyTextProblem(text: string): string | null {
  if (text.length === 0) return 'must not be empty';
  if (CONTROL_CHARS.test(text)) return 'must not contain control characters';
  // Its UTF-8 form would be U+FFFD, the same stored key as "\ufffd" and every other lone surrogate.
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode (it holds a lone surrogate, which has no UTF-8 form)';
  if (hasForbiddenKeyPart(text)) return 'must not contain __proto__';
  return null;
}

/** True when `text` holds `__proto__` (or `constructor.prototype`): no key may, nor any part of one. */
export function hasForbiddenKeyPart(text: string): boolean {
  return FORBIDDEN_KEY_PARTS.some((part) => text.includes(part));
}

/**
 * A key as clients send it (text; the server stores its UTF-8 bytes). Non-empty, no control
 * characters, no lone surrogates, no `__proto__`. The byte-length limit (max-key-length) is checked by the server.
 */
export const KeyText = z.string().superRefine((text, ctx) => {
  const problem = keyTextProblem(text);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

/** A TTL in milliseconds: 1 ms to one year. */
export const TtlMs = z.number().int().min(1).max(MAX_TTL_MS);

/** A query-string integer (`?count=10`), coerced from text. */
export function queryInt(min: number, max: number) {
  return z.coerce.number().int().min(min).max(max);
}

/** A query-string boolean: true|false|1|0. */
export const QueryBool = z
  .enum(['true', 'false', '1', '0'])
  .transform((text) => text === 'true' || text === '1');
