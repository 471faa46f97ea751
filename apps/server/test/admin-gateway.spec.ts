// Admin gateway over real socket.io: authentication, CORS, and each stream (stats, keyspace with
// pattern filtering and coalescing under load, evictions, expirations, persistence history).

import { connect, Socket } from 'node:net';
import { bytesFromText } from '@mnemo/engine';
import { AdminCommand, AdminStream, ADMIN_UNAUTHORIZED } from '@mnemo/contracts';
import type { KeyspaceBatch, PersistenceEvent } from '@mnemo/contracts';
import {
  AdminTestServer,
  closeClients,
  command,
  connectAdmin,
  nextOn,
  record,
  startAdminServer,
  until,
} from './support/admin-client';
import { DEFAULT_MAX_CHANGES_PER_BATCH } from '../src/admin-gateway/keyspace-feed';
import { RespService } from '../src/resp/resp.service';

let mnemo: AdminTestServer;
const engine = () => mnemo.server.keyspace.engine;
const set = (key: string, value = 'v', expiresAt: number | null = null) =>
  engine().set(bytesFromText(key), bytesFromText(value), { expiresAt });

beforeAll(async () => {
  mnemo = await startAdminServer();
});
afterEach(() => closeClients());
afterAll(async () => {
  await mnemo.close();
});

