// How /v1/keys carries keys and values: as text (the default) or, with ?encoding=base64, as the
// base64 of their exact bytes.
//
// Design note. Text is what most callers want, but it cannot carry every key and value Redis
// clients can write: bytes that are not UTF-8 read back as U+FFFD, keys with control characters
// are refused, and a key named `.` or `..` cannot be a URL path segment at all (URL parsing
// resolves it as a dot segment, encoded or not). With ?encoding=base64, every key in the path, in
// PUT's `value` and in the answer (`key`, `value`, hash fields, SCAN's `keys`) is base64 of its
// bytes, so every key is reachable and every value round-trips byte for byte:
//   key ".", value ff 00 41  ->  GET /v1/keys/Lg?encoding=base64  ->  { key: "Lg==", value: "/wBB" }
// Input takes either alphabet (standard, or URL-safe `-_` so a path needs no escapes) with or
// without padding, but only the canonical spelling of the bytes (`Lh` also decodes to ".", with
// stray low bits: refused, so each key has one name); answers use the standard alphabet with
// padding. SCAN's `pattern` stays text.

import { z } from 'zod';
import { bytesFromText, bytesToText } from '@mnemo/engine';
import type { Bytes } from '@mnemo/engine';
import type { MnemoConfig } from '../../config/options';
import { validationError } from '../common/http-error';
import { keyBytes } from '../common/keys';

export const KEY_ENCODINGS = ['text', 'base64'] as const;
export type KeyEncoding = (typeof KEY_ENCODINGS)[number];

export const KeyEncodingParam = z.enum(KEY_ENCODINGS).default('text');

/** Query of the single-key routes: only the encoding. */
export const KeyRouteQuery = z.object({ encoding: KeyEncodingParam }).strict();

// Whole 4-char groups, then an optional tail of 2 or 3 chars with its optional padding.
const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;

/** Decodes canonical base64 (either alphabet, padding optional); throws 400 naming `field` on anything else. */
export function bytesFromBase64(text: string, field: string): Bytes {
  if (!BASE64.test(text)) throw validationError(field, 'is not base64 (A-Z a-z 0-9 + / or - _, optional = padding)');
  const buffer = Buffer.from(text, 'base64');
  const urlSafe = text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  if (buffer.toString('base64url') !== urlSafe) throw validationError(field, 'is not canonical base64 (its last character has bits set that encode no byte)');
  return buffer.toString('latin1');
}

/** Bytes as the caller asked for them: UTF-8 text (U+FFFD for invalid bytes) or base64. */
export function encodeBytes(bytes: Bytes, encoding: KeyEncoding): string {
  return encoding === 'base64' ? Buffer.from(bytes, 'latin1').toString('base64') : bytesToText(bytes);
}

/** A value from a request body in the caller's encoding. */
export function decodeValue(text: string, encoding: KeyEncoding, field: string): Bytes {
  return encoding === 'base64' ? bytesFromBase64(text, field) : bytesFromText(text);
}

/**
 * A key from the path in the caller's encoding. Text keys get keyBytes' checks; base64 keys are
 * any bytes, 1..max-key-length of them.
 */
export function decodeKey(config: MnemoConfig, text: string, encoding: KeyEncoding, field: string): Bytes {
  if (encoding === 'text') return keyBytes(config, text, field);
  const bytes = bytesFromBase64(text, field);
  if (bytes.length === 0) throw validationError(field, 'must not be empty');
  if (bytes.length > config['max-key-length']) {
    throw validationError(field, `is ${bytes.length} bytes, longer than max-key-length (${config['max-key-length']})`);
  }
  return bytes;
}
