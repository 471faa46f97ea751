// Converts client key text into engine bytes, enforcing max-key-length and max-value-size.

import { bytesFromText } from '@mnemo/engine';
import type { Bytes } from '@mnemo/engine';
import { HttpErrorCode, keyTextProblem } from '@mnemo/contracts';
import type { MnemoConfig } from '../../config/options';
import { HttpApiError, validationError } from './http-error';

// eslint-disable-next-line no-control-regex
const ASCII = /^[\u0000-\u007f]*$/;

/**
 * Validates `text` as a key (non-empty, no control characters, no __proto__) and returns
 * `prefix` + its bytes. Throws 400 naming `field`. The key as stored, `storedPrefix` + bytes
 * (`storedPrefix` defaults to `prefix`), must fit in max-key-length, so that /v1/keys and the
 * dashboard can always reach what the other routes create.
 */
export function keyBytes(config: MnemoConfig, text: unknown, field: string, prefix = '', storedPrefix = prefix): Bytes {
  if (typeof text !== 'string') throw validationError(field, text === undefined ? 'is required' : `Expected string, received ${typeof text}`);
  const problem = keyTextProblem(text);
  if (problem) throw validationError(field, problem);
  // ASCII text is its own UTF-8 (and latin1) encoding: skip the Buffer round trip.
  const bytes = ASCII.test(text) ? text : bytesFromText(text);
  if (storedPrefix.length + bytes.length > config['max-key-length']) {
    const stored = storedPrefix === '' ? '' : ` with the '${storedPrefix}' it is stored under`;
    throw validationError(field, `is ${bytes.length} bytes, longer than max-key-length (${config['max-key-length']})${stored}`);
  }
  return prefix + bytes;
}

/** Throws 413 naming `field` when `bytes` is larger than max-value-size. */
export function checkValueSize(config: MnemoConfig, bytes: Bytes, field: string): Bytes {
  if (bytes.length > config['max-value-size']) {
    throw new HttpApiError(
      413,
      HttpErrorCode.tooLarge,
      `${field}: value is ${bytes.length} bytes, larger than max-value-size (${config['max-value-size']})`,
      field,
    );
  }
  return bytes;
}
