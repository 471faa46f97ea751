// HTTP contracts of the session API.

import { z } from 'zod';
import { KeyText, TtlMs } from './common';

/** A session's data: a JSON object (its serialized size is limited by max-value-size). */
export const SessionData = z.record(z.unknown());

export const CreateSessionSchema = z
  .object({
    data: SessionData.default({}),
    ttlMs: TtlMs.optional(),
    userId: KeyText.optional(),
    /** Overrides the sessions-max-per-user option for this user's creation (0: unlimited). */
    maxPerUser: z.number().int().min(0).max(100_000).optional(),
  })
  .strict();
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
