// Admin gateway commands over real socket.io: acks for config changes, key deletes and
// persistence triggers, and error acks for bad input that leave the server and others unharmed.

import { bytesFromText } from '@mnemo/engine';
import { AdminCommand, AdminStream } from '@mnemo/contracts';
import { AdminTestServer, closeClients, command, connectAdmin, nextOn, startAdminServer } from './support/admin-client';

let mnemo: AdminTestServer;
const engine = () => mnemo.server.keyspace.engine;

beforeAll(async () => {
  mnemo = await startAdminServer();
});
afterEach(() => closeClients());
afterAll(async () => {
  await mnemo.close();
});

describe('config:set', () => {
  it('changes maxmemory and the policy live and acks the value in effect', async () => {
    const socket = await connectAdmin(mnemo.server);
    expect(await command(socket, AdminCommand.setConfig, { name: 'maxmemory', value: '100mb' })).toEqual({
      status: 'ok',
      name: 'maxmemory',
      value: String(100 * 1024 * 1024),
    });
    expect(await command(socket, AdminCommand.setConfig, { name: 'MAXMEMORY-POLICY', value: 'allkeys-lfu' })).toEqual({
      status: 'ok',
      name: 'maxmemory-policy',
      value: 'allkeys-lfu',
    });
    const stats = engine().stats();
    expect([stats.maxmemory, stats.maxmemoryPolicy]).toEqual([100 * 1024 * 1024, 'allkeys-lfu']);
    const frame = await nextOn(socket, AdminStream.stats, (f) => f.maxmemoryPolicy === 'allkeys-lfu');
    expect(frame.maxmemory).toBe(100 * 1024 * 1024);
    await command(socket, AdminCommand.setConfig, { name: 'maxmemory', value: '0' });
    await command(socket, AdminCommand.setConfig, { name: 'maxmemory-policy', value: 'noeviction' });
  });

  it('refuses absurd values with an error naming the option, and changes nothing', async () => {
    const socket = await connectAdmin(mnemo.server);
    const cases: Array<[string, string]> = [
      ['maxmemory', 'lots'],
      ['maxmemory', '-5'],
      ['maxmemory', '99999999999999999999gb'],
      ['maxmemory-policy', 'yolo'],
      ['maxmemory-samples', '0'],
      ['appendfsync', 'sometimes'],
    ];
    for (const [name, value] of cases) {
      const ack = await command(socket, AdminCommand.setConfig, { name, value });
      expect(ack).toMatchObject({ status: 'error', error: { code: 'INVALID_VALUE', field: name } });
    }
    expect(engine().stats()).toMatchObject({ maxmemory: 0, maxmemoryPolicy: 'noeviction' });
  });

  it('refuses options that cannot change live', async () => {
    const socket = await connectAdmin(mnemo.server);
    for (const name of ['requirepass', 'admin-token', 'http-port', 'no-such-option']) {
      expect(await command(socket, AdminCommand.setConfig, { name, value: 'x' })).toMatchObject({
        status: 'error',
        error: { code: 'UNKNOWN_OPTION', field: 'name' },
      });
    }
  });
});

describe('key:delete', () => {
  it('deletes a key (UTF-8 name) and acks how many were deleted', async () => {
    const socket = await connectAdmin(mnemo.server);
    engine().set(bytesFromText('clé:1'), bytesFromText('v'));
    expect(await command(socket, AdminCommand.deleteKey, { key: 'clé:1' })).toEqual({ status: 'ok', deleted: 1 });
    expect(engine().keyInfo(bytesFromText('clé:1'))).toBeNull();
    expect(await command(socket, AdminCommand.deleteKey, { key: 'clé:1' })).toEqual({ status: 'ok', deleted: 0 });
  });
});

