// The HTTP API under random, mostly malformed requests (support/http-fuzz.ts): never a 5xx, every
// error in the documented envelope, no write from a refused request, and the server still serves
// afterwards. Longer runs: npm run bench:http-fuzz.

import { call, type HttpTestServer, startHttpServer } from './support/http-client';
import { runHttpFuzz } from './support/http-fuzz';

let server: HttpTestServer;

beforeAll(async () => {
  server = await startHttpServer(['--body-limit', '64kb']);
});

afterAll(async () => {
  await server?.close();
});

describe('HTTP API under random bad input', () => {
  it.each([1, 2])('seed %i: 1,500 requests, all answered as documented', async (seed) => {
    const run = await runHttpFuzz(server, { seed, count: 1500, bodyLimitBytes: 64 * 1024 });
    expect(run.failures).toEqual([]);
    expect(run.requests).toBe(1500);
    // Mostly refusals, some successes: the requests reach validation, not just the router.
    expect(run.statuses['4xx']).toBeGreaterThan(600);
    expect(run.statuses['2xx']).toBeGreaterThan(50);
  });

  it('the server still answers and serves a session afterwards', async () => {
    expect((await call(server, 'GET', '/healthz')).status).toBe(200);
    const created = await call(server, 'POST', '/v1/sessions', { body: { data: { user: 'after-fuzz' }, ttlMs: 60_000 } });
    expect(created.status).toBe(201);
    const read = await call(server, 'GET', `/v1/sessions/${created.body.id}`);
    expect(read.body.data).toEqual({ user: 'after-fuzz' });
  });
});
