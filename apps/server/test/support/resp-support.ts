// Test support for the Redis-protocol listener: Mnemo on free ports with a temporary database,
// a raw RESP socket client that checks frames byte for byte, and a real redis-server peer.

import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket, connect } from 'node:net';
import { freePort } from './free-port';
import { stopChild } from './stop-child';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ReplyParser, RespValue } from '@mnemo/protocol';
import { RunningServer, startServer } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/load-config';
import { RespService } from '../../src/resp/resp.service';

export interface RespTestServer {
  server: RunningServer;
  resp: RespService;
  port: number;
  dir: string;
  /** Stops the server (a graceful shutdown: the log is flushed); the directory is removed unless keepDir. */
  close(options?: { keepDir?: boolean }): Promise<void>;
}

/** Starts Mnemo silent on free ports (HTTP and RESP) with its database in `dir` (a fresh temporary one by default). */
export async function startRespServer(extraFlags: string[] = [], dir = mkdtempSync(path.join(tmpdir(), 'mnemo-resp-'))): Promise<RespTestServer> {
  const config = loadConfig({
    argv: [
      ...['--http-port', '0', '--resp-port', '0', '--log-level', 'silent'],
      ...['--db', path.join(dir, 'mnemo.db'), '--admin-token', 'resp-test-token'],
      ...extraFlags,
    ],
  });
  const server = await startServer(config, { announce: false });
  const resp = server.app.get(RespService);
  return {
    server,
    resp,
    port: resp.port,
    dir,
    close: async (options = {}) => {
      await server.close();
      if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SharedRespServer {
  /** The file's server (set once beforeAll has run). */
  readonly mnemo: RespTestServer;
  /** A raw client to it, closed after the current test. */
  connect(): Promise<RawClient>;
}

/**
 * Call at a spec file's top level: one server for the whole file (started with `extraFlags`,
 * closed after it), and raw clients that are closed after each test. With
 * `awaitDisconnects`, each test also waits (up to 3 s) until the server has seen its clients
 * go, for specs that count connections (maxclients).
 */
export function useRespServer(extraFlags: string[] = [], options: { awaitDisconnects?: boolean } = {}): SharedRespServer {
  let mnemo: RespTestServer | undefined;
  const clients: RawClient[] = [];
  beforeAll(async () => {
    mnemo = await startRespServer(extraFlags);
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    if (!options.awaitDisconnects || !mnemo) return;
    const deadline = Date.now() + 3000;
    while (mnemo.resp.ctx.clients.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  });
  afterAll(async () => {
    await mnemo?.close();
  });
  return {
    get mnemo(): RespTestServer {
      if (!mnemo) throw new Error('the RESP test server is not started yet (use it inside tests)');
      return mnemo;
    },
    connect: async () => {
      const client = await RawClient.connect((mnemo as RespTestServer).port);
      clients.push(client);
      return client;
    },
  };
}

export { freePort };

export interface RedisPeer {
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts /usr/bin/redis-server on a free port without persistence; resolves once it accepts connections. */
export async function startRedisPeer(extraArgs: string[] = []): Promise<RedisPeer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'mnemo-redis-peer-'));
  const child = spawn(
    '/usr/bin/redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      const client = await RawClient.connect(port);
      await client.command('PING');
      client.close();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    port,
    process: child,
    stop: () => stopChild(child, dir),
  };
}

/**
 * Call at a spec file's top level: Mnemo and a Redis peer, started together before the file's
 * tests and stopped after them (for the specs that compare the two).
 */
export function useMnemoAndRedis(): { readonly mnemo: RespTestServer; readonly redis: RedisPeer } {
  let servers: [RespTestServer, RedisPeer] | undefined;
  beforeAll(async () => {
    servers = await Promise.all([startRespServer(), startRedisPeer()]);
  });
  afterAll(async () => {
    if (servers) await Promise.all([servers[0].close(), servers[1].stop()]);
  });
  const started = (): [RespTestServer, RedisPeer] => {
    if (!servers) throw new Error('the servers are not started yet (use them inside tests)');
    return servers;
  };
  return {
    get mnemo(): RespTestServer {
      return started()[0];
    },
    get redis(): RedisPeer {
      return started()[1];
    },
  };
}

export function encodeCommand(argv: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const arg of argv) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'latin1') : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** A raw RESP connection: sends bytes or commands, returns decoded replies in order. */
export class RawClient {
  private readonly parser = new ReplyParser();
  private readonly replies: RespValue[] = [];
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.parser.feed(chunk);
      this.replies.push(...this.parser.all());
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {
      this.closed = true;
      this.wake();
    });
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  write(bytes: Buffer | string): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  send(...argv: Array<string | Buffer>): void {
    this.write(encodeCommand(argv));
  }

  /** Waits for `count` replies (default 1); rejects after `timeoutMs` or if the socket closes first. */
  async read(count = 1, timeoutMs = 3000): Promise<RespValue[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length < count) {
      if (this.closed) throw new Error(`connection closed after ${this.replies.length} of ${count} replies`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out with ${this.replies.length} of ${count} replies`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.replies.splice(0, count);
  }

  async command(...argv: Array<string | Buffer>): Promise<RespValue> {
    this.send(...argv);
    return (await this.read(1))[0];
  }

  /** Resolves once the server closes the connection; rejects after timeoutMs. */
  async waitClosed(timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('connection still open');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Replies received and not yet read. */
  get buffered(): number {
    return this.replies.length;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Shorthands for expected replies. */
export const simple = (value: string): RespValue => ({ type: 'simple', value });
export const error = (value: string): RespValue => ({ type: 'error', value });
export const integer = (value: number): RespValue => ({ type: 'integer', value });
export const bulk = (value: string): RespValue => ({ type: 'bulk', value });
export const nil: RespValue = { type: 'null', kind: 'bulk' };
