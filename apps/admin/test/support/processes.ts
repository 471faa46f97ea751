// Test support: the real Mnemo server (the bundle) and the built dashboard (`next start`), each
// in a child process on free loopback ports, and a bounded key writer that drives load.

import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../../..');
/** The server's bundle (scripts/build-server.mjs); E2E_SERVER_BUNDLE points at another build. */
const SERVER_BUNDLE = process.env.E2E_SERVER_BUNDLE ?? path.join(ROOT, 'dist/apps/server/main.js');
const ADMIN_BUILD_ID = path.join(ROOT, 'apps/admin/.next/BUILD_ID');
const QUIET_ENV = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', CHECKPOINT_DISABLE: '1', NEXT_TELEMETRY_DISABLED: '1' };

/** Builds the server bundle and the dashboard if their outputs are missing (fresh clone). */
export function ensureBuilt(): void {
  const steps: Array<[string, string[]]> = [];
  if (!existsSync(SERVER_BUNDLE)) steps.push([process.execPath, ['scripts/build-server.mjs']]);
  if (!existsSync(ADMIN_BUILD_ID)) steps.push([process.execPath, [require.resolve('next/dist/bin/next'), 'build', 'apps/admin']]);
  for (const [command, args] of steps) {
    const result = spawnSync(command, args, { cwd: ROOT, env: { ...process.env, ...QUIET_ENV }, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`build step failed: ${args.join(' ')} (exit ${result.status})`);
  }
}

/** A port that was free a moment ago (for next start, which needs a number up front). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface Child {
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

function startChild(command: string, args: string[], env: Record<string, string | undefined>): Child {
  // Next's types make NODE_ENV required in ProcessEnv; a child's environment need not set it.
  const child = spawn(command, args, { cwd: ROOT, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    process: child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        // A clean stop flushes the log (and may snapshot): give it time before forcing.
        const timer = setTimeout(() => {
          output += '\n[test] no exit 15 s after SIGTERM: SIGKILL\n';
          child.kill('SIGKILL');
        }, 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Resolves with the first match of `pattern` in the child's output; rejects on exit or timeout. */
function waitForOutput(child: Child, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const match = pattern.exec(child.output());
      if (match) {
        clearInterval(timer);
        resolve(match);
      } else if (child.process.exitCode !== null || Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`waiting for ${pattern}: ${child.process.exitCode !== null ? 'process exited' : 'timed out'}\n${child.output()}`));
      }
    }, 50);
  });
}

export interface Stack {
  serverUrl: string;
  adminUrl: string;
  token: string;
  /** The server's Redis-protocol port on 127.0.0.1. */
  respPort: number;
  admin: Child;
  /** Stops the server (SIGTERM, as an operator would). */
  stopServer(): Promise<void>;
  /** Starts it again on the same HTTP port and database. */
  startServer(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the server (free HTTP and RESP ports, temporary database, fixed admin token) and the
 * dashboard on a free port pointed at it. The server's CORS allows the dashboard's origin
 * because it is told the admin port.
 */
export async function startStack(token: string): Promise<Stack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mnemo-admin-e2e-'));
  const adminPort = await freePort();
  const respPort = await freePort();
  const serverEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MNEMO_')));
  const launchServer = async (httpPort: number): Promise<{ child: Child; url: string }> => {
    const child = startChild(
      process.execPath,
      [
        '--enable-source-maps',
        SERVER_BUNDLE,
        ...['--http-port', String(httpPort), '--resp-port', String(respPort), '--admin-port', String(adminPort)],
        ...['--db', path.join(dir, 'mnemo.db'), '--admin-token', token, '--log-level', 'silent'],
      ],
      { ...serverEnv, ...QUIET_ENV },
    );
    try {
      const [, url] = await waitForOutput(child, /HTTP API listening on (http:\/\/\S+)/, 30_000);
      return { child, url };
    } catch (error) {
      await child.stop();
      throw error;
    }
  };
  let server: Child | undefined;
  let admin: Child | undefined;
  try {
    const first = await launchServer(0);
    server = first.child;
    const serverUrl = first.url;
    const httpPort = Number(new URL(serverUrl).port);
    admin = startChild(process.execPath, [require.resolve('next/dist/bin/next'), 'start', 'apps/admin', '-p', String(adminPort), '-H', '127.0.0.1'], {
      ...process.env,
      ...QUIET_ENV,
      NODE_ENV: 'production',
      MNEMO_SERVER_URL: serverUrl,
    });
    await waitForOutput(admin, /Ready in/, 30_000);
    const started = admin;
    return {
      serverUrl,
      adminUrl: `http://127.0.0.1:${adminPort}`,
      token,
      respPort,
      admin: started,
      stopServer: async () => {
        await server?.stop();
      },
      startServer: async () => {
        server = (await launchServer(httpPort)).child;
      },
      close: async () => {
        await Promise.all([started.stop(), server?.stop()]);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all([admin?.stop(), server?.stop()]);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Drives load over the HTTP API until stopped or `maxWrites` is reached: per round, 10 writes of
 * `prefix:<n>` (a value of `valueBytes`), 10 reads (7 of written keys, 3 of missing ones, so the
 * hit rate is about 70%) and, with `rateLimitKey`, 5 checks against a limit of 3 per second.
 * Bounded in count, so a stuck test cannot load the machine forever.
 */
export function startWriter(serverUrl: string, prefix: string, options: { maxWrites: number; valueBytes: number; rateLimitKey?: string }) {
  let running = true;
  let written = 0;
  let lastError: string | null = null;
  const value = 'x'.repeat(options.valueBytes);
  const keyUrl = (n: number | string) => `${serverUrl}/v1/keys/${encodeURIComponent(`${prefix}:${n}`)}`;
  const check = (response: Response, ok: number[]) => {
    if (!ok.includes(response.status)) lastError = `${response.url}: ${response.status}`;
  };
  const done = (async () => {
    while (running && written < options.maxWrites) {
      const round = Array.from({ length: 10 }, (_, i) => written + i);
      const requests: Array<Promise<void>> = round.map(async (n) =>
        check(await fetch(keyUrl(n), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value }) }), [200]),
      );
      for (let i = 0; i < 10; i++) {
        const key = i < 7 && written > 0 ? Math.floor(Math.random() * written) : `missing-${i}`;
        requests.push(fetch(keyUrl(key)).then((response) => check(response, [200, 404])));
      }
      if (options.rateLimitKey) {
        const body = JSON.stringify({ key: options.rateLimitKey, algorithm: 'fixed-window', limit: 3, windowMs: 1000 });
        for (let i = 0; i < 5; i++) {
          requests.push(fetch(`${serverUrl}/v1/ratelimit/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => check(r, [200, 429])));
        }
      }
      await Promise.all(requests);
      written += round.length;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    written: () => written,
    lastError: () => lastError,
    stop: async () => {
      running = false;
      await done;
    },
  };
}
