// Crash-test support: the real server bundle as a child process on free ports with its own
// database, a bounded concurrent write load over RESP (ioredis) that records every acknowledged
// write, and SIGKILL/SIGTERM at a chosen moment.

import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';

/** The workspace root: the first directory up from here holding scripts/bundle.mjs (works from ts sources and from bench bundles). */
function findRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'scripts', 'bundle.mjs'))) return dir;
    if (path.dirname(dir) === dir) throw new Error('cannot find the workspace root (scripts/bundle.mjs)');
  }
}

const ROOT = findRoot();
export const BUNDLE = path.join(ROOT, 'tmp', 'persistence-test', 'main.js');

/** Bundles the server (the same esbuild + SWC pipeline as scripts/build-server.mjs) into tmp/. */
export async function buildServerBundle(): Promise<void> {
  const script = `import('${path.join(ROOT, 'scripts', 'bundle.mjs')}').then((m) => m.bundle('apps/server/src/main.ts', '${path.relative(ROOT, BUNDLE)}'))`;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bundle failed: ${err}`))));
  });
}

export interface Child {
  proc: ChildProcess;
  respPort: number;
  output(): string;
  /** Resolves with the exit code, or the signal's name if a signal ended the process. */
  exited: Promise<number | string | null>;
}

/** Starts the server bundle; resolves once the RESP listener is up (its port parsed from the log). */
export function startChild(db: string, flags: string[] = []): Promise<Child> {
  const proc = spawn(
    process.execPath,
    [BUNDLE, '--db', db, '--http-port', '0', '--resp-port', '0', '--admin-token', 'crash-test', '--save', '', ...flags],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
  );
  let out = '';
  const exited = new Promise<number | string | null>((resolve) => proc.on('exit', (code, signal) => resolve(code ?? signal)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const match = /Redis protocol listening on [^:\s]+:(\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ proc, respPort: Number(match[1]), output: () => out, exited });
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
}

export function client(port: number): Redis {
  return new Redis({ port, host: '127.0.0.1', lazyConnect: false, maxRetriesPerRequest: 0, enableOfflineQueue: true, retryStrategy: () => null, reconnectOnError: () => false });
}

export interface Load {
  /** key -> value of every SET the server acknowledged, with the time of the ack. */
  acked: Map<string, { value: string; at: number }>;
  /** counter -> highest INCR reply seen. */
  counters: Map<string, number>;
  sent: number;
  stop(): Promise<void>;
}

/**
 * Runs `writers` concurrent clients, each doing SET w<i>:<n> and every 5th op an INCR c<i>, one
 * command in flight per client, until stop() or the connection dies. Bounded by `maxOps` per writer.
 */
export function startLoad(port: number, writers: number, maxOps = 100_000): Load {
  const acked = new Map<string, { value: string; at: number }>();
  const counters = new Map<string, number>();
  const clients = Array.from({ length: writers }, () => client(port));
  let stopped = false;
  const load: Load = { acked, counters, sent: 0, stop: async () => undefined };
  const loops = clients.map(async (redis, w) => {
    redis.on('error', () => undefined);
    for (let n = 0; n < maxOps && !stopped; n++) {
      try {
        if (n % 5 === 4) {
          load.sent++;
          const value = await redis.incr(`c${w}`);
          counters.set(`c${w}`, value);
        } else {
          const key = `w${w}:${n}`;
          const value = `v${w}.${n}.${'x'.repeat(n % 40)}`;
          load.sent++;
          const reply = await redis.set(key, value);
          if (reply === 'OK') acked.set(key, { value, at: Date.now() });
        }
      } catch {
        return; // the server is gone
      }
    }
  });
  load.stop = async () => {
    stopped = true;
    await Promise.all(loops);
    for (const redis of clients) redis.disconnect();
  };
  return load;
}

export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Reads every key given back from the server in pipelines of 1000 GETs. */
export async function readAll(port: number, keys: string[]): Promise<Map<string, string | null>> {
  const redis = client(port);
  const out = new Map<string, string | null>();
  for (let i = 0; i < keys.length; i += 1000) {
    const slice = keys.slice(i, i + 1000);
    const values = await redis.mget(...slice);
    slice.forEach((key, j) => out.set(key, values[j]));
  }
  redis.disconnect();
  return out;
}
