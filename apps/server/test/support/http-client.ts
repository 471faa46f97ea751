// Test support for the HTTP API: a real server on free ports with a temporary database, and a
// small fetch wrapper that returns status, headers and the parsed JSON body.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MutationRecord } from '@mnemo/engine';
import { RunningServer, startServer } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/load-config';

export const ADMIN_TOKEN = 'http-test-admin-token';

export interface HttpTestServer {
  server: RunningServer;
  url: string;
  dir: string;
  /** Stops the server; the temporary directory is removed unless keepDir. */
  close(options?: { keepDir?: boolean }): Promise<void>;
}

/** Starts Mnemo on free ports, silent, with its database in `dir` (a fresh temporary one by default). */
export async function startHttpServer(extraFlags: string[] = [], dir = mkdtempSync(path.join(tmpdir(), 'mnemo-http-'))): Promise<HttpTestServer> {
  const config = loadConfig({
    argv: [
      ...['--http-port', '0', '--resp-port', '0', '--log-level', 'silent'],
      ...['--db', path.join(dir, 'mnemo.db'), '--admin-token', ADMIN_TOKEN],
      ...extraFlags,
    ],
  });
  const server = await startServer(config, { announce: false });
  return {
    server,
    url: server.httpUrl,
    dir,
    close: async (options = {}) => {
      await server.close();
      if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CallOptions {
  body?: unknown;
  /** Sent as is (for malformed JSON); implies content-type application/json unless given. */
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
  /** Adds `Authorization: Bearer <token>`. */
  token?: string;
}

// Test bodies are checked field by field with expect(), so they are loosely typed on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface CallResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** One HTTP request; the body is JSON-parsed when the answer is JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function call<T = any>(server: HttpTestServer, method: string, urlPath: string, options: CallOptions = {}): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  let body: string | Uint8Array | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(server.url + urlPath, { method, headers, body });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : undefined;
  return { status: response.status, headers: response.headers, body: json as T, text };
}

/** Asserts the error envelope: status, code and (optionally) the field named. */
export function expectError(result: CallResult, status: number, code: string, field?: string): void {
  expect({ status: result.status, code: result.body?.error?.code }).toEqual({ status, code });
  expect(typeof result.body.error.message).toBe('string');
  if (field !== undefined) expect(result.body.error.field).toBe(field);
}

/**
 * The mutation records `action` caused, leaving out expiries and evictions (the active expire
 * cycle runs on its own timer): what "the keyspace is untouched" is checked against.
 */
export async function writesDuring(server: HttpTestServer, action: () => Promise<unknown>): Promise<MutationRecord[]> {
  const records: MutationRecord[] = [];
  const stop = server.server.keyspace.engine.onMutation((record) => {
    if (record.reason !== 'expired' && record.reason !== 'evicted') records.push(record);
  });
  try {
    await action();
  } finally {
    stop();
  }
  return records;
}
