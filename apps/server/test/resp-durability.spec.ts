// Replies of writes wait for the event log (appendfsync always), in order per client, without
// blocking other clients; a failed commit turns the write's reply into MISCONF; a log that
// cannot commit refuses writes (MISCONF) and keeps serving reads. Durability is a controllable
// fake here so each step is observable; persistence's own tests cover the real commit.

import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MnemoError } from '@mnemo/engine';
import type { Durability } from '../src/core/durability';
import { bulk, error, freePort, integer, nil, RawClient, simple, useRespServer } from './support/resp-support';

const MISCONF = new MnemoError(
  'MISCONF',
  'Errors writing to the event log: disk full. Writes are refused until the log works again.',
);

/** A Durability whose commits complete only when the test says so. */
class ManualDurability implements Durability {
  failure: MnemoError | null = null;
  readonly waits: Array<{ seq: number; resolve: () => void; reject: (error: unknown) => void }> = [];

  writeError(): MnemoError | null {
    return this.failure;
  }

  waitFor(seq: number): Promise<void> {
    return new Promise((resolve, reject) => this.waits.push({ seq, resolve, reject }));
  }

  /** Nothing is durable until the test commits it, so every write reply waits. */
  isDurable(): boolean {
    return false;
  }

  /** Whether replies without writes wait for the newest write too (true under real always). */
  reads = false;

  readsWait(): boolean {
    return this.reads;
  }

  /** Completes every wait for a seq ≤ upTo. */
  commit(upTo: number): void {
    for (const wait of this.waits.filter((w) => w.seq <= upTo)) wait.resolve();
    this.waits.splice(0, this.waits.length, ...this.waits.filter((w) => w.seq > upTo));
  }

  failAll(): void {
    for (const wait of this.waits.splice(0)) wait.reject(MISCONF);
  }
}

const shared = useRespServer(['--appendfsync', 'always']);
const { connect } = shared;
let durability: ManualDurability;

