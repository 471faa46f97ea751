// HTTP API benchmark: Mnemo's rate-limit check vs a hand-rolled Fastify + ioredis + Redis 7
// fixed-window limiter (bench/peers/fastify-ioredis.mjs), then Mnemo's session create/get.
// Usage: npm run bench:http [-- --duration 20 --connections 100 --keys 10000 --rounds 4]
//
// Design note. These machines are shared and their load swings by several times within a
// minute, so the two servers are measured in alternating rounds (peer, Mnemo, Mnemo, peer, ...)
// of duration/rounds seconds each, and the totals are compared: each side gets `duration`
// seconds of load spread over the same stretch of time. Every server runs in its own child
// process (autocannon stays in this one), Redis runs with the durability Mnemo has by default
// (appendonly yes, appendfsync everysec) so both sides log every write. Besides requests/s and
// latency we report server CPU per request (from /proc: Mnemo's process; the peer's process plus
// Redis), which is far less sensitive to the neighbours' load than throughput. With --pin 1 (the
// default on 2+ CPUs) both servers run on CPU 1 (taskset), so both sides get the same single
// core however busy the machine is; autocannon may run anywhere.

import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../apps/server/test/support/free-port';

interface Options {
  duration: number;
  connections: number;
  keys: number;
  rounds: number;
  /** 1: both servers on CPU 1 (taskset); 0: let the scheduler place them. */
  pin: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { duration: 20, connections: 100, keys: 10_000, rounds: 4, pin: cpus().length >= 2 && existsSync('/usr/bin/taskset') ? 1 : 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '') as keyof Options;
    const value = Number(argv[i + 1]);
    if (!(name in options) || !Number.isFinite(value) || value < 0) throw new Error(`bad option ${argv[i]} ${argv[i + 1]} (use --duration, --connections, --keys, --rounds, --pin 0|1)`);
    options[name] = value;
  }
  return options;
}

const root = process.cwd();
const children: ChildProcess[] = [];


let serverCpu: string | null = null;

/**
 * Spawns a child (on the servers' CPU when pinning) and resolves with the first output match of
 * `ready` (rejects after 60 s).
 */
function start(command: string, args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = serverCpu === null
    ? spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('/usr/bin/taskset', ['-c', serverCpu, command, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${command} did not start: ${output}`)), 60_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${output}`)));
  });
}

/** CPU time (user + system) of processes, in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10;
}

type Request = () => { method: 'GET' | 'POST'; path: string; body?: string };

/** How many distinct requests each connection cycles through (autocannon builds each once). */
const DISTINCT_REQUESTS = 1000;

interface Run {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  cpuMs: number;
}

async function run(url: string, connections: number, seconds: number, pids: number[], request: Request): Promise<Run> {
  const cpuBefore = cpuMs(pids);
  // Pre-built requests keep the load generator cheap (a per-request setupRequest costs it more
  // CPU than the servers spend), so the servers, not autocannon, are what is measured.
  const requests = Array.from({ length: DISTINCT_REQUESTS }, () => ({ ...request(), headers: { 'content-type': 'application/json' } }));
  const result = await autocannon({ url, connections, duration: seconds, requests });
  return {
    requests: result.requests.total,
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    cpuMs: cpuMs(pids) - cpuBefore,
  };
}

interface Figures {
  scenario: string;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerRequest: number;
  non2xx: number;
  errors: number;
}

/** Sums runs: req/s over the total time; latencies are the mean of the runs' percentiles. */
function combine(scenario: string, runs: Run[]): Figures {
  const requests = runs.reduce((sum, one) => sum + one.requests, 0);
  const seconds = runs.reduce((sum, one) => sum + one.seconds, 0);
  const mean = (pick: (one: Run) => number) => Math.round((runs.reduce((sum, one) => sum + pick(one), 0) / runs.length) * 10) / 10;
  return {
    scenario,
    requestsPerSec: Math.round(requests / seconds),
    p50Ms: mean((one) => one.p50),
    p99Ms: mean((one) => one.p99),
    cpuUsPerRequest: Math.round((runs.reduce((sum, one) => sum + one.cpuMs, 0) * 1000) / Math.max(1, requests)),
    non2xx: runs.reduce((sum, one) => sum + one.non2xx, 0),
    errors: runs.reduce((sum, one) => sum + one.errors, 0),
  };
}

