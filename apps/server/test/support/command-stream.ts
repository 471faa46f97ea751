// The command streams of the differential runs against Redis (redis-differential.ts): seeded,
// random data commands (strings, counters, hashes, keys, TTLs) on a small key set, so types clash,
// with valid and invalid arguments, wrong arities, bad SCAN and subcommand arguments, names of
// Object.prototype properties, NUL bytes, and now and then a MULTI/EXEC transaction.
//
// Design note: no command may race the clock. Relative TTLs are long (>= 100 s) or not positive
// (the key goes at once), and absolute ones far in the future or in the past, so no key expires
// between the moments the two servers run a command; long TTLs are drawn from a wide range, so
// that EXPIRE GT/LT never compares two times set in the same millisecond.
//
//   randomStep(rnd, clock) -> [['HINCRBYFLOAT', 'd:4', 'f1', '1e400']]
//                          -> [['WATCH', 'd:2'], ['MULTI'], ['INCR', 'd:2'], ['EXEC']]

const KEYS = 12;
const FIELDS = 6;

const INTEGERS = ['0', '1', '-1', '7', '42', '-100', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '00012', '+5', '-0'];
const FLOATS = ['1.5', '-2.25', '1e3', '1E-2', '0.1', '3.0', '10.50', '.5', '5.', 'inf', '-inf', '+inf', 'nan', '1e400', '0x10', ' 1', '1 ', '', 'abc', '1.7976931348623157e308'];
const STRINGS = ['v', 'hello', '', 'a b', '\x00\xff\x01', 'x'.repeat(40), '12abc', '3'];

/** The stream's notion of "now" for absolute expiry times (seconds), fixed per run. */
export interface StreamClock {
  nowMs: number;
}

export type Rnd = () => number;

export function pick<T>(rnd: Rnd, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)];
}

/** Mostly d:0..d:11, sometimes the empty key or one with a NUL byte (binary-safe keys). */
function key(rnd: Rnd): string {
  const r = rnd();
  if (r < 0.02) return '';
  if (r < 0.04) return 'd:\x00';
  if (r < 0.05) return '__proto__';
  return `d:${Math.floor(r * KEYS)}`;
}

function field(rnd: Rnd): string {
  const r = rnd();
  if (r < 0.02) return '__proto__';
  if (r < 0.03) return 'constructor';
  return `f${Math.floor(r * FIELDS)}`;
}

/** A value for SET/HSET: mostly numbers (so counters have something to parse), sometimes text. */
function value(rnd: Rnd): string {
  const r = rnd();
  if (r < 0.4) return pick(rnd, INTEGERS);
  if (r < 0.65) return pick(rnd, FLOATS);
  return pick(rnd, STRINGS);
}

/**
 * A relative TTL that cannot run out between the two servers: long, zero, negative or not a
 * number. Long ones are drawn from a wide range, so that two of them on one key are almost never
 * equal: EXPIRE GT/LT would compare two times set in the same millisecond, which either server
 * may see as equal or not.
 */
function relativeTtl(rnd: Rnd, unitMs: number): string {
  const r = rnd();
  if (r < 0.75) return String(Math.round((100_000 + Math.floor(rnd() * 1_000_000_000)) / unitMs));
  if (r < 0.85) return '0';
  if (r < 0.93) return '-5';
  return pick(rnd, ['abc', '1.5', '', '9223372036854775807', '-9223372036854775808', '99999999999999999999']);
}

/** An absolute expiry far from now: in the future (>= 100 s), or in the past. */
function absoluteTtl(rnd: Rnd, clock: StreamClock, unitMs: number): string {
  const r = rnd();
  if (r < 0.6) return String(Math.floor((clock.nowMs + 100_000 + Math.floor(rnd() * 900_000)) / unitMs));
  if (r < 0.8) return String(Math.floor((clock.nowMs - 100_000) / unitMs));
  if (r < 0.9) return pick(rnd, ['0', '1', '-1']);
  return pick(rnd, ['abc', '1.5', '9223372036854775807']);
}

function setOptions(rnd: Rnd, clock: StreamClock): string[] {
  const out: string[] = [];
  const n = Math.floor(rnd() * 3);
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.15) out.push('EX', relativeTtl(rnd, 1000));
    else if (r < 0.3) out.push('PX', relativeTtl(rnd, 1));
    else if (r < 0.38) out.push('EXAT', absoluteTtl(rnd, clock, 1000));
    else if (r < 0.45) out.push('PXAT', absoluteTtl(rnd, clock, 1));
    else if (r < 0.6) out.push('NX');
    else if (r < 0.75) out.push('XX');
    else if (r < 0.85) out.push('KEEPTTL');
    else if (r < 0.95) out.push('GET');
    else out.push(pick(rnd, ['EX', 'FOO', 'px']));
  }
  return out;
}