describe('admin gateway - connection', () => {
  it('refuses a missing or wrong token with connect_error "unauthorized" and sends nothing', async () => {
    await expect(connectAdmin(mnemo.server, null)).rejects.toThrow(ADMIN_UNAUTHORIZED);
    await expect(connectAdmin(mnemo.server, 'wrong-token')).rejects.toThrow(ADMIN_UNAUTHORIZED);
    const socket = await connectAdmin(mnemo.server);
    expect(socket.connected).toBe(true);
  });

  it('allows the dashboard origins (CORS) and no others', async () => {
    const probe = (origin: string) =>
      fetch(`${mnemo.server.httpUrl}/socket.io/?EIO=4&transport=polling`, { headers: { origin } });
    const allowed = await probe('http://localhost:3999');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:3999');
    await allowed.text();
    const loopback = await probe('http://127.0.0.1:3999');
    expect(loopback.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:3999');
    await loopback.text();
    const foreign = await probe('http://evil.example:3999');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    await foreign.text();
  });
});

describe('admin gateway - stats stream', () => {
  it('sends a frame every second with ops by family, hit rate, keys and memory', async () => {
    const socket = await connectAdmin(mnemo.server);
    await nextOn(socket, AdminStream.stats); // align with the stats timer
    for (let i = 0; i < 30; i++) set(`stats:${i}`, 'x', i < 10 ? Date.now() + 60_000 : null);
    for (const key of ['stats:1', 'stats:2', 'stats:3', 'stats:missing']) engine().get(bytesFromText(key));
    const frame = await nextOn(socket, AdminStream.stats, (f) => f.hitRate !== null);
    expect(frame.hitRate).toBe(0.75);
    expect(frame.opsPerSec).toBeGreaterThan(0);
    expect(frame.opsByFamily['string']).toBeGreaterThan(0);
    expect(frame.keys).toBeGreaterThanOrEqual(30);
    expect(frame.keysWithTtl).toBeGreaterThanOrEqual(10);
    expect(frame.usedMemory).toBeGreaterThan(0);
    expect(frame.maxmemoryPolicy).toBe('noeviction');
    expect(frame.rateLimit).toEqual({ allowedPerSec: 0, deniedPerSec: 0 });
    expect(['ok', 'off', 'error']).toContain(frame.persistence.status);
    expect(frame.persistence.appendfsync).toBe('everysec');
  });

  it('counts connected RESP clients and rate-limit decisions per second', async () => {
    const socket = await connectAdmin(mnemo.server);
    const frames = record(socket, AdminStream.stats);
    const port = mnemo.server.app.get(RespService).port;
    const clients = await Promise.all(
      [1, 2].map(
        () =>
          new Promise<Socket>((resolve, reject) => {
            const client = connect(port, '127.0.0.1');
            client.once('error', reject);
            client.once('data', () => resolve(client));
            client.write('PING\r\n');
          }),
      ),
    );
    const check = () =>
      fetch(`${mnemo.server.httpUrl}/v1/ratelimit/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: 'admin-stats', algorithm: 'fixed-window', limit: 3, windowMs: 60_000 }),
      }).then((response) => response.text());
    for (let i = 0; i < 5; i++) await check();
    await until(() => frames.some((f) => f.connectedClients === 2), 3000);
    await until(() => frames.some((f) => f.rateLimit.allowedPerSec > 0) && frames.some((f) => f.rateLimit.deniedPerSec > 0), 3000);
    for (const client of clients) client.destroy();
    await until(() => frames.at(-1)?.connectedClients === 0, 3000);
  });

  it('gives a new dashboard the latest frame at once', async () => {
    const first = await connectAdmin(mnemo.server);
    await nextOn(first, AdminStream.stats);
    const started = Date.now();
    let welcome: Promise<unknown> | undefined;
    await connectAdmin(mnemo.server, undefined, (late) => {
      welcome = nextOn(late, AdminStream.stats, () => true, 500);
    });
    await expect(welcome).resolves.toMatchObject({ at: expect.any(Number) });
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe('admin gateway - keyspace stream', () => {
  it('streams writes and deletes with type, TTL and size for the subscribed pattern only', async () => {
    const socket = await connectAdmin(mnemo.server);
    const ack = await command(socket, AdminCommand.subscribeKeyspace, { pattern: 'user:*' });
    expect(ack).toEqual({ status: 'ok', pattern: 'user:*', patterns: ['user:*'] });
    const batch = nextOn(socket, AdminStream.keyspace);
    set('user:1', 'alice', Date.now() + 10_000);
    set('cart:1', 'ignored');
    const { changes, dropped } = await batch;
    expect(dropped).toBe(0);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ kind: 'set', event: 'set', key: 'user:1', type: 'string' });
    expect(changes[0].size).toBeGreaterThan(0);
    expect(changes[0].ttlMs).toBeGreaterThan(9000);
    expect(changes[0].ttlMs).toBeLessThanOrEqual(10_000);

    const removal = nextOn(socket, AdminStream.keyspace);
    engine().del([bytesFromText('user:1')]);
    expect((await removal).changes).toEqual([
      { kind: 'del', event: 'del', key: 'user:1', addressable: true, type: null, ttlMs: null, size: null, seq: expect.any(Number) },
    ]);
  });

  it('filters per dashboard and stops after unsubscribe', async () => {
    const users = await connectAdmin(mnemo.server);
    const carts = await connectAdmin(mnemo.server);
    const idle = await connectAdmin(mnemo.server);
    await command(users, AdminCommand.subscribeKeyspace, { pattern: 'user:[0-9]' });
    await command(carts, AdminCommand.subscribeKeyspace, { pattern: 'cart:*' });
    const idleBatches = record(idle, AdminStream.keyspace);
    const userBatches = record(users, AdminStream.keyspace);
    const cartBatch = nextOn(carts, AdminStream.keyspace);
    set('user:7');
    set('user:77');
    set('cart:9');
    expect((await cartBatch).changes.map((c) => c.key)).toEqual(['cart:9']);
    await until(() => userBatches.length > 0);
    expect(userBatches.flatMap((b) => b.changes.map((c) => c.key))).toEqual(['user:7']);

    expect(await command(users, AdminCommand.unsubscribeKeyspace)).toEqual({ status: 'ok', patterns: [] });
    const more = nextOn(carts, AdminStream.keyspace);
    set('user:8');
    set('cart:10');
    await more;
    expect(userBatches).toHaveLength(1);
    expect(idleBatches).toEqual([]);
  });

  it('coalesces per key and samples under load, counting every change it did not send', async () => {
    const socket = await connectAdmin(mnemo.server);
    await command(socket, AdminCommand.subscribeKeyspace, { pattern: 'load:*' });
    const batches = record(socket, AdminStream.keyspace);
    // One synchronous burst, so it all lands in one feed window: 20,000 writes to 10 hot keys
    // and 2,000 writes to distinct keys = 22,000 changes on 2,010 keys.
    for (let i = 0; i < 20_000; i++) set(`load:hot:${i % 10}`, String(i));
    for (let i = 0; i < 2000; i++) set(`load:cold:${i}`);
    await until(() => batches.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const total = batches.reduce((sum, b: KeyspaceBatch) => sum + b.changes.length + b.dropped, 0);
    expect(total).toBe(22_000);
    expect(batches).toHaveLength(1);
    expect(batches[0].changes.length).toBe(DEFAULT_MAX_CHANGES_PER_BATCH);
    const keys = new Set(batches[0].changes.map((c) => c.key));
    expect(keys.size).toBe(DEFAULT_MAX_CHANGES_PER_BATCH);
    expect([...keys].filter((key) => key.startsWith('load:hot:')).length).toBeGreaterThan(0);
  });
});

describe('admin gateway - removal and persistence streams', () => {
  it('sends expirations with the key, reason, policy and memory', async () => {
    const socket = await connectAdmin(mnemo.server);
    const feed = nextOn(socket, AdminStream.expirations, (b) => b.events.some((e) => e.key === 'ttl:short'));
    set('ttl:short', 'x', Date.now() + 20);
    const batch = await feed;
    const event = batch.events.find((e) => e.key === 'ttl:short');
    expect(event).toMatchObject({ reason: 'expired', policy: 'noeviction', maxmemory: 0 });
    expect(event?.usedMemory).toBeGreaterThanOrEqual(0);
    expect(engine().keyInfo(bytesFromText('ttl:short'))).toBeNull();
  });

  it('sends evictions after maxmemory is lowered, and they show in the keyspace stream too', async () => {
    const socket = await connectAdmin(mnemo.server);
    // LRU picks the least recently used keys, which other tests wrote: watch them all.
    await command(socket, AdminCommand.subscribeKeyspace, { pattern: '*' });
    const keyspace = record(socket, AdminStream.keyspace);
    expect(await command(socket, AdminCommand.setConfig, { name: 'maxmemory-policy', value: 'allkeys-lru' })).toMatchObject({ status: 'ok' });
    const used = engine().stats().usedMemory;
    expect(await command(socket, AdminCommand.setConfig, { name: 'maxmemory', value: String(used + 20_000) })).toMatchObject({ status: 'ok' });
    const evictions = nextOn(socket, AdminStream.evictions);
    for (let i = 0; i < 400; i++) set(`evict:${i}`, 'y'.repeat(200));
    const batch = await evictions;
    expect(batch.events.length).toBeGreaterThan(0);
    expect(batch.events[0]).toMatchObject({ reason: 'evicted', policy: 'allkeys-lru', maxmemory: used + 20_000 });
    await until(() => keyspace.some((b) => b.changes.some((c) => c.kind === 'evict')));
    await command(socket, AdminCommand.setConfig, { name: 'maxmemory', value: '0' });
    await command(socket, AdminCommand.setConfig, { name: 'maxmemory-policy', value: 'noeviction' });
  });

  it('replays the persistence history, starting with the recovery report, to a new dashboard', async () => {
    const history: PersistenceEvent[] = [];
    await connectAdmin(mnemo.server, undefined, (socket) => socket.on(AdminStream.persistence, (e: PersistenceEvent) => history.push(e)));
    await until(() => history.length > 0);
    expect(history[0]).toMatchObject({ kind: 'recovery-finished', details: { keysLoaded: 0, recordsReplayed: 0 } });
  });
});