describe('persistence:bgsave and persistence:rewrite', () => {
  it('start a snapshot and a log rewrite, whose progress comes on the persistence stream', async () => {
    const socket = await connectAdmin(mnemo.server);
    for (let i = 0; i < 100; i++) engine().set(bytesFromText(`persisted:${i}`), bytesFromText('v'));
    const snapshotDone = nextOn(socket, AdminStream.persistence, (e) => e.kind === 'snapshot-finished', 10_000);
    const started = nextOn(socket, AdminStream.persistence, (e) => e.kind === 'snapshot-started');
    expect(await command(socket, AdminCommand.bgsave)).toEqual({ status: 'ok', message: expect.stringMatching(/background saving started/i) });
    expect((await started).details).toEqual({ kind: 'bgsave' });
    const finished = await snapshotDone;
    expect(finished.details).toMatchObject({ kind: 'bgsave', keys: expect.any(Number), bytes: expect.any(Number) });
    expect(Number(finished.details?.['keys'])).toBeGreaterThanOrEqual(100);

    const rewriteDone = nextOn(socket, AdminStream.persistence, (e) => e.kind === 'rewrite-finished', 10_000);
    expect(await command(socket, AdminCommand.rewrite)).toMatchObject({ status: 'ok', message: expect.any(String) });
    expect((await rewriteDone).details).toMatchObject({ kind: 'rewrite' });
    const frame = await nextOn(socket, AdminStream.stats);
    expect(frame.persistence).toMatchObject({ status: 'ok', appendfsync: 'everysec', bgsaveInProgress: false, lastError: null });
  });
});

describe('bad input', () => {
  it('answers malformed payloads with INVALID_PAYLOAD naming the field', async () => {
    const socket = await connectAdmin(mnemo.server);
    const invalid = (field?: string) => ({
      status: 'error',
      error: field === undefined ? { code: 'INVALID_PAYLOAD', message: expect.any(String) } : { code: 'INVALID_PAYLOAD', message: expect.any(String), field },
    });
    expect(await command(socket, AdminCommand.deleteKey, 'just-a-string')).toEqual(invalid());
    expect(await command(socket, AdminCommand.deleteKey, null)).toEqual(invalid());
    expect(await command(socket, AdminCommand.deleteKey, [1, 2])).toEqual(invalid());
    expect(await command(socket, AdminCommand.deleteKey, { key: 42 })).toEqual(invalid('key'));
    expect(await command(socket, AdminCommand.deleteKey, { key: '' })).toEqual(invalid('key'));
    expect(await command(socket, AdminCommand.deleteKey)).toEqual(invalid());
    expect(await command(socket, AdminCommand.setConfig, { name: 5, value: '1' })).toEqual(invalid('name'));
    expect(await command(socket, AdminCommand.setConfig, { name: 'maxmemory', value: 1 })).toEqual(invalid('value'));
    expect(await command(socket, AdminCommand.subscribeKeyspace, { pattern: ['*'] })).toEqual(invalid('pattern'));
    expect(await command(socket, AdminCommand.subscribeKeyspace, { pattern: 'x'.repeat(2000) })).toEqual(invalid('pattern'));
    expect(await command(socket, AdminCommand.unsubscribeKeyspace, { pattern: 7 })).toEqual(invalid('pattern'));
  });

  it('answers unknown commands with UNKNOWN_COMMAND and ignores those sent without an ack', async () => {
    const socket = await connectAdmin(mnemo.server);
    socket.emit('flushall-please', { now: true });
    expect(await command(socket, 'flushall-please', {})).toEqual({
      status: 'error',
      error: { code: 'UNKNOWN_COMMAND', message: "unknown command 'flushall-please'" },
    });
    expect(socket.connected).toBe(true);
  });

  it('keeps other dashboards streaming while one sends garbage or an oversized message', async () => {
    const bystander = await connectAdmin(mnemo.server);
    const vandal = await connectAdmin(mnemo.server);
    const disconnected = new Promise((resolve) => vandal.once('disconnect', resolve));
    for (let i = 0; i < 50; i++) vandal.emit(AdminCommand.setConfig, { name: 'maxmemory', value: 'x'.repeat(i) });
    vandal.emit(AdminCommand.deleteKey, { key: 'k'.repeat(200 * 1024) });
    await disconnected;
    await nextOn(bystander, AdminStream.stats);
    expect(bystander.connected).toBe(true);
    expect(await command(bystander, AdminCommand.deleteKey, { key: 'nothing' })).toEqual({ status: 'ok', deleted: 0 });
  });
});
