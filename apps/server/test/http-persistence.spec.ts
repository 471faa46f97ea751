// Sessions, rate-limit state and counters written over HTTP survive a restart with persistence
// on (the default: appendonly yes), and the admin persistence actions work against it.

import Redis from 'ioredis';
import { RespService } from '../src/resp/resp.service';
import { ADMIN_TOKEN, call, HttpTestServer, startHttpServer } from './support/http-client';

describe('restart with persistence on', () => {
  it.each(['always', 'everysec'])('appendfsync %s: sessions, limits and counters come back', async (fsync) => {
    const flags = ['--appendonly', 'yes', '--appendfsync', fsync];
    let server: HttpTestServer | undefined = await startHttpServer(flags);
    const dir = server.dir;
    try {
      const created = await call(server, 'POST', '/v1/sessions', { body: { data: { cart: [1, 2] }, userId: 'restart-user', ttlMs: 600_000 } });
      expect(created.status).toBe(201);
      const updated = await call(server, 'PATCH', `/v1/sessions/${created.body.id}`, { body: { data: { step: 2 }, expectedVersion: 1 } });
      expect(updated.body.version).toBe(2);
      const limit = { key: 'restart', algorithm: 'fixed-window', limit: 2, windowMs: 600_000 };
      await call(server, 'POST', '/v1/ratelimit/check', { body: limit });
      await call(server, 'POST', '/v1/counters/restart/incr', { body: { by: 7 } });
      // A clean shutdown flushes the log whatever the fsync policy.
      await server.close({ keepDir: true });
      server = undefined;

      server = await startHttpServer(flags, dir);
      const again = await call(server, 'GET', `/v1/sessions/${created.body.id}`);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: created.body.id, data: { cart: [1, 2], step: 2 }, version: 2, userId: 'restart-user', expiresAt: updated.body.expiresAt });
      expect((await call(server, 'GET', '/v1/sessions?userId=restart-user')).body.sessions).toHaveLength(1);
      // The limit's state came back: one unit left, then denied.
      expect((await call(server, 'POST', '/v1/ratelimit/check', { body: limit })).body).toMatchObject({ allowed: true, remaining: 0 });
      expect((await call(server, 'POST', '/v1/ratelimit/check', { body: limit })).body.allowed).toBe(false);
      expect((await call(server, 'GET', '/v1/counters/restart')).body.value).toBe(7);
    } finally {
      await server?.close();
    }
  });

  it('admin save, bgsave and rewrite succeed, and a flushed keyspace stays flushed', async () => {
    let server: HttpTestServer | undefined = await startHttpServer(['--appendonly', 'yes']);
    const dir = server.dir;
    try {
      await call(server, 'PUT', '/v1/keys/snap', { body: { value: 'shot' } });
      expect((await call(server, 'POST', '/v1/admin/save', { token: ADMIN_TOKEN })).status).toBe(200);
      expect([202, 409]).toContain((await call(server, 'POST', '/v1/admin/bgsave', { token: ADMIN_TOKEN })).status);
      const info = await call(server, 'GET', '/v1/admin/info', { token: ADMIN_TOKEN });
      expect(info.body.persistence.aof_enabled).toBe(1);
      // Persistence-owned parameters go through the same config routes.
      expect((await call(server, 'PUT', '/v1/admin/config/appendfsync', { body: { value: 'always' }, token: ADMIN_TOKEN })).body).toEqual({ appendfsync: 'always' });
      expect((await call(server, 'GET', '/v1/admin/config?pattern=appendfsync', { token: ADMIN_TOKEN })).body).toEqual({ appendfsync: 'always' });
      expect((await call(server, 'PUT', '/v1/admin/config/save', { body: { value: '900 1' }, token: ADMIN_TOKEN })).status).toBe(200);
      expect((await call(server, 'PUT', '/v1/admin/config/appendfsync', { body: { value: 'sometimes' }, token: ADMIN_TOKEN })).status).toBe(400);
      await call(server, 'POST', '/v1/admin/flush', { body: { confirm: 'FLUSHALL' }, token: ADMIN_TOKEN });
      await server.close({ keepDir: true });
      server = undefined;
      server = await startHttpServer(['--appendonly', 'yes'], dir);
      expect((await call(server, 'GET', '/v1/keys/snap')).status).toBe(404);
    } finally {
      await server?.close();
    }
  });

  it('answers a snapshot asked for while one runs with 409 SNAPSHOT_RUNNING, runs a BGSAVE SCHEDULE after a rewrite, and a rewrite after a BGSAVE', async () => {
    const server = await startHttpServer(['--appendonly', 'yes']);
    try {
      // Enough keys that a background save takes many event-loop turns.
      const engine = server.server.keyspace.engine;
      for (let i = 0; i < 300_000; i += 10_000) engine.execute(['MSET', ...Array.from({ length: 10_000 }, (_, j) => [`bulk:${i + j}`, 'v']).flat()]);
      const admin = (action: string) => call(server, 'POST', `/v1/admin/${action}`, { token: ADMIN_TOKEN });
      const persistenceInfo = async () => (await call(server, 'GET', '/v1/admin/info', { token: ADMIN_TOKEN })).body.persistence;
      const savesBefore = (await persistenceInfo()).rdb_saves;
      // During a rewrite: no snapshot of either kind, but BGSAVE SCHEDULE (over RESP) runs one after it.
      expect(await admin('rewrite')).toMatchObject({ status: 202, body: { status: 'Background append only file rewriting started' } });
      expect((await admin('bgsave')).body.error).toEqual({
        code: 'SNAPSHOT_RUNNING',
        message: "Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
      });
      expect((await admin('save')).body.error).toEqual({ code: 'SNAPSHOT_RUNNING', message: "Background append only file rewriting in progress: can't save right now, try again when it is done" });
      expect((await admin('rewrite')).body.error.message).toBe('Background append only file rewriting already in progress');
      const redis = new Redis({ host: '127.0.0.1', port: server.server.app.get(RespService).port, lazyConnect: true });
      await redis.connect();
      expect(await redis.call('BGSAVE', 'SCHEDULE')).toBe('Background saving scheduled');
      redis.disconnect();
      for (let waited = 0; ; waited += 50) {
        const info = await persistenceInfo();
        if (info.rdb_bgsave_in_progress === 0 && info.rdb_saves === savesBefore + 1) break;
        if (waited > 30_000) throw new Error(`the rewrite and the scheduled BGSAVE did not both finish: ${JSON.stringify(info)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect((await persistenceInfo()).aof_rewrites).toBe(1);
      // During a BGSAVE: another one is refused, a rewrite is scheduled after it.
      expect((await admin('bgsave')).status).toBe(202);
      const again = await admin('bgsave');
      expect(again.status).toBe(409);
      expect(again.body.error).toEqual({ code: 'SNAPSHOT_RUNNING', message: 'Background save already in progress' });
      expect(await admin('rewrite')).toMatchObject({ status: 202, body: { status: 'Background append only file rewriting scheduled' } });
    } finally {
      await server.close();
    }
  }, 60_000);
});
