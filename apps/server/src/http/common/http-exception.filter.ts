// Maps every error an HTTP route (or Fastify's body parsing) throws to a status and the JSON
// body `{ error: { code, message, field? } }`:
//
//   HttpApiError                 -> its status and code (validation 400, auth 401/403, ...)
//   MnemoError WRONGTYPE         -> 409      OOM -> 507      MISCONF, LOADING -> 503
//   MnemoError ERR (and others)  -> 400 with the engine's message
//   Fastify body too large       -> 413 PAYLOAD_TOO_LARGE, bad JSON -> 400 INVALID_JSON,
//   unsupported content type     -> 415
//   Nest HttpException           -> its status (unknown route -> 404 NOT_FOUND, or 405
//                                   METHOD_NOT_ALLOWED with Allow when the path has other methods)
//   anything else                -> 500 INTERNAL (logged with its stack; the message is hidden)

import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Injectable, NotFoundException } from '@nestjs/common';
import { HttpErrorCode } from '@mnemo/contracts';
import { MnemoError } from '@mnemo/engine';
import type { ErrorBody } from '@mnemo/contracts';
import { bodyErrors, ENGINE_STATUS, HttpApiError, JSON_ONLY_PATHS } from './http-error';
import { HttpLogger } from './http-logger';

/** What the filter needs of a Fastify request: its method, URL and the router it missed. */
interface RoutedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  routeOptions?: { url?: string };
  server?: {
    findRoute(options: { method: string; url: string }): unknown;
    initialConfig?: { maxParamLength?: number; routerOptions?: { maxParamLength?: number } };
  };
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * The 405 for a request whose path has routes, none for its method (RFC 9110 15.5.6: with an
 * Allow header listing them), or null when the path has no route at all (a 404).
 */
export function methodNotAllowed(request: RoutedRequest): Mapped | null {
  const server = request.server;
  if (server === undefined) return null;
  const path = request.url.split('?', 1)[0];
  // A segment over the router's parameter limit "matches" every parametric route of every method
  // (find-my-way answers it with its too-long handler), so such a path is not evidence of a route.
  const config = server.initialConfig;
  const paramLimit = config?.routerOptions?.maxParamLength ?? config?.maxParamLength ?? 100;
  if (path.split('/').some((segment) => segment.length > paramLimit)) return null;
  const routed = (method: string): boolean => server.findRoute({ method, url: path }) !== null;
  if (routed(request.method)) return null;
  const allowed = METHODS.filter((method) => method !== request.method && routed(method));
  if (allowed.length === 0) return null;
  const allow = allowed.join(', ');
  return {
    status: 405,
    body: { error: { code: HttpErrorCode.methodNotAllowed, message: `${request.method} is not allowed on ${path}; allowed: ${allow}` } },
    headers: { allow },
  };
}

interface Reply {
  code(status: number): Reply;
  header(name: string, value: string): Reply;
  send(body: unknown): void;
  sent?: boolean;
}

const STATUS_CODES: Record<number, string> = {
  400: HttpErrorCode.validation,
  401: HttpErrorCode.unauthorized,
  403: HttpErrorCode.forbidden,
  404: HttpErrorCode.notFound,
  405: HttpErrorCode.methodNotAllowed,
  413: HttpErrorCode.tooLarge,
  415: HttpErrorCode.unsupportedMediaType,
  429: HttpErrorCode.rateLimited,
};

