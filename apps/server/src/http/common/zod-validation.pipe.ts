// A Nest pipe that validates one request part (body, query, a param) with a zod schema from
// @mnemo/contracts and answers 400 naming the first offending field.

import { PipeTransform } from '@nestjs/common';
import { ZodBoolean, ZodDefault, ZodEffects, ZodNullable, ZodNumber, ZodObject, ZodOptional } from 'zod';
import type { ZodIssue, ZodType, ZodTypeAny, ZodTypeDef } from 'zod';
import { validationError } from './http-error';
import { formBodies } from './json-body';

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
 * parser or node:querystring's) is refused naming it, rather than one of its values being picked.
 */
function queryInput(query: unknown): unknown {
  if (typeof query !== 'object' || query === null) return query;
  const entries = Object.entries(query).filter(([, value]) => value !== '');
  const repeated = entries.find(([, value]) => Array.isArray(value));
  if (repeated) throw validationError(`query.${repeated[0]}`, 'given more than once (send it once)');
  return Object.fromEntries(entries);
}

/** The schema under optional / nullable / default / refine wrappers. */
function unwrap(schema: ZodTypeAny): ZodTypeAny {
  for (;;) {
    if (schema instanceof ZodOptional || schema instanceof ZodNullable || schema instanceof ZodDefault) schema = schema._def.innerType;
    else if (schema instanceof ZodEffects) schema = schema._def.schema;
    else return schema;
  }
}

const FORM_NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * An HTML form's fields typed as its schema wants them: `ttlMs=5000` becomes 5000 where the
 * schema takes a number, `nx=true` becomes true where it takes a boolean. Text that is not a
 * number or a boolean stays text, so the schema names the field as usual; fields the schema
 * takes as text (a key's value "123") stay text.
 */
function typedForm(schema: ZodTypeAny, form: Record<string, unknown>): Record<string, unknown> {
  const object = unwrap(schema);
  if (!(object instanceof ZodObject)) return form;
  const shape = object.shape as Record<string, ZodTypeAny>;
  const typedField = ([name, value]: [string, unknown]): [string, unknown] => {
    if (Array.isArray(value)) throw validationError(`body.${name}`, 'given more than once (send it once)');
    const field = Object.hasOwn(shape, name) ? unwrap(shape[name]) : null;
    if (typeof value === 'string' && field instanceof ZodNumber && FORM_NUMBER.test(value)) return [name, Number(value)];
    if (typeof value === 'string' && field instanceof ZodBoolean && (value === 'true' || value === 'false')) return [name, value === 'true'];
    return [name, value];
  };
  // fromEntries defines own properties: a field named __proto__ stays a field (refused as unknown).
  return Object.fromEntries(Object.entries(form).map(typedField));
}

export class ZodPipe<Out, In = unknown> implements PipeTransform<unknown, Out> {
  constructor(
    private readonly schema: ZodType<Out, ZodTypeDef, In>,
    private readonly part: RequestPart = 'body',
  ) {}

  /** Returns the parsed value (defaults applied, unknown fields rejected by .strict() schemas) or throws 400. */
  transform(value: unknown): Out {
    // Fastify leaves the body undefined when a request has none.
    let input = this.part === 'body' && value === undefined ? {} : this.part === 'query' ? queryInput(value) : value;
    if (this.part === 'body' && typeof input === 'object' && input !== null && formBodies.has(input)) input = typedForm(this.schema, input as Record<string, unknown>);
    const result = this.schema.safeParse(input);
    if (result.success) return result.data;
    const { field, message } = describeIssue(this.part, result.error.issues[0]);
    throw validationError(field, message);
  }
}
