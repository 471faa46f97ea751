// /v1/sessions against a model: seeded random sequences of create (with and without users and
// per-creation maxima), read, replace, merge-patch (RFC 7386), touch, destroy, list and
// log-out-everywhere, some with stale expectedVersion values, over real HTTP. Every answer must
// be what a plain in-memory model of the documented behaviour says (status, data, version,
// userId, the user's sessions oldest first). TTLs are long: nothing expires during a run.

import { seededRandom } from '@mnemo/engine';
import { call, type HttpTestServer, startHttpServer } from './support/http-client';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface ModelSession {
  id: string;
  userId: string | null;
  data: JsonObject;
  version: number;
}

/** RFC 7386: null deletes, objects merge recursively, anything else replaces. */
function mergePatch(target: Json, patch: Json): Json {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result: JsonObject = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key] ?? null, value);
  }
  return result;
}

const DEFAULT_MAX_PER_USER = 3;

let server: HttpTestServer;

beforeAll(async () => {
  server = await startHttpServer(['--sessions-max-per-user', String(DEFAULT_MAX_PER_USER)]);
});

afterAll(async () => {
  await server?.close();
});

/** Small random JSON: objects with a few keys from a small set, so patches overlap and delete. */
function randomJson(rnd: () => number, depth: number): Json {
  const r = rnd();
  if (r < 0.15) return null;
  if (r < 0.35) return Math.floor(rnd() * 100);
  if (r < 0.5) return ['x', 'y', ''][Math.floor(rnd() * 3)];
  if (r < 0.6) return [1, 'a', null];
  if (depth <= 0) return true;
  return randomObject(rnd, depth - 1);
}

function randomObject(rnd: () => number, depth: number): JsonObject {
  const out: JsonObject = {};
  for (let i = Math.floor(rnd() * 4); i > 0; i--) out[['a', 'b', 'c', 'd'][Math.floor(rnd() * 4)]] = randomJson(rnd, depth);
  return out;
}

async function runModel(seed: number, steps: number): Promise<{ operations: Record<string, number> }> {
  const rnd = seededRandom(seed);
  // Users of their own per seed: the seeds share one server.
  const USERS = ['ann', 'ben', 'cid'].map((name) => `${name}-${seed}`);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
  const sessions = new Map<string, ModelSession>();
  const gone: string[] = [];
  const operations: Record<string, number> = {};
  const userSessions = (userId: string): ModelSession[] => [...sessions.values()].filter((s) => s.userId === userId);
  const someId = (): string | null => {
    const live = [...sessions.keys()];
    if (live.length > 0 && rnd() < 0.85) return pick(live);
    return gone.length > 0 ? pick(gone) : null;
  };
  const destroy = (id: string): void => {
    sessions.delete(id);
    gone.push(id);
  };

  for (let step = 0; step < steps; step++) {
    const r = rnd();
    const where = `seed ${seed} step ${step}`;
    if (r < 0.25 || sessions.size === 0) {
      operations.create = (operations.create ?? 0) + 1;
      const userId = rnd() < 0.8 ? pick(USERS) : null;
      const maxPerUser = userId !== null && rnd() < 0.2 ? 1 + Math.floor(rnd() * 3) : undefined;
      const data = randomObject(rnd, 2);
      const body: Record<string, unknown> = { data, ttlMs: 3_600_000 };
      if (userId !== null) body.userId = userId;
      if (maxPerUser !== undefined) body.maxPerUser = maxPerUser;
      const created = await call(server, 'POST', '/v1/sessions', { body });
      expect({ where, status: created.status, version: created.body.version, userId: created.body.userId ?? null }).toEqual({ where, status: 201, version: 1, userId });
      sessions.set(created.body.id, { id: created.body.id, userId, data, version: 1 });
      if (userId !== null) {
        const owned = userSessions(userId);
        const limit = maxPerUser ?? DEFAULT_MAX_PER_USER;
        for (const old of owned.slice(0, Math.max(0, owned.length - limit))) destroy(old.id);
      }
      continue;
    }
    const id = someId();
    if (id === null) continue;
    const model = sessions.get(id);
    if (r < 0.4) {
      operations.get = (operations.get ?? 0) + 1;
      const read = await call(server, 'GET', `/v1/sessions/${id}`);
      if (model === undefined) expect({ where, status: read.status }).toEqual({ where, status: 404 });
      else expect({ where, status: read.status, data: read.body.data, version: read.body.version }).toEqual({ where, status: 200, data: model.data, version: model.version });
    } else if (r < 0.6) {
      const patch = rnd() < 0.5;
      operations[patch ? 'patch' : 'put'] = (operations[patch ? 'patch' : 'put'] ?? 0) + 1;
      const data = randomObject(rnd, 2);
      const stale = model !== undefined && rnd() < 0.25;
      const body: Record<string, unknown> = { data };
      if (model !== undefined && rnd() < 0.5) body.expectedVersion = stale ? model.version + 1 : model.version;
      const answer = await call(server, patch ? 'PATCH' : 'PUT', `/v1/sessions/${id}`, { body });
      if (model === undefined) {
        expect({ where, status: answer.status }).toEqual({ where, status: 404 });
      } else if (stale && body.expectedVersion !== undefined) {
        expect({ where, status: answer.status, code: answer.body.error.code }).toEqual({ where, status: 409, code: 'VERSION_CONFLICT' });
      } else {
        model.data = patch ? (mergePatch(model.data, data) as JsonObject) : data;
        model.version++;
        expect({ where, status: answer.status, data: answer.body.data, version: answer.body.version }).toEqual({ where, status: 200, data: model.data, version: model.version });
      }
    } else if (r < 0.68) {
      operations.touch = (operations.touch ?? 0) + 1;
      const touched = await call(server, 'POST', `/v1/sessions/${id}/touch`, { body: {} });
      expect({ where, status: touched.status }).toEqual({ where, status: model === undefined ? 404 : 200 });
    } else if (r < 0.78) {
      operations.delete = (operations.delete ?? 0) + 1;
      const deleted = await call(server, 'DELETE', `/v1/sessions/${id}`);
      expect({ where, status: deleted.status }).toEqual({ where, status: model === undefined ? 404 : 204 });
      if (model !== undefined) destroy(id);
    } else if (r < 0.95) {
      operations.list = (operations.list ?? 0) + 1;
      const userId = pick(USERS);
      const list = await call(server, 'GET', `/v1/sessions?userId=${userId}`);
      const ids = list.body.sessions.map((s: { id: string }) => s.id);
      expect({ where, ids }).toEqual({ where, ids: userSessions(userId).map((s) => s.id) });
    } else {
      operations.logoutEverywhere = (operations.logoutEverywhere ?? 0) + 1;
      const userId = pick(USERS);
      const owned = userSessions(userId);
      const answer = await call(server, 'DELETE', `/v1/sessions?userId=${userId}`);
      expect({ where, body: answer.body }).toEqual({ where, body: { destroyed: owned.length } });
      for (const s of owned) destroy(s.id);
    }
  }
  return { operations };
}

describe('/v1/sessions against a model of its documented behaviour', () => {
  it.each([1, 2, 3])('seed %i: 400 random operations', async (seed) => {
    const { operations } = await runModel(seed, 400);
    // Every kind of operation ran.
    for (const name of ['create', 'get', 'put', 'patch', 'touch', 'delete', 'list', 'logoutEverywhere']) expect(operations[name] ?? 0).toBeGreaterThan(0);
  });
});
