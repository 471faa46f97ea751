// Differential testing against a real redis-server: the same seeded stream of random commands
// (command-stream.ts) goes to Mnemo and to Redis, pipelined a block at a time, and every reply
// must be the same, error texts included (reply-compare.ts says what may differ). After each
// block both keyspaces are compared (type, value, TTL of every key), and one whole SCAN (random
// MATCH / TYPE / COUNT) and one whole HSCAN, as sets; with subscribers, the keyevent
// notifications of the block too, in order ('expired' left out). Used by
// resp-redis-differential.spec.ts (a few thousand commands in `npm test`) and by
// bench/differential.bench.ts (long runs).
//
//   seed 1000 #227: INCRBYFLOAT d:6 9223372036854775808   (found on the first run)
//     mnemo: "9223372036854776000"    redis: "9223372036854775811"

import { seededRandom } from '@mnemo/engine';
import type { RespValue } from '@mnemo/protocol';
import { pick, randomStep, type StreamClock } from './command-stream';
import { closeTimes, formatReply, sameExecReply, sameReply, unordered } from './reply-compare';
import { RawClient } from './resp-support';

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
