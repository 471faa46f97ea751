// RESP listener benchmark: redis-benchmark (SET, GET, INCR; 50 clients; -P 1 and -P 16) against
// Mnemo and against Redis 7 started here, both with appendonly + appendfsync everysec, then both
// with appendfsync always; `redis-cli --lru-test` hit ratios at the same maxmemory; and a long
// fuzz run of the request parser; and the event log's cost at the server (Mnemo everysec vs Mnemo
// with appendonly no, phase logcost); and EVALSHA of a rate-limit Lua script on both (phase
// script). Neither server takes snapshots (save ""). The everysec phase
// also measures the Node floor (bench/peers/node-floor.mjs: one canned reply per request, no
// parsing, no data), the least any Node server costs per request here, as a reference. Runs
// alternate between the servers so machine noise hits all of them.
// Usage: npm run bench:resp [-- --n 500000 --rounds 2 --lru-seconds 10 --fuzz-seconds 20 --floor 0|1]
// Prints a table and writes bench/results/resp.json.

import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { ProtocolError, RequestParser } from '@mnemo/protocol';
import { freePort } from '../apps/server/test/support/free-port';

interface Options {
  n: number;
  /** Requests per test under appendfsync always (each write waits for an fsynced commit). */
  'always-n': number;
  rounds: number;
  clients: number;
  'lru-seconds': number;
  'lru-keys': number;
  'fuzz-seconds': number;
  /** 1: the everysec phase also measures the Node floor (bench/peers/node-floor.mjs); 0: it does not. */
  floor: number;
  maxmemory: string;
  /** Comma-separated phases to run: everysec, always, logcost, lru, fuzz, parser, hscan, script. */
  phases: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { n: 500_000, 'always-n': 20_000, rounds: 2, clients: 50, 'lru-seconds': 10, 'lru-keys': 200_000, 'fuzz-seconds': 20, floor: 1, maxmemory: '16mb', phases: 'everysec,always,logcost,lru,fuzz,parser,hscan,script' };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '') as keyof Options;
    if (!(name in options)) throw new Error(`unknown option ${argv[i]} (use ${Object.keys(options).map((o) => `--${o}`).join(', ')})`);
    (options as unknown as Record<string, number | string>)[name] = name === 'maxmemory' || name === 'phases' ? argv[i + 1] : Number(argv[i + 1]);
  }
  return options;
}

const root = process.cwd();
const children = new Set<ChildProcess>();
const tempDirs: string[] = [];


/** Resolves once `port` answers PING with +PONG (rejects after 20 s). */
async function waitForPong(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server on port ${port} exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`server on port ${port} did not answer PING`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Server {
  name: string;
  port: number;
  stop(): Promise<void>;
}

async function startServer(name: string, command: string, args: (port: number, dir: string) => string[]): Promise<Server> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), `mnemo-bench-resp-${name}-`));
  tempDirs.push(dir);
  const child = spawn(command, args(port, dir), { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  children.add(child);
  await waitForPong(port, child);
  return {
    name,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }).then(() => {
        children.delete(child);
      }),
  };
}

/** Mnemo with `appendfsync fsync`; fsync 'off' runs it with appendonly no (no event log at all). */
function startMnemo(fsync: string, extra: string[] = []): Promise<Server> {
  const log = fsync === 'off' ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', fsync];
  return startServer(fsync === 'off' ? 'mnemo-nolog' : 'mnemo', process.execPath, (port, dir) => [
    'dist/apps/server/main.js',
    ...['--resp-port', String(port), '--http-port', '0', '--db', path.join(dir, 'mnemo.db')],
    ...log,
    ...['--save', '', '--log-level', 'warn', '--admin-token', 'bench'],
    ...extra,
  ]);
}

function startRedis(fsync: string, extra: string[] = []): Promise<Server> {
  return startServer('redis', '/usr/bin/redis-server', (port, dir) => [
    ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
    ...['--appendonly', 'yes', '--appendfsync', fsync],
    ...extra,
  ]);
}