function expireOptions(rnd: Rnd): string[] {
  const r = rnd();
  if (r < 0.6) return [];
  if (r < 0.95) return [pick(rnd, ['NX', 'XX', 'GT', 'LT', 'nx', 'gt'])];
  return [pick(rnd, ['NX', 'XX', 'GT', 'LT']), pick(rnd, ['NX', 'XX', 'GT', 'LT', 'FOO'])];
}

function fields(rnd: Rnd, withValues: boolean): string[] {
  const n = 1 + Math.floor(rnd() * 3);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(field(rnd));
    if (withValues) out.push(value(rnd));
  }
  return out;
}

function keysAndValues(rnd: Rnd): string[] {
  const n = 1 + Math.floor(rnd() * 3);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(key(rnd), value(rnd));
  return out;
}

function someKeys(rnd: Rnd): string[] {
  return Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => key(rnd));
}

/**
 * SCAN arguments Redis refuses (a bad cursor, COUNT < 1, an option without its value, an unknown
 * option) or accepts at cursor 0; valid scans are compared whole, after each block (scanAll).
 */
const BAD_SCAN_ARGS: string[][] = [
  ['abc'],
  [' 1'],
  ['1x'],
  ['99999999999999999999999'],
  ['0', 'COUNT', '0'],
  ['0', 'COUNT', '-1'],
  ['0', 'COUNT', 'x'],
  ['0', 'MATCH'],
  ['0', 'TYPE'],
  ['0', 'FOO', '1'],
  ['0', 'COUNT'],
];

/** Container commands with an unknown subcommand or the wrong number of arguments (checked before queuing in MULTI), and names of Object.prototype properties, which a lookup in a plain object would find. */
const BAD_SUBCOMMANDS: string[][] = [
  ['OBJECT', 'NOPE', 'd:1'],
  ['OBJECT', 'ENCODING'],
  ['OBJECT', 'FREQ', 'd:1', 'd:2'],
  ['CONFIG', 'GET'],
  ['CONFIG', 'SET', 'maxmemory'],
  ['CONFIG', 'NOPE'],
  ['MEMORY', 'USAGE'],
  ['MEMORY', 'NOPE'],
  ['CLIENT', 'GETNAME', 'x'],
  ['CLIENT', 'NOPE'],
  ['COMMAND', 'COUNT', 'x'],
  ['PUBSUB', 'NUMPAT', 'x'],
  ['OBJECT'],
  ['OBJECT', '__proto__', 'd:1'],
  ['CONFIG', 'SET', '__proto__', '1'],
  ['CONFIG', 'GET', 'constructor'],
  ['__proto__'],
  ['hasOwnProperty', 'd:1'],
  ['COMMAND', 'INFO', '__proto__'],
  ['PIN\x00G', 'a\x00b'],
  ['OBJECT', 'NO\x00PE', 'd:1'],
  ['EXPIRE', 'd:1', '100', 'N\x00X'],
];

type Builder = (rnd: Rnd, clock: StreamClock) => string[];