/** A short pause for checks that something did NOT happen (a reply held back). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

/** Waits (up to 5 s) until the server has asked for `count` durability waits: robust under load. */
async function waitsReach(count: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (durability.waits.length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} pending durability waits, saw ${durability.waits.length}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

beforeEach(() => {
  durability = new ManualDurability();
  shared.mnemo.server.keyspace.durability = durability;
});

describe('appendfsync always: replies after the commit', () => {
  it('holds a write reply until its seq is durable; later replies of that client wait behind it', async () => {
    const writer = await connect();
    writer.send('SET', 'd:k', 'v');
    await waitsReach(1);
    await settle();
    expect(writer.buffered).toBe(0);
    expect(durability.waits).toHaveLength(1);
    writer.send('GET', 'd:k');
    await settle();
    expect(writer.buffered).toBe(0);
    durability.commit(durability.waits[0].seq);
    expect(await writer.read(2)).toEqual([simple('OK'), bulk('v')]);
  });

  it('does not block other clients while a commit is pending (no serialisation)', async () => {
    const a = await connect();
    const b = await connect();
    const reader = await connect();
    a.send('INCR', 'd:n');
    b.send('INCR', 'd:n');
    await waitsReach(2);
    // Both writes ran and both wait: they can share one group commit.
    expect(durability.waits).toHaveLength(2);
    expect(await reader.command('PING')).toEqual(simple('PONG'));
    expect(a.buffered + b.buffered).toBe(0);
    durability.commit(Math.max(...durability.waits.map((w) => w.seq)));
    const replies = [...(await a.read()), ...(await b.read())].map((r) => (r as { value: number }).value).sort();
    expect(replies).toEqual([1, 2]);
  });

  it("holds another client's read of a write until that write is committed, as Redis sends replies after the fsync", async () => {
    durability.reads = true;
    const writer = await connect();
    const reader = await connect();
    writer.send('SET', 'd:seen', 'v');
    await waitsReach(1);
    reader.send('GET', 'd:seen');
    await waitsReach(2);
    await settle();
    expect(reader.buffered).toBe(0); // it read "v": that may not leave before "v" is durable
    durability.commit(Math.max(...durability.waits.map((w) => w.seq)));
    expect(await reader.read()).toEqual([bulk('v')]);
    expect(await writer.read()).toEqual([simple('OK')]);
  });

  it('replaces only the write replies of a batch with MISCONF when the commit fails', async () => {
    const client = await connect();
    await client.command('GET', 'd:none');
    durability.commit(Number.MAX_SAFE_INTEGER);
    client.write('GET d:none\r\nSET d:f 1\r\nGET d:none\r\n');
    await waitsReach(1);
    await settle();
    expect(client.buffered).toBe(0);
    durability.failAll();
    expect(await client.read(3)).toEqual([nil, error(MISCONF.toRedisText()), nil]);
  });

  it('sends an EXEC reply only after its writes are durable', async () => {
    const client = await connect();
    client.write('MULTI\r\nSET d:t 1\r\nINCR d:t\r\n');
    expect(await client.read(3)).toEqual([simple('OK'), simple('QUEUED'), simple('QUEUED')]);
    client.send('EXEC');
    await waitsReach(1);
    await settle();
    expect(client.buffered).toBe(0);
    durability.commit(Number.MAX_SAFE_INTEGER);
    expect(await client.read()).toEqual([{ type: 'array', value: [simple('OK'), integer(2)] }]);
  });
});

describe('MISCONF while the log cannot commit', () => {
  it('refuses writes with the durability error, serves reads, aborts transactions with writes', async () => {
    const client = await connect();
    durability.failure = MISCONF;
    expect(await client.command('SET', 'm:k', 'v')).toEqual(error(MISCONF.toRedisText()));
    expect(await client.command('GET', 'm:k')).toEqual(nil);
    expect(await client.command('PING')).toEqual(simple('PONG'));
    await client.command('MULTI');
    expect(await client.command('INCR', 'm:n')).toEqual(error(MISCONF.toRedisText()));
    expect(await client.command('EXEC')).toEqual(error('EXECABORT Transaction discarded because of previous errors.'));
    durability.failure = null;
    client.send('SET', 'm:k', 'v');
    await settle();
    durability.commit(Number.MAX_SAFE_INTEGER);
    expect(await client.read()).toEqual([simple('OK')]);
  });
});

describe('appendfsync always with the real event log: acknowledged writes survive a crash', () => {
  const root = path.resolve(__dirname, '../../..');
  let workDir: string;
  let bundlePath: string;

  beforeAll(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'mnemo-resp-crash-'));
    // Bundle the server the way `npm run build` does; it must sit inside the workspace so its
    // external packages resolve from node_modules.
    bundlePath = path.join(root, 'tmp', `resp-crash-test-${process.pid}`, 'server.js');
    const script = `import { bundle } from ${JSON.stringify(path.join(root, 'scripts/bundle.mjs'))}; await bundle('apps/server/src/main.ts', ${JSON.stringify(path.relative(root, bundlePath))});`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) throw new Error(`bundle failed: ${result.stderr}`);
  });

  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true });
    rmSync(path.dirname(bundlePath), { recursive: true, force: true });
  });

  async function startProcess(port: number): Promise<ChildProcess> {
    const child = spawn(
      process.execPath,
      [bundlePath, '--resp-port', String(port), '--http-port', '0', '--db', path.join(workDir, 'mnemo.db'), '--appendfsync', 'always', '--log-level', 'silent', '--admin-token', 't'],
      { cwd: root, stdio: 'ignore' },
    );
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const probe = await RawClient.connect(port);
        const pong = await probe.command('PING');
        probe.close();
        if (pong.type === 'simple') return child;
      } catch {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error('server did not start');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  it('SIGKILL after the replies: every acknowledged key is there after restart', async () => {
    const port = await freePort();
    const first = await startProcess(port);
    const client = await RawClient.connect(port);
    let input = '';
    for (let i = 0; i < 300; i++) input += `SET crash:${i} value-${i}\r\n`;
    client.write(input);
    const acks = await client.read(300, 20_000);
    expect(acks.every((reply) => reply.type === 'simple')).toBe(true);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    client.close();
    const second = await startProcess(port);
    try {
      const reader = await RawClient.connect(port);
      const keys = Array.from({ length: 300 }, (_, i) => `crash:${i}`);
      const [values] = await Promise.all([reader.command('MGET', ...keys)]);
      expect((values as { value: Array<{ value: string }> }).value.map((v) => v.value)).toEqual(keys.map((_, i) => `value-${i}`));
      reader.close();
    } finally {
      second.kill('SIGKILL');
      await new Promise((resolve) => second.once('exit', resolve));
    }
  }, 60_000);
});