/** Runs redis-benchmark; returns requests per second per test (SET, GET, INCR). */
function redisBenchmark(port: number, options: Options, pipeline: number, requests: number): Record<string, number> {
  const result = spawnSync(
    '/usr/bin/redis-benchmark',
    ['-h', '127.0.0.1', '-p', String(port), '-t', 'set,get,incr', '-n', String(requests), '-c', String(options.clients), '-P', String(pipeline), '--csv'],
    { encoding: 'utf8', timeout: 600_000 },
  );
  if (result.status !== 0) throw new Error(`redis-benchmark failed: ${result.stderr}`);
  const rates: Record<string, number> = {};
  for (const line of result.stdout.split('\n')) {
    const fields = line.split(',').map((f) => f.replace(/"/g, ''));
    if (fields.length >= 2 && /^\d/.test(fields[1])) rates[fields[0]] = Number(fields[1]);
  }
  return rates;
}

/**
 * The rate-limit script rate-limit libraries run (INCR, PEXPIRE on the first hit, PTTL), loaded
 * with SCRIPT LOAD and called by redis-benchmark as EVALSHA over 100,000 random keys.
 */
const RATE_LIMIT_SCRIPT = "local c = redis.call('incr', KEYS[1]) if c == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end return {c, redis.call('pttl', KEYS[1])}";

function scriptBenchmark(port: number, options: Options, pipeline: number, requests: number): number {
  const load = spawnSync('/usr/bin/redis-cli', ['-p', String(port), 'SCRIPT', 'LOAD', RATE_LIMIT_SCRIPT], { encoding: 'utf8' });
  const sha = load.stdout.trim();
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new Error(`SCRIPT LOAD failed: ${load.stdout} ${load.stderr}`);
  const result = spawnSync(
    '/usr/bin/redis-benchmark',
    ['-h', '127.0.0.1', '-p', String(port), '-n', String(requests), '-c', String(options.clients), '-P', String(pipeline), '-r', '100000', '--csv', 'EVALSHA', sha, '1', 'rl:__rand_int__', '60000'],
    { encoding: 'utf8', timeout: 600_000 },
  );
  if (result.status !== 0) throw new Error(`redis-benchmark failed: ${result.stderr}`);
  const line = result.stdout.split('\n').find((row) => /^"EVALSHA/.test(row));
  if (!line) throw new Error(`redis-benchmark printed no EVALSHA row: ${result.stdout}`);
  return Number(line.split(',')[1].replace(/"/g, ''));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Comparison {
  scenario: string;
  test: string;
  /** The server measured: Mnemo, or the Node floor (bench/peers/node-floor.mjs) for reference. */
  name: string;
  /** The server it is measured against: Redis 7, or Mnemo without its event log (log-cost phase). */
  peerName: string;
  /** Median requests/s of the measured server and of its peer. */
  rate: number;
  peerRate: number;
  ratio: number;
  /** null: a reference row with no target of its own. */
  target: number | null;
  met: boolean | null;
}

/**
 * Runs Mnemo, its peer and any `references` in turn (the order reversed every other round)
 * `rounds` times at each pipeline depth; median rates per test. The peer is Redis 7, or
 * (log-cost phase) Mnemo with appendonly no. Each reference
 * gets rows against the peer and Mnemo gets rows against each reference, without targets.
 */
function compare(scenario: string, mnemo: Server, peer: Server, options: Options, pipelines: Array<[number, number]>, requests: number, references: Server[] = []): Comparison[] {
  const rows: Comparison[] = [];
  for (const [pipeline, target] of pipelines) {
    const servers = [mnemo, peer, ...references];
    const samples = new Map<Server, Record<string, number[]>>(servers.map((server) => [server, {}]));
    for (let round = 0; round < options.rounds; round++) {
      for (const server of round % 2 === 0 ? servers : [...servers].reverse()) {
        const rates = redisBenchmark(server.port, options, pipeline, requests);
        const mine = samples.get(server) as Record<string, number[]>;
        for (const [test, rate] of Object.entries(rates)) (mine[test] ??= []).push(rate);
        console.log(`  ${scenario} -P ${pipeline} ${server.name} round ${round + 1}: ${JSON.stringify(rates)}`);
      }
    }
    const rate = (server: Server, test: string): number => median((samples.get(server) as Record<string, number[]>)[test] ?? [0]);
    const row = (measured: Server, against: Server, test: string, goal: number | null): Comparison => {
      const ratio = rate(measured, test) / rate(against, test);
      const met = goal === null ? null : ratio >= goal;
      return { scenario: `${scenario} -P ${pipeline}`, test, name: measured.name, peerName: against.name, rate: Math.round(rate(measured, test)), peerRate: Math.round(rate(against, test)), ratio: Number(ratio.toFixed(3)), target: goal, met };
    };
    for (const test of Object.keys(samples.get(peer) as Record<string, number[]>)) {
      rows.push(row(mnemo, peer, test, target));
      for (const reference of references) rows.push(row(reference, peer, test, null), row(mnemo, reference, test, null));
    }
  }
  return rows;
}

/** The Node floor (bench/peers/node-floor.mjs): Node's own per-request cost, for reference. */
function startNodeFloor(): Promise<Server> {
  return startServer('node-floor', process.execPath, (port) => ['bench/peers/node-floor.mjs', String(port)]);
}

/** Runs `redis-cli --lru-test` for `seconds` and returns the mean hit ratio of its per-second lines. */
async function lruTest(port: number, options: Options): Promise<{ hitRatio: number; samples: number }> {
  // stdbuf: redis-cli block-buffers stdout into a pipe, and the buffer would be lost when it is killed.
  const child = spawn('/usr/bin/stdbuf', ['-oL', '/usr/bin/redis-cli', '-h', '127.0.0.1', '-p', String(port), '--lru-test', String(options['lru-keys'])], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise((resolve) => setTimeout(resolve, options['lru-seconds'] * 1000));
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  children.delete(child);
  // Lines look like: "134500 Gets/sec | Hits: 96250 (71.56%) | Misses: 38250 (28.44%)"; skip the warm-up seconds.
  const ratios = [...output.matchAll(/Hits: \d+ \(([\d.]+)%\)/g)].map((m) => Number(m[1]));
  const steady = ratios.slice(Math.min(3, Math.floor(ratios.length / 2)));
  return { hitRatio: steady.length ? Number((steady.reduce((a, b) => a + b, 0) / steady.length).toFixed(2)) : NaN, samples: steady.length };
}

/** Feeds random and mutated frames to the parser for `seconds`; counts inputs and checks the invariants. */
function fuzz(seconds: number): { inputs: number; commands: number; protocolErrors: number; maxHeldBytes: number } {
  let seed = 0x5eed;
  const random = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const alphabet = Buffer.from('*$\r\n0123456789-+ "\'\\xPINGSET');
  const limit = 256 * 1024;
  const stats = { inputs: 0, commands: 0, protocolErrors: 0, maxHeldBytes: 0 };
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const parser = new RequestParser({ maxBulkLength: 64 * 1024, maxQueryBufferBytes: limit });
    const input = Buffer.alloc(Math.floor(random() * 2000));
    for (let i = 0; i < input.length; i++) input[i] = random() < 0.6 ? alphabet[Math.floor(random() * alphabet.length)] : Math.floor(random() * 256);
    stats.inputs++;
    try {
      for (let at = 0; at < input.length; ) {
        const size = 1 + Math.floor(random() * 64);
        parser.feed(input.subarray(at, at + size));
        at += size;
        while (parser.next() !== null) stats.commands++;
        stats.maxHeldBytes = Math.max(stats.maxHeldBytes, parser.heldBytes);
        if (parser.heldBytes > limit + 64) throw new Error(`parser held ${parser.heldBytes} bytes`);
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      stats.protocolErrors++;
    }
  }
  return stats;
}

/**
 * A full HSCAN pass over a hash of `fields` fields, as node-redis's hScanIterator makes it (no
 * COUNT: 10 a call) and with COUNT 1000, in ms; checks every field came back.
 */
async function hscanPass(port: number, fields: number): Promise<Record<string, number>> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  await client.connect();
  try {
    await client.del('hscan:h');
    for (let i = 0; i < fields; i += 1000) {
      await client.hset('hscan:h', Object.fromEntries(Array.from({ length: 1000 }, (_, j) => [`field:${i + j}`, `value:${i + j}`])));
    }
    const out: Record<string, number> = {};
    for (const count of [10, 1000]) {
      const seen = new Set<string>();
      const started = performance.now();
      let cursor = '0';
      do {
        const [next, flat] = await client.hscan('hscan:h', cursor, 'COUNT', count);
        for (let i = 0; i < flat.length; i += 2) seen.add(flat[i]);
        cursor = next;
      } while (cursor !== '0');
      out[`count${count}Ms`] = Math.round(performance.now() - started);
      if (seen.size !== fields) throw new Error(`HSCAN COUNT ${count} on port ${port} returned ${seen.size} of ${fields} fields`);
    }
    return out;
  } finally {
    client.disconnect();
  }
}

/** The request parser alone: ns per command over reads of 16 pipelined `INCR key` frames, 5 runs. */
function parseSpeed(): { runs: number[]; best: number; median: number } {
  const frame = (i: number): string => `*2\r\n$4\r\nINCR\r\n$16\r\nkey:__rand_${String(i).padStart(5, '0')}\r\n`;
  const reads = Array.from({ length: 64 }, (_, r) => Buffer.from(Array.from({ length: 16 }, (_, i) => frame(r * 16 + i)).join('')));
  const runs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const parser = new RequestParser();
    let commands = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 200_000; i++) {
      parser.feed(reads[i & 63]);
      while (parser.next() !== null) commands++;
    }
    runs.push(Number((Number(process.hrtime.bigint() - t0) / commands).toFixed(1)));
  }
  return { runs, best: Math.min(...runs), median: median(runs) };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const results: Record<string, unknown> = { node: process.version, date: new Date().toISOString(), options };
  console.log('building the server bundle...');
  const build = spawnSync(process.execPath, ['scripts/build-server.mjs'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('server build failed');

  const phases = new Set(options.phases.split(','));
  const rows: Comparison[] = [];
  for (const [policy, targets] of [
    ['everysec', [[1, 0.9], [16, 0.6]]],
    ['always', [[1, 1.0], [16, 1.0]]],
  ] as Array<[string, Array<[number, number]>]>) {
    if (!phases.has(policy)) continue;
    const mnemo = await startMnemo(policy);
    const redis = await startRedis(policy);
    // The floor writes no log, so it is a reference where Mnemo's replies do not wait for one.
    const references = policy === 'everysec' && options.floor !== 0 ? [await startNodeFloor()] : [];
    rows.push(...compare(policy, mnemo, redis, options, targets, policy === 'always' ? options['always-n'] : options.n, references));
    await Promise.all([mnemo.stop(), redis.stop(), ...references.map((server) => server.stop())]);
  }
  if (phases.has('logcost')) {
    // The event log's cost where users meet it: the same server with and without it.
    const mnemo = await startMnemo('everysec');
    const nolog = await startMnemo('off');
    rows.push(...compare('log cost: everysec vs no log', mnemo, nolog, options, [[1, 0.9], [16, 0.9]], options.n));
    await Promise.all([mnemo.stop(), nolog.stop()]);
  }
  results.throughput = rows;

  if (phases.has('lru')) {
    console.log(`lru-test: ${options['lru-keys']} keys, maxmemory ${options.maxmemory}, allkeys-lru, ${options['lru-seconds']} s each`);
    const lruFlags = ['--maxmemory', options.maxmemory, '--maxmemory-policy', 'allkeys-lru'];
    const mnemo = await startMnemo('everysec', lruFlags);
    const redis = await startRedis('everysec', lruFlags);
    results.lruTest = { mnemo: await lruTest(mnemo.port, options), redis: await lruTest(redis.port, options) };
    await Promise.all([mnemo.stop(), redis.stop()]);
  }

  if (phases.has('fuzz')) {
    console.log(`parser fuzz for ${options['fuzz-seconds']} s...`);
    results.fuzz = fuzz(options['fuzz-seconds']);
  }
  if (phases.has('parser')) results.parser = parseSpeed();
  if (phases.has('hscan')) {
    const mnemo = await startMnemo('everysec');
    const redis = await startRedis('everysec');
    results.hscan = { fields: 60_000, mnemo: await hscanPass(mnemo.port, 60_000), redis: await hscanPass(redis.port, 60_000) };
    await Promise.all([mnemo.stop(), redis.stop()]);
  }

  if (phases.has('script')) {
    // A Lua rate-limit check per request: Mnemo's fengari VM against Redis's Lua 5.1.
    const mnemo = await startMnemo('everysec');
    const redis = await startRedis('everysec');
    const script: Record<string, { mnemo: number; redis: number; ratio: number }> = {};
    for (const pipeline of [1, 16]) {
      const mnemoRates: number[] = [];
      const redisRates: number[] = [];
      for (let round = 0; round < options.rounds; round++) {
        mnemoRates.push(scriptBenchmark(mnemo.port, options, pipeline, options['always-n'] * 5));
        redisRates.push(scriptBenchmark(redis.port, options, pipeline, options['always-n'] * 5));
      }
      script[`-P ${pipeline}`] = { mnemo: median(mnemoRates), redis: median(redisRates), ratio: Number((median(mnemoRates) / median(redisRates)).toFixed(2)) };
    }
    results.script = script;
    await Promise.all([mnemo.stop(), redis.stop()]);
  }

  console.log('\nRESP throughput (requests/s, median of rounds; ratio = server / peer)');
  console.table(
    rows.map((r) => ({ scenario: r.scenario, test: r.test, server: r.name, rate: r.rate, peer: r.peerName, 'peer rate': r.peerRate, ratio: r.ratio, target: r.target === null ? '(reference)' : `>= ${r.target}`, met: r.met ?? '' })),
  );
  if (results.lruTest) console.log('redis-cli --lru-test hit ratio (%):', results.lruTest);
  if (results.fuzz) console.log('parser fuzz:', results.fuzz);
  if (results.parser) console.log('request parser, pipelined INCR frames (ns per command):', results.parser);
  if (results.hscan) console.log('full HSCAN pass over a 60,000-field hash (ms):', results.hscan);
  if (results.script) console.log('EVALSHA of a rate-limit script (INCR, PEXPIRE, PTTL), requests/s:', results.script);
  const out = path.join(root, 'bench', 'results', 'resp.json');
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${path.relative(root, out)}`);
}

function cleanup(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

main()
  .then(() => cleanup())
  .catch((error: unknown) => {
    console.error(error);
    cleanup();
    process.exit(1);
  });
