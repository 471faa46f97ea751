// `npm start` (scripts/start.mjs) as the README promises it: the server and the dashboard come up
// together on an embedded SQLite file, Ctrl-C stops both and frees their ports; `--help` lists
// the options; a config file that cannot be read stops start-up with a message naming it.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBuilt, freePort, ROOT } from './support/processes';

jest.setTimeout(240_000);

const START = path.join(ROOT, 'scripts/start.mjs');
/**
 * No MNEMO_* from the shell running the tests: the flags below are the whole configuration.
 * (Next's types make NODE_ENV required in ProcessEnv; a child's environment need not set it.)
 */
const ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MNEMO_'))) as NodeJS.ProcessEnv;

let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(path.join(tmpdir(), 'mnemo-npm-start-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Resolves true if something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** One inline command over the Redis-protocol port (as telnet would send it); its first reply line. */
function inlineCommand(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(line + '\r\n'));
    socket.once('data', (reply) => {
      socket.destroy();
      resolve(reply.toString('latin1').split('\r\n')[0]);
    });
    socket.once('error', reject);
  });
}

describe('npm start', () => {
  it('--help prints the server options without starting anything', () => {
    const result = spawnSync(process.execPath, [START, '--help'], { cwd: ROOT, env: ENV, encoding: 'utf8', timeout: 120_000 });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/usage: mnemo/);
    expect(result.stdout).toMatch(/--appendfsync/);
    expect(result.stdout).toMatch(/--admin-port/);
  });

  it('a --config file that cannot be read stops start-up with a message naming it', () => {
    const missing = path.join(dir, 'no-such.conf');
    const result = spawnSync(process.execPath, [START, '--config', missing, '--db', path.join(dir, 'unused.db')], {
      cwd: ROOT,
      env: ENV,
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain(missing);
  });

  it('starts the server and the dashboard on a fresh SQLite file; SIGINT stops both and frees the ports', async () => {
    const [httpPort, respPort, adminPort] = [await freePort(), await freePort(), await freePort()];
    const args = ['--http-port', String(httpPort), '--resp-port', String(respPort), '--admin-port', String(adminPort)];
    const child = spawn(process.execPath, [START, ...args, '--db', path.join(dir, 'data', 'mnemo.db'), '--admin-token', 'npm-start-test'], {
      cwd: ROOT,
      env: ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const ready = `Mnemo admin dashboard on http://127.0.0.1:${adminPort}`;
      const deadline = Date.now() + 180_000;
      while (!output.includes(ready)) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const health = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
      expect(health.status).toBe(200);
      expect(await inlineCommand(respPort, 'SET npm-start ok')).toBe('+OK');
      expect(await inlineCommand(respPort, 'GET npm-start')).toBe('$2');
      const dashboard = await fetch(`http://127.0.0.1:${adminPort}/`, { redirect: 'manual' });
      expect(dashboard.status).toBe(307);
      expect(dashboard.headers.get('location')).toMatch(/\/login/);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    for (const port of [httpPort, respPort, adminPort]) expect(await listening(port)).toBe(false);
  });
});
