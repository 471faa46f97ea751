// Differential testing against a real redis-server: the same seeded stream of random data commands
// (strings, counters, hashes, keys, TTLs; valid and invalid arguments, wrong arities, type clashes
// on a small key set) goes to Mnemo and to Redis, and every reply must be the same, error texts
// included; now and then a MULTI/EXEC transaction. Used by resp-redis-differential.spec.ts (a few thousand commands in `npm test`) and by
// bench/differential.bench.ts (long runs).
//
// Design note: what may differ. The two servers run the stream at slightly different instants,
// so replies that carry the current time may differ by the gap: TTL and EXPIRETIME by 1 s, PTTL and
// PEXPIRETIME by `clockToleranceMs`. Every other reply is compared exactly, with these exceptions:
//   - KEYS, HKEYS, HVALS and HGETALL are compared as sets: their order is Redis's hash table
//     order (a hash keeps insertion order only while it fits a listpack; Mnemo's always does);
//   - a SCAN or HSCAN page is compared only when one server refuses it: pages and cursors are
//     each server's own. Whole scans are compared instead (below);
//   - times beyond 2^53 ms (PXAT 9223372036854775807) are compared to a double's precision
//     (absoluteMs in the engine);
//   - OBJECT ENCODING is compared by type (encodingFamily; docs/resp.md, Differences);
//   - COMMAND COUNT, INFO or DOCS for all commands (a mutated bad invocation can become one):
//     Mnemo has fewer commands;
//   - DBSIZE may differ by a few keys: both servers count a key whose time has passed (SET ...
//     PXAT <past>) until their own active expiry removes it (KEYS, compared exactly, skips it).
// Relative TTLs in the stream are long (>= 100 s) or not positive (the key goes at once), and
// absolute ones far in the future or in the past, so no key expires between the two runs of a
// command. After each block of commands both keyspaces are compared (type, value, TTL of every
// key), and one whole SCAN (random MATCH / TYPE / COUNT) and one whole HSCAN, as sets; with
// subscribers, the keyevent notifications of the block too, in order ('expired' left out).
//
//   seed 7, block 3, command 412: HINCRBYFLOAT d:4 f1 1e400
//     mnemo: -ERR value is not a valid float
//     redis: -ERR value is not a valid float      (same: next command)

import { seededRandom } from '@mnemo/engine';
import type { RespValue } from '@mnemo/protocol';
import { RawClient } from './resp-support';

const KEYS = 12;
const FIELDS = 6;

const INTEGERS = ['0', '1', '-1', '7', '42', '-100', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '00012', '+5', '-0'];
const FLOATS = ['1.5', '-2.25', '1e3', '1E-2', '0.1', '3.0', '10.50', '.5', '5.', 'inf', '-inf', '+inf', 'nan', '1e400', '0x10', ' 1', '1 ', '', 'abc', '1.7976931348623157e308'];
const STRINGS = ['v', 'hello', '', 'a b', '\x00\xff\x01', 'x'.repeat(40), '12abc', '3'];

/** The stream's notion of "now" for absolute expiry times (seconds), fixed per run. */
export interface StreamClock {
  nowMs: number;
}

type Rnd = () => number;

