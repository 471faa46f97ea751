// Checks of the request line and headers that every route makes before its own validation: the
// Nest/Fastify routes through an onRequest hook (useRequestChecks), the rate-limit fast lane by
// calling requestProblem itself. Both answer with the same HttpApiError.

import type { IncomingMessage } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { HttpErrorCode } from '@mnemo/contracts';
import { HttpApiError } from './http-error';
import { mapError } from './http-exception.filter';

/**
 * True when the query string of `url` holds a malformed percent-escape (`%ZZ`, or escapes of
 * bytes that are not UTF-8). Fastify's query parser keeps those as literal text, so
 * `?userId=%ZZ` would look up the user "%ZZ"; the API refuses them as it refuses them in paths.
 */
function malformedQuery(url: string): boolean {
  const start = url.indexOf('?');
  return start !== -1 && malformedPercentEncoding(url.slice(start + 1));
}

/** True when `text` holds a malformed percent-escape: `%ZZ`, or escapes of bytes that are not UTF-8. */
export function malformedPercentEncoding(text: string): boolean {
  if (text.indexOf('%') === -1) return false;
  try {
    decodeURIComponent(text);
    return false;
  } catch {
    return true;
  }
}

/**
 * What is wrong with the request before any route looks at it, or null: an HTTP/1.1 request
 * without Host (Node's own check is off, bootstrap.ts, so that this answer has the API's
 * envelope), or a malformed escape in the query string.
 */
export function requestProblem(request: IncomingMessage): HttpApiError | null {
  if (request.headers.host === undefined && request.httpVersionMajor === 1 && request.httpVersionMinor === 1) {
    return new HttpApiError(400, HttpErrorCode.validation, 'headers.host: an HTTP/1.1 request must carry a Host header', 'headers.host', { connection: 'close' });
  }
  if (malformedQuery(request.url ?? '')) return new HttpApiError(400, HttpErrorCode.validation, 'url: malformed percent-encoding in the query string', 'url');
  return null;
}

/** Refuses, before routing, every request requestProblem finds something wrong with. */
export function useRequestChecks(fastify: ReturnType<ReturnType<NestFastifyApplication['getHttpAdapter']>['getInstance']>): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const problem = requestProblem(request.raw);
    if (problem === null) return done();
    const mapped = mapError(problem);
    void reply.code(mapped.status).headers(mapped.headers ?? {}).send(mapped.body);
  });
}
