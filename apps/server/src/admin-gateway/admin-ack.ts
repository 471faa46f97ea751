// The one acknowledgement envelope of admin commands, and how errors map onto it.

import { MnemoError } from '@mnemo/engine';
import type { AdminAck, AdminErrorCode } from '@mnemo/contracts';
import { ConfigError } from '../config/options';

export type ErrorAck = Extract<AdminAck, { status: 'error' }>;

export function okAck<T extends object>(extra: T): AdminAck<T> {
  return { status: 'ok', ...extra };
}

export function errorAck(code: AdminErrorCode, message: string, field?: string): ErrorAck {
  return field === undefined ? { status: 'error', error: { code, message } } : { status: 'error', error: { code, message, field } };
}

/**
 * Maps anything a command threw to an error ack: a MnemoError keeps its code (ERR, OOM,
 * MISCONF, LOADING ...), a ConfigError becomes INVALID_VALUE, anything else ERR with its message.
 * `field` names the input the error is about, when there is one.
 */
export function ackFromError(error: unknown, field?: string): ErrorAck {
  if (error instanceof MnemoError) return errorAck(error.code, error.message, field);
  if (error instanceof ConfigError) return errorAck('INVALID_VALUE', error.message, field);
  return errorAck('ERR', error instanceof Error ? error.message : String(error), field);
}