function pick<T>(rnd: Rnd, items: readonly T[]): T {
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
function closeTimes(a: number, b: number, tolerance: number): boolean {
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
function sameExecReply(queued: string[][], a: RespValue, b: RespValue, clockToleranceMs: number): boolean {
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
function unordered(command: string, reply: RespValue): string {
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

/** A reply that differed: where in the stream, the command, both replies, and the key's recent history. */
export interface Mismatch {
  index: number;
  argv: string[];
  mnemo: string;
  redis: string;
  history: string[][];
}

export interface DifferentialRun {
  commands: number;
  /** Commands Redis answered with an error (the stream's bad input), and EXECs it ran. */
  errors: number;
  transactions: number;
  /** Whole SCAN and HSCAN iterations compared. */
  scans: number;
  /** Keyevent notifications compared (with `subscribers`). */
  events: number;
  mismatches: Mismatch[];
  /** Differences in the keyspaces compared after each block (key, what differs). */
  stateDiffs: string[];
}

/** Sends `argv` lists pipelined in one write; resolves with the replies in order. */
async function pipeline(client: RawClient, commands: string[][]): Promise<RespValue[]> {
  for (const argv of commands) client.send(...argv);
  return client.read(commands.length, 30_000);
}

/** Every key with its type and value, and its TTL in seconds (-1: none), as the server has it. */
async function keyspace(client: RawClient): Promise<Map<string, { body: string; ttl: number }>> {
  const [keysReply] = await pipeline(client, [['KEYS', '*']]);
  const keys = (keysReply as { value: Array<{ value: string }> }).value.map((k) => k.value).sort();
  const out = new Map<string, { body: string; ttl: number }>();
  if (keys.length === 0) return out;
  const replies = await pipeline(
    client,
    keys.flatMap((k) => [['TYPE', k], ['GET', k], ['HGETALL', k], ['TTL', k]]),
  );
  keys.forEach((k, i) => {
    const [type, get, hash, ttl] = replies.slice(i * 4, i * 4 + 4);
    const typeName = (type as { value: string }).value;
    const body = typeName === 'hash' ? unordered('HGETALL', hash) : formatReply(get);
    out.set(k, { body: `${typeName} ${body}`, ttl: Number((ttl as { value: number }).value) });
  });
  return out;
}

/** The options of the whole scans compared after each block. */
const SCAN_OPTIONS: string[][] = [[], ['COUNT', '3'], ['MATCH', 'd:1*'], ['MATCH', '*', 'COUNT', '1000'], ['TYPE', 'hash'], ['TYPE', 'string'], ['TYPE', 'list'], ['MATCH', 'd:?', 'TYPE', 'string', 'COUNT', '2']];

/**
 * Runs `command` (SCAN, or HSCAN with its key in `prefix`) from cursor 0 until the server says 0,
 * and returns everything it returned, sorted (HSCAN: field=value pairs), one string.
 */
async function scanAll(client: RawClient, command: string, prefix: string[], options: string[]): Promise<string> {
  const seen = new Set<string>();
  let cursor = '0';
  for (let pages = 0; pages < 10_000; pages++) {
    const [reply] = await pipeline(client, [[command, ...prefix, cursor, ...options]]);
    if (reply.type !== 'array') return formatReply(reply);
    const [next, items] = reply.value;
    if (next?.type !== 'bulk' || items?.type !== 'array') throw new Error(`${command} replied ${formatReply(reply)}`);
    const texts = items.value.map(formatReply);
    if (command === 'HSCAN') for (let j = 0; j + 1 < texts.length; j += 2) seen.add(`${texts[j]}=${texts[j + 1]}`);
    else for (const text of texts) seen.add(text);
    cursor = next.value;
    if (cursor === '0') return [...seen].sort().join('\n');
  }
  throw new Error(`${command} did not finish in 10,000 pages`);
}

/** What differs between one key's two states (null: nothing; TTLs may differ by 1 s). */
function keyDiff(a: { body: string; ttl: number } | undefined, b: { body: string; ttl: number } | undefined): string | null {
  const show = (s: typeof a): string => (s ? `${s.body} ttl ${s.ttl}` : '(none)');
  if (!a || !b || a.body !== b.body || (a.ttl < 0 || b.ttl < 0 ? a.ttl !== b.ttl : !closeTimes(a.ttl, b.ttl, 1))) return `mnemo ${show(a)} / redis ${show(b)}`;
  return null;
}

/**
 * Every key whose type, value or TTL differs between the two servers ("key: mnemo ... / redis
 * ..."), and Redis's keyspace. TTLs may differ by 1 s (the clock gap).
 */
export async function keyspaceDiffs(mnemo: RawClient, redis: RawClient): Promise<{ diffs: string[]; stateRedis: Map<string, { body: string; ttl: number }> }> {
  const [stateMnemo, stateRedis] = await Promise.all([keyspace(mnemo), keyspace(redis)]);
  const diffs: string[] = [];
  for (const k of new Set([...stateMnemo.keys(), ...stateRedis.keys()])) {
    const diff = keyDiff(stateMnemo.get(k), stateRedis.get(k));
    if (diff !== null) diffs.push(`${JSON.stringify(k)}: ${diff}`);
  }
  return { diffs, stateRedis };
}

/**
 * The keyevent notifications a subscriber got up to `marker` (a PUBLISH after the block), as
 * "event key" lines. 'expired' events are left out: each server expires a key whose time has
 * passed at its own moment (lazily on access, or in its active expiry cycle).
 */
async function blockEvents(subscriber: RawClient, marker: string): Promise<string[]> {
  const events: string[] = [];
  for (;;) {
    const [message] = await subscriber.read(1, 10_000);
    if (message.type !== 'array' && message.type !== 'push') throw new Error(`subscriber got ${formatReply(message)}`);
    const [kind, , channel, payload] = message.value.map((item) => (item.type === 'bulk' ? item.value : ''));
    if (kind !== 'pmessage') throw new Error(`subscriber got ${formatReply(message)}`);
    if (payload === marker) return events;
    const event = channel.slice('__keyevent@0__:'.length);
    if (event !== 'expired') events.push(`${event} ${payload}`);
  }
}

/**
 * Runs `blocks` blocks of `blockSize` random commands (seed `seed`) on both servers, pipelined a
 * block at a time, and compares every reply and, after each block, both keyspaces. Starts with
 * HELLO `protocol` (2 by default) and FLUSHALL (unless keepKeys) on both. Stops early after
 * `maxMismatches`.
 */
export async function runDifferential(
  mnemo: RawClient,
  redis: RawClient,
  options: {
    seed: number;
    blocks: number;
    blockSize: number;
    protocol?: 2 | 3;
    /** Connections to Mnemo and to Redis that compare the keyevent notifications of each block. */
    subscribers?: [RawClient, RawClient];
    /** Go on from the keys the servers hold (no FLUSHALL first). */
    keepKeys?: boolean;
    clockToleranceMs?: number;
    maxMismatches?: number;
  },
): Promise<DifferentialRun> {
  const rnd = seededRandom(options.seed);
  const clock: StreamClock = { nowMs: Date.now() };
  const tolerance = options.clockToleranceMs ?? 2000;
  const maxMismatches = options.maxMismatches ?? 20;
  const history: string[][] = [];
  /** Inside MULTI: the commands Redis answered QUEUED, whose replies EXEC returns. */
  let queued: string[][] | null = null;
  const run: DifferentialRun = { commands: 0, errors: 0, transactions: 0, scans: 0, events: 0, mismatches: [], stateDiffs: [] };
  const setup = [['HELLO', String(options.protocol ?? 2)], ...(options.keepKeys ? [] : [['FLUSHALL']]), ['CONFIG', 'SET', 'notify-keyspace-events', options.subscribers ? 'KEA' : '']];
  await Promise.all([pipeline(mnemo, setup), pipeline(redis, setup)]);
  if (options.subscribers) await Promise.all(options.subscribers.map((sub) => pipeline(sub, [['PSUBSCRIBE', '__keyevent@0__:*']])));
  for (let block = 0; block < options.blocks; block++) {
    const commands: string[][] = [];
    while (commands.length < options.blockSize) commands.push(...randomStep(rnd, clock));
    const [fromMnemo, fromRedis] = await Promise.all([pipeline(mnemo, commands), pipeline(redis, commands)]);
    for (let i = 0; i < commands.length; i++) {
      const argv = commands[i];
      history.push(argv);
      const name = argv[0].toUpperCase();
      if (fromRedis[i].type === 'simple' && (fromRedis[i] as { value: string }).value === 'QUEUED') queued?.push(argv);
      else if (name === 'MULTI') queued = [];
      const same = name === 'EXEC' && queued !== null ? sameExecReply(queued, fromMnemo[i], fromRedis[i], tolerance) : sameReply(argv, fromMnemo[i], fromRedis[i], tolerance);
      if (name === 'EXEC' || name === 'DISCARD') queued = null;
      if (fromRedis[i].type === 'error') run.errors++;
      if (name === 'EXEC' && fromRedis[i].type === 'array') run.transactions++;
      if (!same) {
        const keys = new Set(argv.slice(1).filter((arg) => arg.startsWith('d:') || arg === '' || arg === '__proto__'));
        run.mismatches.push({
          index: run.commands + i,
          argv,
          mnemo: formatReply(fromMnemo[i]),
          redis: formatReply(fromRedis[i]),
          history: history.filter((past) => past.slice(1).some((arg) => keys.has(arg))).slice(-8),
        });
      }
    }
    run.commands += commands.length;
    const { diffs, stateRedis } = await keyspaceDiffs(mnemo, redis);
    run.stateDiffs.push(...diffs.map((diff) => `after block ${block}, ${diff}`));
    if (options.subscribers) {
      const marker = `end of block ${block}`;
      await Promise.all([pipeline(mnemo, [['PUBLISH', '__keyevent@0__:marker', marker]]), pipeline(redis, [['PUBLISH', '__keyevent@0__:marker', marker]])]);
      const [eventsMnemo, eventsRedis] = await Promise.all(options.subscribers.map((sub) => blockEvents(sub, marker)));
      run.events += eventsRedis.length;
      const at = eventsMnemo.findIndex((event, i) => event !== eventsRedis[i]);
      if (at !== -1 || eventsMnemo.length !== eventsRedis.length) {
        const from = Math.max(0, (at === -1 ? Math.min(eventsMnemo.length, eventsRedis.length) : at) - 3);
        run.stateDiffs.push(`block ${block} notifications from #${from}: mnemo ${JSON.stringify(eventsMnemo.slice(from, from + 6))} / redis ${JSON.stringify(eventsRedis.slice(from, from + 6))}`);
      }
    }
    const scanOptions = pick(rnd, SCAN_OPTIONS);
    const hashKey = [...stateRedis].find(([, state]) => state.body.startsWith('hash'))?.[0];
    const scans: Array<[string, string[], string[]]> = [['SCAN', [], scanOptions]];
    if (hashKey !== undefined) scans.push(['HSCAN', [hashKey], pick(rnd, [[], ['MATCH', 'f[0-2]'], ['COUNT', '1']])]);
    for (const [command, prefix, scanArgs] of scans) {
      const [fromMnemoScan, fromRedisScan] = await Promise.all([scanAll(mnemo, command, prefix, scanArgs), scanAll(redis, command, prefix, scanArgs)]);
      run.scans++;
      if (fromMnemoScan !== fromRedisScan) run.stateDiffs.push(`after block ${block}, ${[command, ...prefix, '<cursor>', ...scanArgs].join(' ')}: mnemo [${fromMnemoScan}] / redis [${fromRedisScan}]`);
    }
    if (run.mismatches.length >= maxMismatches || run.stateDiffs.length > 0) break;
  }
  return run;
}
