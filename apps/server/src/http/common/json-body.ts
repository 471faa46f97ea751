// Request bodies: JSON parsed the same way on every route (the Nest routes through the content-type
// parser bootstrap.ts registers, the rate-limit fast lane by hand), with the same refusals.

import { parse as parseQuery } from 'node:querystring';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import secureJson from 'secure-json-parse';
import { bodyErrors } from './http-error';

const FORBIDDEN = 'Object contains forbidden prototype property';

/**
 * Parses a JSON body; throws 400 INVALID_JSON (`field: body`) for bad JSON, or for prototype
 * poisoning: a `__proto__` key, however escaped, or a `constructor` key holding a `prototype`
 * (secure-json-parse, the parser Fastify uses itself).
 */
export function parseJsonBody(text: string): unknown {
  try {
    return secureJson.parse(text, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    throw (error as Error).message === FORBIDDEN ? bodyErrors.poisoned() : bodyErrors.notJson();
  }
}

/** Bodies that came from an HTML form: their values are all text, which ZodPipe reads by the schema. */
export const formBodies = new WeakSet<object>();

/**
 * The body parsers of the Nest routes, in place of Nest's and Fastify's own: JSON through
 * parseJsonBody and HTML forms (values as text); any other content type (text/plain too) gets
 * 415. The body-limit set on the Fastify instance applies to both.
 */
export function useBodyParsers(fastify: ReturnType<ReturnType<NestFastifyApplication['getHttpAdapter']>['getInstance']>): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    // No body at all is no body (the route's schema decides), as the fast lane takes it.
    if (body === '') return done(null, undefined);
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const form = { ...parseQuery(body as string) };
    formBodies.add(form);
    done(null, form);
  });
}
