// Validation of the payloads dashboards send with commands: anything a socket can carry comes
// in as `unknown` and leaves as a typed request or an INVALID_PAYLOAD ack naming the field.

import type { DeleteKeyRequest, KeyspaceSubscribeRequest, SetConfigRequest } from '@mnemo/contracts';
import { errorAck, ErrorAck } from './admin-ack';

export const MAX_PATTERN_LENGTH = 1024;
export const MAX_KEY_LENGTH = 64 * 1024;
export const MAX_CONFIG_VALUE_LENGTH = 1024;

export type Parsed<T> = { ok: true; value: T } | { ok: false; ack: ErrorAck };

function isObject(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

function invalid<T>(message: string, field?: string): Parsed<T> {
  return { ok: false, ack: errorAck('INVALID_PAYLOAD', message, field) };
}

/** A non-empty string of at most `max` characters at body[field], or an error ack. */
function stringField(body: Record<string, unknown>, field: string, max: number): Parsed<string> {
  const value = body[field];
  if (typeof value !== 'string') return invalid(`'${field}' must be a string`, field);
  if (value.length === 0) return invalid(`'${field}' must not be empty`, field);
  if (value.length > max) return invalid(`'${field}' is longer than ${max} characters`, field);
  return { ok: true, value };
}

function objectBody<T>(body: unknown, build: (body: Record<string, unknown>) => Parsed<T>): Parsed<T> {
  if (!isObject(body)) return invalid('payload must be an object');
  return build(body);
}

/** `{ pattern }` with a non-empty glob. */
export function parseSubscribe(body: unknown): Parsed<KeyspaceSubscribeRequest> {
  return objectBody(body, (object) => {
    const pattern = stringField(object, 'pattern', MAX_PATTERN_LENGTH);
    return pattern.ok ? { ok: true, value: { pattern: pattern.value } } : pattern;
  });
}

/** `{ pattern }` to drop one pattern; no payload (or `{}`) drops them all. */
export function parseUnsubscribe(body: unknown): Parsed<{ pattern?: string }> {
  const empty = body === undefined || body === null || (Array.isArray(body) && body.length === 0);
  if (empty || (isObject(body) && body['pattern'] === undefined)) return { ok: true, value: {} };
  return parseSubscribe(body);
}

/** `{ name, value }`, both strings (the option's own syntax is checked by the command). */
export function parseSetConfig(body: unknown): Parsed<SetConfigRequest> {
  return objectBody(body, (object) => {
    const name = stringField(object, 'name', 64);
    if (!name.ok) return name;
    const value = object['value'];
    if (typeof value !== 'string') return invalid(`'value' must be a string`, 'value');
    if (value.length > MAX_CONFIG_VALUE_LENGTH) return invalid(`'value' is longer than ${MAX_CONFIG_VALUE_LENGTH} characters`, 'value');
    return { ok: true, value: { name: name.value.trim().toLowerCase(), value } };
  });
}

/** `{ key }` with a non-empty key (text; stored as its UTF-8 bytes). */
export function parseDeleteKey(body: unknown): Parsed<DeleteKeyRequest> {
  return objectBody(body, (object) => {
    const key = stringField(object, 'key', MAX_KEY_LENGTH);
    return key.ok ? { ok: true, value: { key: key.value } } : key;
  });
}
