// Argument parsing shared by command handlers: integers, expiry times, options.
import type { Bytes } from '../bytes';
import { MnemoError, notAnInteger } from '../errors';
import { type ParsedLongDouble, parseLongDoubleExact } from '../long-double';
import { type Int64, INT64_MAX, INT64_MIN, parseInt64 } from '../number-format';

/** Redis's getLongLongFromObjectOrReply: an integer argument (safe range) or the standard error. */
export function intArg(arg: Bytes): number {
  const n = parseInt64(arg);
  if (n === null) throw notAnInteger();
  return typeof n === 'bigint' ? Number(n) : n;
}

/** A float argument or stored value (Redis's getLongDoubleFromObjectOrReply), inf included. */
export function floatArg(arg: Bytes): ParsedLongDouble {
  const v = parseLongDoubleExact(arg);
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
 * n ms (n s when `seconds`) after `base` ms, as Redis computes it in 64-bit integers: null where
 * Redis answers "invalid expire time" (n * 1000 beyond LLONG_MAX / 1000 either way, or a sum past
 * LLONG_MAX). Times beyond 2^53 ms (year 287,396) are kept as the nearest double, so a TTL
 * reply for one may differ from Redis's in its last digits.
 */
export function absoluteMs(n: Int64, seconds: boolean, base: number): number | null {
  if (typeof n === 'number') {
    const ms = (seconds ? n * 1000 : n) + base;
    if (Number.isSafeInteger(ms)) return ms;
  }
  let v = BigInt(n);
  if (seconds) {
    if (v > INT64_MAX / 1000n || v < INT64_MIN / 1000n) return null;
    v *= 1000n;
  }
  if (v > INT64_MAX - BigInt(base)) return null;
  return Number(v + BigInt(base));
}

/**
 * SET/GETEX/SETEX expiry argument -> absolute ms (Redis's getExpireMillisecondsOrReply):
 * not an integer -> "value is not an integer or out of range"; <= 0 or past LLONG_MAX ms ->
 * "invalid expire time in '<command>' command".
 */
export function expireArg(arg: Bytes, unit: number, command: string, now: number): number {
  const n = parseInt64(arg);
  if (n === null) throw notAnInteger();
  if (n <= 0) throw invalidExpire(command);
  const ms = absoluteMs(n, unit === UNIT_EX || unit === UNIT_EXAT, unit === UNIT_EX || unit === UNIT_PX ? now : 0);
  if (ms === null) throw invalidExpire(command);
  return ms;
}

/** Case-insensitive ASCII option compare without allocating for the common lower/upper cases. */
export function isOpt(arg: Bytes, lower: string): boolean {
  return arg.length === lower.length && arg.toLowerCase() === lower;
}
