// Typed HTTP API errors: a status, a code and a message, optionally naming the offending field.

import { HttpErrorCode } from '@mnemo/contracts';
import type { ErrorBody } from '@mnemo/contracts';
import { MnemoError } from '@mnemo/engine';

export class HttpApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Extra response headers (Retry-After, WWW-Authenticate, ...). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpApiError';
  }

  body(): ErrorBody {
    return { error: this.field ? { code: this.code, message: this.message, field: this.field } : { code: this.code, message: this.message } };
  }
}

/** HTTP status of an engine error code (ERR and any other: 400). */
export const ENGINE_STATUS: Record<string, number> = {
  WRONGTYPE: 409,
  OOM: 507,
  MISCONF: 503,
  LOADING: 503,
  NOAUTH: 401,
  WRONGPASS: 403,
  BUSY: 503,
};

/**
 * An engine error with one of `codes`, as the same status and code naming `field` (the message
 * starts with it); anything else unchanged. For routes that know which input an engine refusal
 * is about: `throw namingField(error, 'params.key', ['WRONGTYPE', 'ERR'])`.
 */
export function namingField(error: unknown, field: string, codes: readonly string[]): unknown {
  if (!(error instanceof MnemoError) || !codes.includes(error.code)) return error;
  return new HttpApiError(ENGINE_STATUS[error.code] ?? 400, error.code, `${field}: ${error.message}`, field);
}

/** 400 naming the field: `field` is a dotted path such as `body.limit` or `params.key`. */
export function validationError(field: string, message: string): HttpApiError {
  return new HttpApiError(400, HttpErrorCode.validation, `${field}: ${message}`, field);
}

/** Request bodies refused before validation: the same texts from the Nest routes and the fast lane. */
export const bodyErrors = {
  notJson: (): HttpApiError => new HttpApiError(400, HttpErrorCode.invalidJson, 'body: not valid JSON', 'body'),
  notUtf8: (): HttpApiError => new HttpApiError(400, HttpErrorCode.invalidJson, 'body: not valid UTF-8', 'body'),
  malformedForm: (): HttpApiError => new HttpApiError(400, HttpErrorCode.validation, 'body: malformed percent-encoding in the form', 'body'),
  poisoned: (): HttpApiError => new HttpApiError(400, HttpErrorCode.invalidJson, 'body: contains a forbidden __proto__ or constructor property', 'body'),
  tooLarge: (): HttpApiError => new HttpApiError(413, HttpErrorCode.tooLarge, 'body: larger than body-limit', 'body'),
  /** 415: `type` is the request's content type when known, `accepted` what the route takes. */
  unsupportedType: (type: string | null, accepted: string): HttpApiError =>
    new HttpApiError(
      415,
      HttpErrorCode.unsupportedMediaType,
      `headers.content-type: ${type === null ? 'this content type' : `'${type || '(none)'}'`} is not accepted here; send ${accepted}`,
      'headers.content-type',
    ),
};

/** Routes whose body is JSON only (no forms): their 415 says so whoever refuses the body. */
export const JSON_ONLY_PATHS: ReadonlySet<string> = new Set(['/v1/ratelimit/check']);

/** 404 naming the path parameter that found nothing: `params.key: key 'k' not found`. */
export function notFound(what: string, field: string): HttpApiError {
  return new HttpApiError(404, HttpErrorCode.notFound, `${field}: ${what} not found`, field);
}
