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

const LOOPBACK_NAME = /^(localhost|[a-z0-9.-]+\.localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|::1)$/i;

/** The name part of a Host header (`[::1]:8080` -> `[::1]`, `Example.com:80` -> `example.com`). */
function hostName(host: string): string {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return name.toLowerCase();
}

/**
 * Which Host names the API answers. Design note: the HTTP API has no key by default and listens
 * on loopback, where the operator's browser can reach it. A page on another site can then make
 * the browser send it requests (CSRF: a form POST to /v1/sessions or /v1/ratelimit/reset), or
 * point its own name at 127.0.0.1 (DNS rebinding) and read the answers as same-origin. So while
 * bound to loopback the API answers only loopback Host names (localhost, 127.x.x.x, [::1]) and
 * those listed in http-allowed-hosts ('*': any), and a request whose Origin is not its own
 * Host is refused. Clients other than browsers send no Origin; a proxy that passes its public
 * Host on (`proxy_set_header Host $host`) needs that name listed.
 */
export interface HostPolicy {
  host: string;
  'http-allowed-hosts': string;
}

/** The names a policy allows, parsed once per option text (it runs on every request). */
let parsedHosts: { text: string; names: ReadonlySet<string> } = { text: '', names: new Set() };

function allowedNames(text: string): ReadonlySet<string> {
  if (parsedHosts.text !== text) {
    parsedHosts = { text, names: new Set(text.split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean)) };
  }
  return parsedHosts.names;
}

function hostAllowed(name: string, policy: HostPolicy): boolean {
  const listed = allowedNames(policy['http-allowed-hosts']);
  if (listed.has('*') || listed.has(name)) return true;
  if (!LOOPBACK_NAME.test(hostName(policy.host))) return listed.size === 0;
  return LOOPBACK_NAME.test(name);
}

/** 403 for a Host the API does not answer, or an Origin that is not the request's own Host. */
function siteProblem(request: IncomingMessage, policy: HostPolicy): HttpApiError | null {
  const host = request.headers.host;
  if (host !== undefined && !hostAllowed(hostName(host), policy)) {
    const message = `headers.host: '${host.slice(0, 100)}' is not a name of this server; list it in http-allowed-hosts (a defence against DNS rebinding while the API listens on loopback)`;
    return new HttpApiError(403, HttpErrorCode.forbidden, message, 'headers.host');
  }
  const origin = request.headers.origin;
  if (origin !== undefined) {
    let originHost: string | null = null;
    try {
      originHost = new URL(origin).host.toLowerCase();
    } catch {
      originHost = null; // "null" (a sandboxed page) or garbage
    }
    if (originHost === null || host === undefined || originHost !== host.toLowerCase()) {
      const message = `headers.origin: a request from another site ('${origin.slice(0, 100)}') is refused; browsers reach the API through the dashboard or /docs`;
      return new HttpApiError(403, HttpErrorCode.forbidden, message, 'headers.origin');
    }
  }
  return null;
}

/**
 * What is wrong with the request before any route looks at it, or null: an HTTP/1.1 request
 * without Host (Node's own check is off, bootstrap.ts, so that this answer has the API's
 * envelope), a Host or Origin of another site (see HostPolicy), or a malformed escape in the
 * query string.
 */
export function requestProblem(request: IncomingMessage, policy: HostPolicy): HttpApiError | null {
  if (request.headers.host === undefined && request.httpVersionMajor === 1 && request.httpVersionMinor === 1) {
    return new HttpApiError(400, HttpErrorCode.validation, 'headers.host: an HTTP/1.1 request must carry a Host header', 'headers.host', { connection: 'close' });
  }
  const site = siteProblem(request, policy);
  if (site !== null) return site;
  if (malformedQuery(request.url ?? '')) return new HttpApiError(400, HttpErrorCode.validation, 'url: malformed percent-encoding in the query string', 'url');
  return null;
}

/** Refuses, before routing, every request requestProblem finds something wrong with. */
export function useRequestChecks(fastify: ReturnType<ReturnType<NestFastifyApplication['getHttpAdapter']>['getInstance']>, policy: HostPolicy): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const problem = requestProblem(request.raw, policy);
    if (problem === null) return done();
    const mapped = mapError(problem);
    void reply.code(mapped.status).headers(mapped.headers ?? {}).send(mapped.body);
  });
}
