// Test support for the admin gateway: a real server on free ports with a temporary database,
// and real socket.io clients that connect, wait for stream events and send commands with acks.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io, Socket as ClientSocket } from 'socket.io-client';
import { ADMIN_NAMESPACE } from '@mnemo/contracts';
import type { AdminStreamPayloads } from '@mnemo/contracts';
import { RunningServer, startServer } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/load-config';

export const ADMIN_TOKEN = 'test-admin-token';

export interface AdminTestServer {
  server: RunningServer;
  close(): Promise<void>;
}

/** Starts Mnemo on free ports, silent, with a database in a fresh temporary directory. */
export async function startAdminServer(extraFlags: string[] = []): Promise<AdminTestServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mnemo-admin-'));
  const config = loadConfig({
    argv: [
      ...['--http-port', '0', '--resp-port', '0', '--log-level', 'silent'],
      ...['--db', path.join(dir, 'mnemo.db'), '--admin-token', ADMIN_TOKEN, '--admin-port', '3999'],
      ...extraFlags,
    ],
  });
  const server = await startServer(config, { announce: false });
  return {
    server,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const clients: ClientSocket[] = [];

/**
 * A connected dashboard client; rejects with the connect_error (e.g. 'unauthorized').
 * `prepare` runs before the connection opens (to catch what the server sends on connect).
 */
export function connectAdmin(
  server: RunningServer,
  token: string | null = ADMIN_TOKEN,
  prepare: (socket: ClientSocket) => void = () => undefined,
): Promise<ClientSocket> {
  const socket = io(server.httpUrl + ADMIN_NAMESPACE, {
    auth: token === null ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: false,
  });
  clients.push(socket);
  prepare(socket);
  socket.connect();
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Closes every client opened by connectAdmin. */
export function closeClients(): void {
  for (const socket of clients.splice(0)) socket.close();
}

/** The first payload on `stream` satisfying `accept`; rejects after `timeoutMs`. */
export function nextOn<S extends keyof AdminStreamPayloads>(
  socket: ClientSocket,
  stream: S,
  accept: (payload: AdminStreamPayloads[S]) => boolean = () => true,
  timeoutMs = 3000,
): Promise<AdminStreamPayloads[S]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(stream, listener as never);
      reject(new Error(`no matching '${stream}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: AdminStreamPayloads[S]): void => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      socket.off(stream, listener as never);
      resolve(payload);
    };
    socket.on(stream, listener as never);
  });
}

/** Collects every payload on `stream` until stopped. */
export function record<S extends keyof AdminStreamPayloads>(socket: ClientSocket, stream: S): AdminStreamPayloads[S][] {
  const seen: AdminStreamPayloads[S][] = [];
  socket.on(stream, ((payload: AdminStreamPayloads[S]) => seen.push(payload)) as never);
  return seen;
}

/** Sends a command (payload omitted when undefined) and resolves with its ack. */
export function command<T = Record<string, unknown>>(socket: ClientSocket, event: string, ...payload: unknown[]): Promise<T> {
  return socket.timeout(3000).emitWithAck(event, ...payload) as Promise<T>;
}

/** Resolves when `condition` holds, polling every 10 ms; rejects after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
