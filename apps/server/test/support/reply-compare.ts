// How the differential runs (redis-differential.ts) compare Mnemo's replies with Redis's.
//
// Design note: what may differ. The two servers run the stream at slightly different instants,
// so replies that carry the current time may differ by the gap: TTL and EXPIRETIME by 1 s, PTTL and
// PEXPIRETIME by `clockToleranceMs`. Every other reply is compared exactly, with these exceptions:
//   - KEYS, HKEYS, HVALS and HGETALL are compared as sets: their order is Redis's hash table
//     order (a hash keeps insertion order only while it fits a listpack; Mnemo's always does);
//   - a SCAN or HSCAN page is compared only when one server refuses it: pages and cursors are
//     each server's own (the runner compares whole scans instead);
//   - times beyond 2^53 ms (PXAT 9223372036854775807) are compared to a double's precision
//     (absoluteMs in the engine);
//   - OBJECT ENCODING is compared by type (encodingFamily; docs/resp.md, Differences);
//   - COMMAND COUNT, INFO or DOCS for all commands (a mutated bad invocation can become one):
//     Mnemo has fewer commands;
//   - DBSIZE may differ by a few keys: both servers count a key whose time has passed (SET ...
//     PXAT <past>) until their own active expiry removes it (KEYS, compared exactly, skips it).

import type { RespValue } from '@mnemo/protocol';

/** Replies that carry the current time: how far apart the two servers' values may be. */
function timeTolerance(command: string, clockToleranceMs: number): number | null {
  switch (command) {
    case 'TTL':
    case 'EXPIRETIME':
      return 1;
    case 'PTTL':
    case 'PEXPIRETIME':
      return clockToleranceMs;
    case 'DBSIZE':
      // Counts keys whose time has passed until active expiry removes them, at each server's pace.
      return 5;
    default:
      return null;
  }
}

/** a and b (ms or s) are within `tolerance`, or, beyond 2^53, within a double's precision. */
export function closeTimes(a: number, b: number, tolerance: number): boolean {
  return Math.abs(a - b) <= Math.max(tolerance, Math.abs(b) * 2 ** -50);
}

/** True if the two replies to `argv` count as the same (see the design note). */
export function sameReply(argv: string[], a: RespValue, b: RespValue, clockToleranceMs: number): boolean {
  const command = argv[0].toUpperCase();
  const tolerance = timeTolerance(command, clockToleranceMs);
  if (tolerance !== null && a.type === 'integer' && b.type === 'integer' && Number(a.value) >= 0 && Number(b.value) >= 0) {
    return closeTimes(Number(a.value), Number(b.value), tolerance);
  }
  if (a.type === b.type && UNORDERED.has(command)) return unordered(command, a) === unordered(command, b);
  // COMMAND COUNT, and COMMAND INFO or DOCS without names (an arity mutation can make them):
  // Mnemo has fewer commands than Redis (docs/resp.md).
  if (command === 'COMMAND' && a.type === b.type && (a.type === 'integer' || argv.length === 2)) return true;
  if (command === 'OBJECT' && argv[1]?.toLowerCase() === 'encoding' && a.type === 'bulk' && b.type === 'bulk') return encodingFamily(a.value) === encodingFamily(b.value);
  // A scan page's cursor and keys are the server's own; whole scans are compared by scanAll.
  if ((command === 'SCAN' || command === 'HSCAN') && a.type === 'array' && b.type === 'array') return true;
  return formatReply(a) === formatReply(b);
}

/** EXEC's replies compared one by one as sameReply compares the queued commands' replies. */
export function sameExecReply(queued: string[][], a: RespValue, b: RespValue, clockToleranceMs: number): boolean {
  if (a.type !== 'array' || b.type !== 'array' || a.value.length !== queued.length || b.value.length !== queued.length) return formatReply(a) === formatReply(b);
  return queued.every((argv, i) => sameReply(argv, a.value[i], b.value[i], clockToleranceMs));
}

/**
 * OBJECT ENCODING's answers are compared by type: Mnemo answers what a value of this content
 * would get from SET (int, embstr, raw), Redis what the value's history gave it (raw after APPEND
 * or SETRANGE, embstr after INCRBYFLOAT, listpack or hashtable by the path of the writes).
 */
function encodingFamily(encoding: string): string {
  return encoding === 'int' || encoding === 'embstr' || encoding === 'raw' ? 'string' : encoding === 'listpack' || encoding === 'hashtable' ? 'hash' : encoding;
}

/** Replies whose order is Redis's hash table order (KEYS; a hash once it outgrows its listpack). */
const UNORDERED = new Set(['KEYS', 'HKEYS', 'HVALS', 'HGETALL']);

/** An array or map reply as a sorted list of its items (HGETALL: of its field-value pairs). */
export function unordered(command: string, reply: RespValue): string {
  if (reply.type === 'map') return reply.value.map(([k, v]) => `${formatReply(k)}=${formatReply(v)}`).sort().join('\n');
  if (reply.type !== 'array') return formatReply(reply);
  const items = reply.value.map(formatReply);
  if (command !== 'HGETALL') return items.sort().join('\n');
  const pairs: string[] = [];
  for (let i = 0; i + 1 < items.length; i += 2) pairs.push(`${items[i]}=${items[i + 1]}`);
  return pairs.sort().join('\n');
}

export function formatReply(reply: RespValue): string {
  return JSON.stringify(reply, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}
