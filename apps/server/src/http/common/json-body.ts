// Request bodies: JSON parsed the same way on every route (the Nest routes through the content-type
// parser bootstrap.ts registers, the rate-limit fast lane by hand), with the same refusals.

import { parse as parseQuery } from 'node:querystring';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bodyErrors } from './http-error';

/** A `"__proto__":` or `"constructor":` key anywhere: refused before parsing (prototype poisoning). */
const POISON = /"(?:__proto__|constructor)"\s*:/;

/** Parses a JSON body; throws 400 INVALID_JSON (`field: body`) for bad JSON or a poisoning key. */
export function parseJsonBody(text: string): unknown {
  if ((text.includes('__proto__') || text.includes('constructor')) && POISON.test(text)) throw bodyErrors.poisoned();
  try {
    return JSON.parse(text);
  } catch {
    throw bodyErrors.notJson();
  }
}

/**
 * The body parsers of the Nest routes, in place of Nest's and Fastify's own: JSON through
 * parseJsonBody and HTML forms (values as text); any other content type (text/plain too) gets
 * 415. The body-limit set on the Fastify instance applies to both.
 */
export function useBodyParsers(fastify: ReturnType<ReturnType<NestFastifyApplication['getHttpAdapter']>['getInstance']>): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, { ...parseQuery(body as string) });
  });
}
