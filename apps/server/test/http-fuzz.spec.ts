// The HTTP API under random, mostly malformed requests (support/http-fuzz.ts): never a 5xx, every
// error in the documented envelope, no write from a refused request, and the server still serves
// afterwards. Longer runs: npm run bench:http-fuzz.

import { connect } from 'node:net';
import { call, type HttpTestServer, startHttpServer } from './support/http-client';
import { runHttpFuzz } from './support/http-fuzz';

let server: HttpTestServer;

beforeAll(async () => {
  server = await startHttpServer(['--body-limit', '64kb']);
});

afterAll(async () => {
  await server?.close();
});

/** Sends raw bytes; resolves with the status and the JSON body of the answer (the server closes). */
function rawRequest(text: string): Promise<{ status: number; body: { error?: { code: string; message: string; field?: string } } }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('error', () => undefined); // the server may reset after answering
    socket.on('close', () => {
      const [head, body] = answer.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head ?? '')?.[1]);
      if (!status) return reject(new Error(`no HTTP answer: ${JSON.stringify(answer)}`));
      resolve({ status, body: JSON.parse(body) });
    });
  });
}

describe('requests Node refuses before routing', () => {
  it.each([
    ['a 20 KB URL', `GET /v1/counters/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431, 'HEADERS_TOO_LARGE', 'headers'],
    ['a 20 KB header', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE', 'headers'],
    ['Content-Length: abc', 'POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 400, 'BAD_REQUEST', 'request'],
    ['Content-Length with Transfer-Encoding', 'POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, 'BAD_REQUEST', 'request'],
    ['a garbage request line', 'HELLO THERE\r\n\r\n', 400, 'BAD_REQUEST', 'request'],
    ['HTTP/1.1 without Host', 'GET /healthz HTTP/1.1\r\n\r\n', 400, 'VALIDATION_ERROR', 'headers.host'],
    ['HTTP/1.1 without Host on the fast lane', 'POST /v1/ratelimit/check HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}', 400, 'VALIDATION_ERROR', 'headers.host'],
  ])('%s: answered in the error envelope, the server serves on', async (_name, text, status, code, field) => {
    const answer = await rawRequest(text);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatchObject({ code, field });
    expect(answer.body.error?.message).toMatch(new RegExp(`^${field}: `));
    expect((await call(server, 'GET', '/healthz')).status).toBe(200);
  });
});

describe('HTTP API under random bad input', () => {
  it.each([1, 2])('seed %i: 1,500 requests, all answered as documented', async (seed) => {
    const run = await runHttpFuzz(server, { seed, count: 1500, bodyLimitBytes: 64 * 1024 });
    expect(run.failures).toEqual([]);
    expect(run.requests).toBe(1500);
    // Mostly refusals, some successes: the requests reach validation, not just the router.
    expect(run.statuses['4xx']).toBeGreaterThan(600);
    expect(run.statuses['2xx']).toBeGreaterThan(50);
    // 2-4 s alone here; under the other suites' load in CI it passed Jest's default 5 s.
  }, 30_000);

  it('the server still answers and serves a session afterwards', async () => {
    expect((await call(server, 'GET', '/healthz')).status).toBe(200);
    const created = await call(server, 'POST', '/v1/sessions', { body: { data: { user: 'after-fuzz' }, ttlMs: 60_000 } });
    expect(created.status).toBe(201);
    const read = await call(server, 'GET', `/v1/sessions/${created.body.id}`);
    expect(read.body.data).toEqual({ user: 'after-fuzz' });
  });
});