function table(rows: Figures[]): void {
  console.log('\n| scenario | req/s | p50 ms | p99 ms | server CPU µs/req | non-2xx | errors |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(`| ${row.scenario} | ${row.requestsPerSec} | ${row.p50Ms} | ${row.p99Ms} | ${row.cpuUsPerRequest} | ${row.non2xx} | ${row.errors} |`);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(path.join(tmpdir(), 'mnemo-bench-http-'));
  try {
    console.log('building the server bundle...');
    const build = spawnSync(process.execPath, ['scripts/build-server.mjs'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('server build failed');

    if (options.pin) {
      // Both server sides get the same one core (the peer's Node process and Redis share it,
      // as Mnemo's one process does). The load generator is left free: pinned to the other
      // core it had to share that core with the neighbours' jobs and became the bottleneck.
      serverCpu = '1';
    }
    const redisPort = await freePort();
    const redis = await start(
      '/usr/bin/redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', dir],
      /Ready to accept connections/,
    );
    const peer = await start(process.execPath, ['bench/peers/fastify-ioredis.mjs', String(redisPort)], /listening (\d+)/);
    const peerUrl = `http://127.0.0.1:${peer.match[1]}`;
    const mnemo = await start(
      process.execPath,
      ['dist/apps/server/main.js', '--http-port', '0', '--resp-port', '0', '--db', path.join(dir, 'm.db'), '--log-level', 'silent', '--admin-token', 'bench'],
      /listening on (http:\/\/\S+)/,
    );
    const mnemoUrl = mnemo.match[1];
    const peerPids = [peer.child.pid ?? 0, redis.child.pid ?? 0];
    const mnemoPids = [mnemo.child.pid ?? 0];

    let n = 0;
    const key = () => `user-${n++ % options.keys}`;
    const limits = () => ({ key: key(), limit: 1_000_000_000, windowMs: 60_000 });
    const peerCheck: Request = () => ({ method: 'POST', path: '/ratelimit/check', body: JSON.stringify(limits()) });
    const mnemoCheck: Request = () => ({ method: 'POST', path: '/v1/ratelimit/check', body: JSON.stringify({ ...limits(), algorithm: 'fixed-window' }) });
    const gcraCheck: Request = () => ({ method: 'POST', path: '/v1/ratelimit/check', body: JSON.stringify({ ...limits(), algorithm: 'gcra', limit: 1_000_000 }) });

    console.log(`warming up; then ${options.rounds} alternating rounds of ${options.duration / options.rounds} s per side, ${options.connections} connections`);
    await run(peerUrl, options.connections, 3, peerPids, peerCheck);
    await run(mnemoUrl, options.connections, 3, mnemoPids, mnemoCheck);
    const peerRuns: Run[] = [];
    const mnemoRuns: Run[] = [];
    const slice = options.duration / options.rounds;
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? ['peer', 'mnemo'] : ['mnemo', 'peer'];
      for (const side of order) {
        if (side === 'peer') peerRuns.push(await run(peerUrl, options.connections, slice, peerPids, peerCheck));
        else mnemoRuns.push(await run(mnemoUrl, options.connections, slice, mnemoPids, mnemoCheck));
      }
      console.log(`round ${round + 1}: peer ${Math.round(peerRuns[round].requests / peerRuns[round].seconds)} req/s, Mnemo ${Math.round(mnemoRuns[round].requests / mnemoRuns[round].seconds)} req/s`);
    }
    const peerFigures = combine('rate-limit check, Fastify + ioredis + Redis 7 (MULTI INCR PEXPIRE NX PTTL)', peerRuns);
    const mnemoFigures = combine('rate-limit check, Mnemo fixed-window', mnemoRuns);

    const half = Math.max(2, options.duration / 2);
    const gcraFigures = combine('rate-limit check, Mnemo gcra', [await run(mnemoUrl, options.connections, half, mnemoPids, gcraCheck)]);
    const created = combine('session create, Mnemo POST /v1/sessions', [
      await run(mnemoUrl, options.connections, half, mnemoPids, () => ({
        method: 'POST',
        path: '/v1/sessions',
        body: JSON.stringify({ data: { cart: [1, 2, 3], locale: 'en' }, ttlMs: 600_000, userId: key() }),
      })),
    ]);
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const response = await fetch(`${mnemoUrl}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { i } }) });
      ids.push(((await response.json()) as { id: string }).id);
    }
    let g = 0;
    const read = combine('session get, Mnemo GET /v1/sessions/:id', [
      await run(mnemoUrl, options.connections, half, mnemoPids, () => ({ method: 'GET', path: `/v1/sessions/${ids[g++ % ids.length]}` })),
    ]);

    const rows = [peerFigures, mnemoFigures, gcraFigures, created, read];
    table(rows);
    const summary = {
      throughputRatio: Math.round((mnemoFigures.requestsPerSec / peerFigures.requestsPerSec) * 100) / 100,
      cpuRatio: Math.round((peerFigures.cpuUsPerRequest / mnemoFigures.cpuUsPerRequest) * 100) / 100,
      p99PeerMs: peerFigures.p99Ms,
      p99MnemoMs: mnemoFigures.p99Ms,
      targetMet: mnemoFigures.requestsPerSec >= 1.5 * peerFigures.requestsPerSec && mnemoFigures.p99Ms < peerFigures.p99Ms,
    };
    console.log(
      `\nMnemo / peer: ${summary.throughputRatio}x requests/s (target >= 1.5x), p99 ${summary.p99MnemoMs} vs ${summary.p99PeerMs} ms, ` +
        `peer CPU per request / Mnemo's: ${summary.cpuRatio}x. Target met: ${summary.targetMet ? 'yes' : 'no'}`,
    );
    mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
    const out = path.join(root, 'bench', 'results', 'http.json');
    writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), options, node: process.version, rows, peerRuns, mnemoRuns, summary }, null, 2));
    console.log(`results written to ${path.relative(root, out)}`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
});
