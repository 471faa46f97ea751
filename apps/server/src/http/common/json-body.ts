// Request bodies: JSON parsed the same way on every route (the Nest routes through the content-type
// parser bootstrap.ts registers, the rate-limit fast lane by hand), with the same refusals.

import { isUtf8 } from 'node:buffer';
import { parse as parseQuery } from 'node:querystring';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import secureJson from 'secure-json-parse';
import { bodyErrors } from './http-error';
import { malformedPercentEncoding } from './request-checks';

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

/**
 * 415 when a body declares a charset other than UTF-8: JSON is UTF-8 (RFC 8259 §8.1) and the API
 * reads forms as UTF-8 too, so a body in another charset would be misread, not refused.
 */
export function checkCharset(contentType: string): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType)?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) throw bodyErrors.unsupportedType(contentType, 'UTF-8 (charset=utf-8, or no charset)');
}

/** A body's text: 400 INVALID_JSON when its bytes are not UTF-8 (instead of U+FFFD in their place). */
export function utf8Text(body: Buffer): string {
  if (!isUtf8(body)) throw bodyErrors.notUtf8();
  return body.toString('utf8');
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
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      checkCharset(request.headers['content-type'] ?? '');
      // No body at all is no body (the route's schema decides), as the fast lane takes it.
      done(null, (body as Buffer).length === 0 ? undefined : parseJsonBody(utf8Text(body as Buffer)));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      checkCharset(request.headers['content-type'] ?? '');
      const text = utf8Text(body as Buffer);
      // querystring.parse turns a malformed escape into U+FFFD: `userId=%E9` and `%E8` would be one user.
      if (malformedPercentEncoding(text.replace(/\+/g, ' '))) throw bodyErrors.malformedForm();
      const form = { ...parseQuery(text) };
      formBodies.add(form);
      done(null, form);
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
