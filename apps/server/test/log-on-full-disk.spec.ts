// The server with its stdout and stderr on a full disk (/dev/full answers every write with
// ENOSPC): its logs are lost, the server is not. It keeps serving HTTP and RESP, and SIGTERM
// still stops it cleanly with the log flushed (a stream error with no listener used to end the
// process, and pino's buffered lines were then retried forever at exit).

import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bytesFromText } from '@mnemo/engine';
import { startServer } from '../src/bootstrap';
import { loadConfig } from '../src/config/load-config';
import { BUNDLE, buildServerBundle, client } from './support/crash-child';
import { freePort } from './support/free-port';

jest.setTimeout(60_000);

beforeAll(async () => {
  await buildServerBundle();
});

it('keeps serving when stdout and stderr fail with ENOSPC, and stops cleanly on SIGTERM', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mnemo-full-log-'));
  const full = openSync('/dev/full', 'w');
  const [httpPort, respPort] = [await freePort(), await freePort()];
  const db = path.join(dir, 'mnemo.db');
  const proc = spawn(process.execPath, [BUNDLE, '--db', db, '--http-port', String(httpPort), '--resp-port', String(respPort), '--admin-token', 't', '--save', ''], {
    stdio: ['ignore', full, full],
  });
  closeSync(full);
  const exited = new Promise<number | string | null>((resolve) => proc.on('exit', (code, signal) => resolve(code ?? signal)));
  try {
    // Up: /healthz answers (every log line written so far failed).
    for (let i = 0; ; i++) {
      const ok = await fetch(`http://127.0.0.1:${httpPort}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 200 || proc.exitCode !== null) throw new Error(`server did not come up (exit ${proc.exitCode})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Enough requests to fill pino's 4 KiB buffer several times and make it write, then more.
    for (let i = 0; i < 300; i++) expect((await fetch(`http://127.0.0.1:${httpPort}/v1/keys/full-${i}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"value":"v"}' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the 1 s flush timer fires too
    const redis = client(respPort);
    try {
      expect(await redis.get('full-299')).toBe('v');
      expect(await redis.set('after', 'logs-failed')).toBe('OK');
    } finally {
      redis.disconnect();
    }
    expect(proc.exitCode).toBeNull();
    proc.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(() => resolve('still running 15 s after SIGTERM'), 15_000)))]);
    clearTimeout(timer); // else the pending timer holds Jest up to 15 s after the file
    expect(code).toBe('SIGTERM'); // Nest re-raises the signal once its shutdown hooks are done (a crash exits with 1)
    // The shutdown hooks ran: the last write is in the database (everysec had not committed it yet).
    const again = await startServer(loadConfig({ argv: ['--db', db, '--http-port', '0', '--resp-port', '0', '--log-level', 'silent', '--admin-token', 't', '--save', ''] }), { announce: false });
    try {
      expect(again.keyspace.engine.get(bytesFromText('after'))).toBe('logs-failed');
      expect(again.keyspace.engine.get(bytesFromText('full-0'))).toBe('v');
    } finally {
      await again.close();
    }
  } finally {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
