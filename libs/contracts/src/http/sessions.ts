// HTTP contracts of the session API.

import { z } from 'zod';
import { KeyText, TtlMs } from './common';

/** Deepest nesting of objects and arrays a session's data may have. */
export const MAX_SESSION_DATA_DEPTH = 64;

/** True if `value` nests objects or arrays deeper than `max`; walks without recursion, so no body can overflow the stack here. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth > max) return true;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}

/** The path of the first number in `value` that is not finite (JSON's 1e400 parses to Infinity), or null. */
export function nonFiniteNumberPath(value: unknown): Array<string | number> | null {
  const pending: Array<{ value: unknown; path: Array<string | number> }> = [{ value, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value === 'number' && !Number.isFinite(next.value)) return next.path;
    if (typeof next.value !== 'object' || next.value === null) continue;
    for (const [key, child] of Object.entries(next.value)) pending.push({ value: child, path: [...next.path, Array.isArray(next.value) ? Number(key) : key] });
  }
  return null;
}

/**
 * A session's data: a JSON object (its serialized size is limited by max-value-size), nested at
 * most MAX_SESSION_DATA_DEPTH deep (serializing and merge-patching it recurse). Its numbers are
 * kept as the doubles they parse to, as JavaScript reads JSON (docs/http-api.md); one too large
 * for a double (1e400) would come back as null, so it is refused.
 */
export const SessionData = z.record(z.unknown()).superRefine((data, ctx) => {
  if (nestedDeeperThan(data, MAX_SESSION_DATA_DEPTH)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `is nested deeper than ${MAX_SESSION_DATA_DEPTH} levels` });
    return;
  }
  const path = nonFiniteNumberPath(data);
  if (path !== null) ctx.addIssue({ code: z.ZodIssueCode.custom, path, message: 'is a number too large for a double (send it as a string)' });
});

export const CreateSessionSchema = z
  .object({
    data: SessionData.default({}),
    ttlMs: TtlMs.optional(),
    userId: KeyText.optional(),
    /** Overrides the sessions-max-per-user option for this user's creation (0: unlimited). */
    maxPerUser: z.number().int().min(0).max(100_000).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    // A per-user maximum without a user would be silently ignored.
    if (body.maxPerUser !== undefined && body.userId === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['maxPerUser'], message: 'needs userId (it limits the sessions of that user)' });
  });
export type CreateSession = z.infer<typeof CreateSessionSchema>;

/** PUT (replace) and PATCH (RFC 7386 merge patch) bodies. */
export const UpdateSessionSchema = z
  .object({
    data: SessionData,
    /** Optimistic check: the write fails with 409 unless the session is at this version. */
    expectedVersion: z.number().int().min(1).optional(),
    /** Also move the expiry to now + ttlMs. */
    ttlMs: TtlMs.optional(),
  })
  .strict();
export type UpdateSession = z.infer<typeof UpdateSessionSchema>;

export const TouchSessionSchema = z.object({ ttlMs: TtlMs.optional() }).strict();

export const SessionIdParam = z.string().regex(/^[A-Za-z0-9_-]{22,64}$/, 'is not a session id');

export interface SessionView {
  id: string;
  userId: string | null;
  data: Record<string, unknown>;
  version: number;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
  ttlMs: number;
}
