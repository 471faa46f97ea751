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

/** `?pattern=&type=` means "not given", as an HTML form sends its empty fields. */
function withoutEmptyValues(query: unknown): unknown {
  if (typeof query !== 'object' || query === null) return query;
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== ''));
}

export class ZodPipe<Out, In = unknown> implements PipeTransform<unknown, Out> {
  constructor(
    private readonly schema: ZodType<Out, ZodTypeDef, In>,
    private readonly part: RequestPart = 'body',
  ) {}

  /** Returns the parsed value (defaults applied, unknown fields rejected by .strict() schemas) or throws 400. */
  transform(value: unknown): Out {
    // Fastify leaves the body undefined when a request has none.
    const input = this.part === 'body' && value === undefined ? {} : this.part === 'query' ? withoutEmptyValues(value) : value;
    const result = this.schema.safeParse(input);
    if (result.success) return result.data;
    const { field, message } = describeIssue(this.part, result.error.issues[0]);
    throw validationError(field, message);
  }
}