/** Each command of the stream, with a weight (how often it is drawn). */
const COMMANDS: Array<[number, Builder]> = [
  [6, (r) => ['GET', key(r)]],
  [8, (r, c) => ['SET', key(r), value(r), ...setOptions(r, c)]],
  [2, (r) => ['SETNX', key(r), value(r)]],
  [2, (r) => ['SETEX', key(r), relativeTtl(r, 1000), value(r)]],
  [2, (r) => ['PSETEX', key(r), relativeTtl(r, 1), value(r)]],
  [2, (r) => ['GETSET', key(r), value(r)]],
  [2, (r) => ['GETDEL', key(r)]],
  [3, (r, c) => {
    const opt = r();
    const extra =
      opt < 0.3 ? [] : opt < 0.45 ? ['EX', relativeTtl(r, 1000)] : opt < 0.6 ? ['PX', relativeTtl(r, 1)] : opt < 0.7 ? ['EXAT', absoluteTtl(r, c, 1000)] : opt < 0.8 ? ['PXAT', absoluteTtl(r, c, 1)] : opt < 0.92 ? ['PERSIST'] : ['EX', '10', 'PERSIST'];
    return ['GETEX', key(r), ...extra];
  }],
  [2, (r) => ['MGET', ...someKeys(r)]],
  [2, (r) => ['MSET', ...keysAndValues(r)]],
  [1, (r) => ['MSETNX', ...keysAndValues(r)]],
  [3, (r) => ['APPEND', key(r), value(r)]],
  [2, (r) => ['STRLEN', key(r)]],
  [2, (r) => ['GETRANGE', key(r), pick(r, ['0', '1', '-1', '-3', '5', '100', 'x', '-100']), pick(r, ['0', '2', '-1', '-2', '10', '-100', 'y'])]],
  [2, (r) => ['SETRANGE', key(r), pick(r, ['0', '1', '3', '10', '-1', 'x', '536870912']), pick(r, ['ab', '', 'xyz', '\x00'])]],
  [4, (r) => ['INCR', key(r)]],
  [3, (r) => ['INCRBY', key(r), pick(r, [...INTEGERS, '1.5', 'x', ''])]],
  [2, (r) => ['DECR', key(r)]],
  [2, (r) => ['DECRBY', key(r), pick(r, [...INTEGERS, '1.5', 'x'])]],
  [3, (r) => ['INCRBYFLOAT', key(r), pick(r, [...FLOATS, ...INTEGERS])]],
  [6, (r) => ['HSET', key(r), ...fields(r, true)]],
  [2, (r) => ['HSETNX', key(r), field(r), value(r)]],
  [3, (r) => ['HGET', key(r), field(r)]],
  [2, (r) => ['HMGET', key(r), ...fields(r, false)]],
  [2, (r) => ['HGETALL', key(r)]],
  [3, (r) => ['HDEL', key(r), ...fields(r, false)]],
  [1, (r) => ['HEXISTS', key(r), field(r)]],
  [1, (r) => ['HLEN', key(r)]],
  [1, (r) => ['HKEYS', key(r)]],
  [1, (r) => ['HVALS', key(r)]],
  [1, (r) => ['HSTRLEN', key(r), field(r)]],
  [3, (r) => ['HINCRBY', key(r), field(r), pick(r, [...INTEGERS, '1.5', 'x'])]],
  [3, (r) => ['HINCRBYFLOAT', key(r), field(r), pick(r, [...FLOATS, ...INTEGERS])]],
  [2, (r) => ['DEL', ...someKeys(r)]],
  [1, (r) => ['UNLINK', ...someKeys(r)]],
  [2, (r) => ['EXISTS', ...someKeys(r)]],
  [2, (r) => ['TYPE', key(r)]],
  [2, (r) => ['RENAME', key(r), key(r)]],
  [1, (r) => ['RENAMENX', key(r), key(r)]],
  [1, (r) => ['TOUCH', ...someKeys(r)]],
  [1, () => ['DBSIZE']],
  [1, (r) => ['KEYS', pick(r, ['*', 'd:1*', 'd:?', 'd:[0-3]', 'd:[^1]', 'x*', 'd:\\1', '[', 'd:[a-'])]],
  [3, (r) => ['EXPIRE', key(r), relativeTtl(r, 1000), ...expireOptions(r)]],
  [2, (r) => ['PEXPIRE', key(r), relativeTtl(r, 1), ...expireOptions(r)]],
  [2, (r, c) => ['EXPIREAT', key(r), absoluteTtl(r, c, 1000), ...expireOptions(r)]],
  [2, (r, c) => ['PEXPIREAT', key(r), absoluteTtl(r, c, 1), ...expireOptions(r)]],
  [3, (r) => ['TTL', key(r)]],
  [2, (r) => ['PTTL', key(r)]],
  [1, (r) => ['EXPIRETIME', key(r)]],
  [1, (r) => ['PEXPIRETIME', key(r)]],
  [2, (r) => ['PERSIST', key(r)]],
  [1, (r) => ['OBJECT', pick(r, ['ENCODING', 'FREQ', 'encoding']), key(r)]],
  [1, (r) => [...pick(r, BAD_SUBCOMMANDS)]],
  [1, (r) => ['SCAN', ...pick(r, BAD_SCAN_ARGS)]],
  [1, (r) => ['HSCAN', key(r), ...pick(r, BAD_SCAN_ARGS)]],
];

const TOTAL_WEIGHT = COMMANDS.reduce((sum, [weight]) => sum + weight, 0);

/** One random command; 4 % of them lose or gain an argument (arity errors, stray options). */
export function randomCommand(rnd: Rnd, clock: StreamClock): string[] {
  let at = rnd() * TOTAL_WEIGHT;
  let build: Builder = COMMANDS[0][1];
  for (const [weight, builder] of COMMANDS) {
    at -= weight;
    if (at < 0) {
      build = builder;
      break;
    }
  }
  const argv = build(rnd, clock);
  const r = rnd();
  if (r < 0.02 && argv.length > 1) argv.pop();
  // No number among the extras: after a bare PX it would make a 1 ms TTL, which each server may
  // or may not see run out before the next command.
  else if (r < 0.04) argv.push(pick(rnd, ['extra', 'NX', '-']));
  return argv;
}

/**
 * The next commands of the stream: mostly one command; 2 % of the time a transaction (MULTI, up
 * to 4 commands, EXEC or DISCARD; a WATCH on one of their keys first half of the time, which a
 * queued write of the same connection makes fail, as in Redis).
 */
export function randomStep(rnd: Rnd, clock: StreamClock): string[][] {
  if (rnd() >= 0.02) return [randomCommand(rnd, clock)];
  const queued = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => randomCommand(rnd, clock));
  const watch = rnd() < 0.5 ? [['WATCH', key(rnd)]] : [];
  const end = rnd() < 0.85 ? 'EXEC' : 'DISCARD';
  // A write between WATCH and MULTI dirties the watch (EXEC answers nil).
  const between = watch.length > 0 && rnd() < 0.3 ? [['SET', watch[0][1], 'touched']] : [];
  return [...watch, ...between, ['MULTI'], ...queued, [end]];
}
