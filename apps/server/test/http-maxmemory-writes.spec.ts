// HTTP writes of several engine commands under maxmemory (a session create: HSET, PEXPIREAT and
// the user index's HSET; a rate-limit batch: one state per check). Each is one compound write
// (libs/engine/src/compound-write.ts): it is refused whole with 507 or applied whole, never half,
// and eviction never takes a key it has just written.

import { call, HttpTestServer, startHttpServer } from './support/http-client';

let s: HttpTestServer;

beforeAll(async () => {
  s = await startHttpServer([]);
});
afterAll(() => s.close());

const engine = () => s.server.keyspace.engine;

function limitMemory(policy: string, headroom: number): void {
  engine().configSet('maxmemory', '0');
  engine().configSet('maxmemory-policy', policy);
  engine().configSet('maxmemory', String(engine().stats().usedMemory + headroom));
}

afterEach(() => {
  engine().configSet('maxmemory', '0');
  engine().execute(['FLUSHALL']);
});

describe('under noeviction, for every headroom from none to enough', () => {
  it('a session create is 201 with the session and its index entry, or 507 with nothing written', async () => {
    let refused = 0;
    for (let headroom = 0; headroom <= 1200; headroom += 40) {
      const userId = `u${headroom}`;
      limitMemory('noeviction', headroom);
      const keysBefore = engine().stats().keys;
      const created = await call(s, 'POST', '/v1/sessions', { body: { userId, data: { cart: headroom } } });
      if (created.status === 507) {
        refused++;
        expect(engine().stats().keys).toBe(keysBefore);
        continue;
      }
      expect(created.status).toBe(201);
      engine().configSet('maxmemory', '0');
      expect((await call(s, 'GET', `/v1/sessions/${created.body.id}`)).status).toBe(200);
      expect((await call(s, 'GET', `/v1/sessions?userId=${userId}`)).body.sessions.map((x: { id: string }) => x.id)).toEqual([created.body.id]);
    }
    expect(refused).toBeGreaterThan(0);
  });

  it('a create with maxPerUser does not destroy the old sessions when it is refused', async () => {
    const old = [];
    for (let i = 0; i < 3; i++) old.push((await call(s, 'POST', '/v1/sessions', { body: { userId: 'mallory', data: { i } } })).body.id);
    limitMemory('noeviction', -2000); // memory over the limit already: Redis refuses every write that may grow it
    const created = await call(s, 'POST', '/v1/sessions', { body: { userId: 'mallory', maxPerUser: 2, data: { n: 4 } } });
    engine().configSet('maxmemory', '0');
    const listed = (await call(s, 'GET', '/v1/sessions?userId=mallory')).body.sessions.map((x: { id: string }) => x.id);
    if (created.status === 507) {
      expect(listed).toEqual(old);
    } else {
      // Deleting the oldest is the create's first change: from there it is not refused halfway.
      expect(created.status).toBe(201);
      expect(listed).toEqual([old[2], created.body.id]);
    }
  });

  it('a rate-limit batch is 200 with every state written, or 507 with none', async () => {
    let refused = 0;
    for (let headroom = 0; headroom <= 600; headroom += 20) {
      limitMemory('noeviction', headroom);
      const checks = [1, 2, 3].map((i) => ({ key: `b${headroom}:${i}`, algorithm: 'fixed-window', limit: 10, windowMs: 60_000 }));
      const batch = await call(s, 'POST', '/v1/ratelimit/batch', { body: { checks } });
      const written = engine().scan('0', { match: `*b${headroom}:*`, count: 1000 }).keys.length;
      if (batch.status === 507) {
        refused++;
        expect(written).toBe(0);
      } else {
        expect(batch.status).toBe(200);
        expect(written).toBe(3);
      }
    }
    expect(refused).toBeGreaterThan(0);
  });
});

describe.each(['volatile-ttl', 'allkeys-random', 'allkeys-lfu'])('under %s', (policy) => {
  it('creating sessions with a user never evicts the session being created (no 500)', async () => {
    for (let i = 0; i < 20; i++) engine().set(`filler:${i}`, 'f'.repeat(500), { expiresAt: Date.now() + 3_600_000 });
    // The new session has the shortest TTL (volatile-ttl's first pick); every headroom around its
    // size, so that its index entry must evict something.
    for (let headroom = 1500; headroom < 2600; headroom += 10) {
      limitMemory(policy, headroom);
      const created = await call(s, 'POST', '/v1/sessions', { body: { userId: `victim${headroom}`, ttlMs: 600_000 - headroom, data: { blob: 'z'.repeat(1500) } } });
      engine().configSet('maxmemory', '0');
      expect(created.status).toBe(201);
      expect(engine().keyInfo(`session:${created.body.id}`)).not.toBeNull();
    }
  });
});
