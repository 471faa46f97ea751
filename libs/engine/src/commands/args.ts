// Argument parsing shared by command handlers: integers, expiry times, options.
import type { Bytes } from '../bytes';
import { MnemoError, notAnInteger } from '../errors';
import { parseInt64, parseLongDouble } from '../number-format';

/** Redis's getLongLongFromObjectOrReply: an integer argument (safe range) or the standard error. */
export function intArg(arg: Bytes): number {
  const n = parseInt64(arg);
  if (n === null) throw notAnInteger();
  return typeof n === 'bigint' ? Number(n) : n;
}

/** A float argument (Redis's getLongDoubleFromObjectOrReply). */
export function floatArg(arg: Bytes): number {
  const v = parseLongDouble(arg);
  if (v === null) throw new MnemoError('ERR', 'value is not a valid float');
  return v;
}

export function invalidExpire(command: string): MnemoError {
  return new MnemoError('ERR', `invalid expire time in '${command}' command`);
}

export const UNIT_NONE = 0;
export const UNIT_EX = 1;
export const UNIT_PX = 2;
export const UNIT_EXAT = 3;
export const UNIT_PXAT = 4;

/**
 * SET/GETEX/SETEX expiry argument -> absolute ms (Redis's getExpireMillisecondsOrReply):
 * not an integer -> "value is not an integer or out of range"; <= 0 or out of range ->
 * "invalid expire time in '<command>' command". Deviation: Redis allows up to 2^63-1 ms; we stop at
 * 2^53-1 ms (year 285,000) so times stay exact doubles.
 */
export function expireArg(arg: Bytes, unit: number, command: string, now: number): number {
  const n = parseInt64(arg);
  if (n === null) throw notAnInteger();
  if (n <= 0) throw invalidExpire(command);
  if (typeof n === 'bigint') throw invalidExpire(command);
  let ms = unit === UNIT_EX || unit === UNIT_EXAT ? n * 1000 : n;
  if (unit === UNIT_EX || unit === UNIT_PX) ms += now;
  if (!Number.isSafeInteger(ms) || ms <= 0) throw invalidExpire(command);
  return ms;
}

/** Case-insensitive ASCII option compare without allocating for the common lower/upper cases. */
export function isOpt(arg: Bytes, lower: string): boolean {
  return arg.length === lower.length && arg.toLowerCase() === lower;
}