interface Mapped {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

function isErrorBody(value: unknown): value is ErrorBody {
  const error = (value as ErrorBody | null)?.error;
  return typeof error === 'object' && error !== null && typeof error.code === 'string';
}

/** A body the JSON parser refused: prototype poisoning is named as such, anything else is "not JSON". */
function bodyError(parserMessage: string): HttpApiError {
  return /prototype|constructor/i.test(parserMessage) ? bodyErrors.poisoned() : bodyErrors.notJson();
}

/** A 4xx from Fastify or Nest: body errors in the API's words, others under their status's code. */
function mapFrameworkStatus(status: number, message: string): Mapped {
  if (status === 413) return mapError(bodyErrors.tooLarge());
  if (status === 415) return mapError(bodyErrors.unsupportedType(null, 'JSON (application/json) or a form (application/x-www-form-urlencoded)'));
  return { status, body: { error: { code: STATUS_CODES[status] ?? `HTTP_${status}`, message } } };
}

/** Turns any thrown value into a status and an error body (see the table above). */
export function mapError(exception: unknown): Mapped {
  if (exception instanceof HttpApiError) return { status: exception.status, body: exception.body(), headers: exception.headers };
  if (exception instanceof MnemoError) {
    return { status: ENGINE_STATUS[exception.code] ?? 400, body: { error: { code: exception.code, message: exception.message } } };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (isErrorBody(response)) return { status, body: response };
    const message = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? exception.message);
    // Nest turns Fastify's JSON SyntaxError into a bare 400.
    if (status === 400 && /JSON|prototype|Unexpected|token/i.test(message)) return mapError(bodyError(message));
    return mapFrameworkStatus(status, message);
  }
  const fastifyError = exception as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const status = fastifyError.statusCode;
    const message = String(fastifyError.message);
    if (/JSON/.test(String(fastifyError.code ?? ''))) return mapError(bodyError(message));
    return mapFrameworkStatus(status, message);
  }
  return { status: 500, body: { error: { code: HttpErrorCode.internal, message: 'internal error' } } };
}

@Catch()
@Injectable()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(private readonly log: HttpLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<Reply>();
    let mapped = mapError(exception);
    // Nest's answer to a request no route matched: a NotFoundException, not one of ours.
    if (mapped.status === 404 && exception instanceof NotFoundException) {
      mapped = methodNotAllowed(http.getRequest<RoutedRequest>()) ?? mapped;
    }
    // Fastify's parsers refuse a content type before the route runs, so its 415 names what most
    // routes take; a JSON-only route (the lane's check route, when the lane leaves it to Nest) says JSON.
    // (A 415 of our own parsers, a charset other than UTF-8, already says what to send.)
    if (mapped.status === 415 && !(exception instanceof HttpApiError)) {
      const request = http.getRequest<RoutedRequest>();
      // The route Fastify matched (its own decoding of the path: /v1/ratelimit/%63heck is the check route).
      if (JSON_ONLY_PATHS.has(request.routeOptions?.url ?? request.url.split('?')[0])) {
        const type = request.headers['content-type'];
        mapped = mapError(bodyErrors.unsupportedType(typeof type === 'string' ? type : '', 'JSON (application/json)'));
      }
    }
    // Only the unexpected (500 INTERNAL) is logged with its stack: a 503 MISCONF/LOADING or 507 OOM
    // is a deliberate answer (the request log has it), and /readyz answers 503 on every probe
    // while the log cannot commit.
    if (mapped.status === 500) {
      const error = exception instanceof Error ? exception : new Error(String(exception));
      this.log.logger.error({ err: error, status: mapped.status, code: mapped.body.error.code }, error.message);
    }
    if (reply.sent) return;
    reply.code(mapped.status);
    for (const [name, value] of Object.entries(mapped.headers ?? {})) reply.header(name, value);
    reply.header('content-type', 'application/json; charset=utf-8');
    reply.send(mapped.body);
  }
}

/**
 * Fastify's `frameworkErrors` option (set where the adapter is created, bootstrap.ts): errors
 * Fastify answers before any route runs (a malformed percent-encoded URL, a bad
 * Content-Type header) get the API's error envelope instead of Fastify's own body.
 */
export interface FrameworkErrorReply {
  code(status: number): { send(body: unknown): unknown };
}

export function frameworkErrorHandler(error: { message: string; statusCode?: number; code?: string }, reply: FrameworkErrorReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    // Fastify's message repeats the whole URL; the limit is 2 x max-key-length (decoded) characters.
    const message = 'params: a path parameter is longer than the server accepts (2 x max-key-length characters)';
    reply.code(414).send({ error: { code: HttpErrorCode.uriTooLong, message, field: 'params' } });
    return;
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    // The fast lane's words for the same URL (Fastify's message repeats the path).
    reply.code(400).send({ error: { code: HttpErrorCode.validation, message: 'url: malformed percent-encoding', field: 'url' } });
    return;
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const field = 'headers';
  const code = status === 400 ? HttpErrorCode.validation : (STATUS_CODES[status] ?? `HTTP_${status}`);
  reply.code(status).send({ error: { code, message: `${field}: ${error.message}`, field } });
}
