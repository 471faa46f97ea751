// Collections the event log causes on the server's main thread under heavy writes: a server with
// default persistence (appendonly yes, everysec) against one with no log, each writing `windows`
// windows of 200k engine SETs with 10 stand-in dashboards subscribed to "*", the gateway's flush
// and stats run after each window. Counts the main thread's `gc` performance entries, their
// time, those that start inside the gateway's flush, and times the flush and the stats frame.
// Usage: node bench/run.mjs log-gc [-- --windows 100]
// (This is how the log's batch copies were found to cost a mark-compact a second: see
// docs/persistence.md, "Batches reach the writer thread in shared memory".)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Socket as ServerSocket } from 'socket.io';
import { bytesFromText } from '@mnemo/engine';
import { AdminStreamsService } from '../apps/server/src/admin-gateway/admin-streams.service';
import { startServer } from '../apps/server/src/bootstrap';
import { loadConfig } from '../apps/server/src/config/load-config';

const WRITES_PER_WINDOW = 200_000;
const KEYS = 100_000;

interface GcEntry {
  start: number;
  duration: number;
}

async function measure(setup: string, env: Record<string, string>, windows: number): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mnemo-log-gc-'));
  const config = loadConfig({
    argv: ['--http-port', '0', '--resp-port', '0', '--log-level', 'silent', '--admin-token', 'bench'],
    env: { MNEMO_DB: path.join(dir, 'mnemo.db'), ...env },
  });
  const server = await startServer(config, { announce: false });
  const engine = server.keyspace.engine;
  const streams = server.app.get(AdminStreamsService);
  const sockets = Array.from({ length: 10 }, (_, i) => ({ id: `bench-${i}`, conn: { on: () => undefined }, emit: () => true }) as unknown as ServerSocket);
  for (const socket of sockets) {
    streams.welcome(socket);
    streams.subscribe(socket, '*');
  }
  const keys = Array.from({ length: KEYS }, (_, i) => bytesFromText(`bench:key:${i}`));
  const value = bytesFromText('x'.repeat(32));
  const collections: GcEntry[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) collections.push({ start: entry.startTime, duration: entry.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const flushes: Array<[number, number]> = [];
  let flushMs = 0;
  let statsMs = 0;
  let next = 0;
  for (let window = 0; window < windows; window++) {
    for (let i = 0; i < WRITES_PER_WINDOW; i++) {
      engine.set(keys[next], value);
      next = next + 1 === KEYS ? 0 : next + 1;
    }
    const flushStart = performance.now();
    streams.flushFeeds();
    const flushEnd = performance.now();
    streams.tickStats();
    statsMs += performance.now() - flushEnd;
    flushMs += flushEnd - flushStart;
    flushes.push([flushStart, flushEnd]);
    await yieldToLoop();
  }
  await new Promise((resolve) => setTimeout(resolve, 50)); // the last entries are delivered async
  observer.disconnect();
  for (const socket of sockets) streams.forget(socket);
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  const inFlush = collections.filter((c) => flushes.some(([a, b]) => c.start >= a && c.start < b));
  const sum = (entries: GcEntry[]) => entries.reduce((total, c) => total + c.duration, 0);
  return {
    setup,
    collections: collections.length,
    'GC ms': Math.round(sum(collections)),
    'of which in the flush': `${inFlush.length} (${Math.round(sum(inFlush))} ms)`,
    'flush ms / window': (flushMs / windows).toFixed(2),
    'stats ms / window': (statsMs / windows).toFixed(2),
  };
}

async function main(): Promise<void> {
  const index = process.argv.indexOf('--windows');
  const windows = index === -1 ? 100 : Number(process.argv[index + 1]);
  const rows = [
    await measure('default persistence', { MNEMO_APPENDONLY: 'yes', MNEMO_APPENDFSYNC: 'everysec' }, windows),
    await measure('no log', { MNEMO_APPENDONLY: 'no', MNEMO_SAVE: '' }, windows),
  ];
  console.log(`\nmain-thread collections over ${windows} windows of ${WRITES_PER_WINDOW} SETs, 10 stand-in dashboards on "*"`);
  console.table(rows);
}

void main();
