// A zod-free recognizer for the most common check body, the ad-hoc form
// { key, algorithm, limit, windowMs, burst?, cost? }, used by the fast lane before zod.
//
// It accepts only bodies that RateLimitTargetSchema accepts and returns what the schema would
// return for them (cost defaulting to 1); anything else, valid or not, gets null and goes
// through the schema, so error answers always come from zod and name the field the same way.
// fast-validate.spec.ts checks the equivalence on generated bodies.

import { keyTextProblem, MAX_LIMIT, MAX_TTL_MS, RATE_LIMIT_ALGORITHMS } from '@mnemo/contracts';
import type { RateLimitTarget } from '@mnemo/contracts';

const FIELDS = new Set(['key', 'algorithm', 'limit', 'windowMs', 'burst', 'cost']);
const ALGORITHMS = new Set<string>(RATE_LIMIT_ALGORITHMS);

function integerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** The parsed ad-hoc target, or null when the schema must decide. */
export function adHocTarget(body: unknown): RateLimitTarget | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.getPrototypeOf(body) !== Object.prototype) return null;
  const fields = body as Record<string, unknown>;
  for (const name in fields) if (!FIELDS.has(name)) return null;
  const { key, algorithm, limit, windowMs, burst, cost } = fields;
  if (typeof key !== 'string' || keyTextProblem(key) !== null) return null;
  if (typeof algorithm !== 'string' || !ALGORITHMS.has(algorithm)) return null;
  if (!integerIn(limit, 1, MAX_LIMIT) || !integerIn(windowMs, 1, MAX_TTL_MS)) return null;
  if (burst !== undefined && !integerIn(burst, 0, MAX_LIMIT)) return null;
  if (cost !== undefined && !integerIn(cost, 0, MAX_LIMIT)) return null;
  const target: RateLimitTarget = { key, algorithm: algorithm as RateLimitTarget['algorithm'], limit, windowMs, cost: cost ?? 1 };
  if (burst !== undefined) target.burst = burst;
  return target;
}
