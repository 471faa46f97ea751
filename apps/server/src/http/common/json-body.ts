// Request bodies: JSON parsed the same way on every route (the Nest routes through the content-type
// parser bootstrap.ts registers, the rate-limit fast lane by hand), with the same refusals.

import { parse as parseQuery } from 'node:querystring';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import secureJson from 'secure-json-parse';
import { HttpErrorCode } from '@mnemo/contracts';
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
/**
 * True when the query string of `url` holds a malformed percent-escape (`%ZZ`, or escapes of
 * bytes that are not UTF-8). Fastify's query parser keeps those as literal text, so
 * `?userId=%ZZ` would look up the user "%ZZ"; the API refuses them as it refuses them in paths.
 */
export function malformedQuery(url: string): boolean {
  const start = url.indexOf('?');
  if (start === -1 || url.indexOf('%', start) === -1) return false;
  try {
    decodeURIComponent(url.slice(start + 1));
    return false;
  } catch {
    return true;
  }
}

export function useBodyParsers(fastify: ReturnType<ReturnType<NestFastifyApplication['getHttpAdapter']>['getInstance']>): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    // Node's own check of Host is off (bootstrap.ts), so that this answer has the API's envelope.
    if (request.raw.headers.host === undefined && request.raw.httpVersionMajor === 1 && request.raw.httpVersionMinor === 1) {
      void reply
        .code(400)
        .header('connection', 'close')
        .send({ error: { code: HttpErrorCode.validation, message: 'headers.host: an HTTP/1.1 request must carry a Host header', field: 'headers.host' } });
      return;
    }
    if (!malformedQuery(request.url)) return done();
    void reply.code(400).send({ error: { code: HttpErrorCode.validation, message: 'url: malformed percent-encoding in the query string', field: 'url' } });
  });
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
