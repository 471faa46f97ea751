// A Nest pipe that validates one request part (body, query, a param) with a zod schema from
// @mnemo/contracts and answers 400 naming the first offending field.

import { PipeTransform } from '@nestjs/common';
import type { ZodIssue, ZodType, ZodTypeDef } from 'zod';
import { validationError } from './http-error';

export type RequestPart = 'body' | 'query' | 'params' | string;

/** `body.checks.0.limit: Number must be less than or equal to 1000000000`. */
export function describeIssue(part: RequestPart, issue: ZodIssue): { field: string; message: string } {
  const field = [part, ...issue.path.map(String)].join('.');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    return { field: `${field}.${issue.keys[0]}`, message: `unknown field (${issue.keys.join(', ')})` };
  }
  if (issue.code === 'invalid_type' && issue.received === 'undefined') message = 'is required';
  return { field, message };
}

/**
 * The query as the schemas read it: `?pattern=&type=` means "not given", as an HTML form sends its
 * empty fields, and a name given twice (`?denyStatus=403&denyStatus=429`, an array from Fastify's
 * parser or parseQuery) is refused naming it, rather than one of its values being picked.
 */
function queryInput(query: unknown): unknown {
  if (typeof query !== 'object' || query === null) return query;
  const entries = Object.entries(query).filter(([, value]) => value !== '');
  const repeated = entries.find(([, value]) => Array.isArray(value));
  if (repeated) throw validationError(`query.${repeated[0]}`, 'given more than once (send it once)');
  return Object.fromEntries(entries);
}

/** A raw query string (no '?') parsed as Fastify does: a repeated name becomes an array of its values. */
export function parseQuery(search: string): Record<string, string | string[]> {
  // No prototype: `?__proto__=x` is an ordinary (unknown) name, refused by the strict schemas.
  const query: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of new URLSearchParams(search)) {
    const before = query[name];
    query[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
  }
  return query;
}

export class ZodPipe<Out, In = unknown> implements PipeTransform<unknown, Out> {
  constructor(
    private readonly schema: ZodType<Out, ZodTypeDef, In>,
    private readonly part: RequestPart = 'body',
  ) {}

  /** Returns the parsed value (defaults applied, unknown fields rejected by .strict() schemas) or throws 400. */
  transform(value: unknown): Out {
    // Fastify leaves the body undefined when a request has none.
    const input = this.part === 'body' && value === undefined ? {} : this.part === 'query' ? queryInput(value) : value;
    const result = this.schema.safeParse(input);
    if (result.success) return result.data;
    const { field, message } = describeIssue(this.part, result.error.issues[0]);
    throw validationError(field, message);
  }
}
