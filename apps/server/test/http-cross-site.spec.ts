// The HTTP API against a web page in the operator's browser: a Host of another name (DNS
// rebinding) and an Origin of another site (CSRF, e.g. a form POST to /v1/sessions) are refused
// while the API listens on loopback; clients that are not browsers (no Origin) and the API's own
// pages (same origin) are served. Requests go through node:http so the Host header is ours to set.
import { request as httpRequest } from 'node:http';
import { startHttpServer, type HttpTestServer } from './support/http-client';

interface Answer {
  status: number;
  body: { error?: { code: string; field?: string; message: string } };
}

function send(server: HttpTestServer, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('requests from another site', () => {
  let s: HttpTestServer;
  let allowing: HttpTestServer;
  beforeAll(async () => {
    s = await startHttpServer();
    allowing = await startHttpServer(['--http-allowed-hosts', 'api.example.com, other.example']);
  });
  afterAll(async () => {
    await s.close();
    await allowing.close();
  });
  const own = () => new URL(s.url).host;
  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  it('refuses a Host that is not a loopback name (DNS rebinding), naming the option that allows it', async () => {
    const answer = await send(s, 'GET', '/v1/keys?count=1', { host: 'rebind.attacker.example:8080' });
    expect(answer.status).toBe(403);
    expect(answer.body.error).toMatchObject({ code: 'FORBIDDEN', field: 'headers.host' });
    expect(answer.body.error?.message).toContain('http-allowed-hosts');
    // The rate-limit fast lane refuses it the same way.
    expect((await send(s, 'POST', '/v1/ratelimit/check', { host: 'rebind.attacker.example', 'content-type': 'application/json' }, '{"key":"k","algorithm":"gcra","limit":1,"windowMs":1000}')).body.error?.field).toBe('headers.host');
    for (const host of ['localhost', `localhost:${new URL(s.url).port}`, '127.0.0.1', '127.1.2.3:80', '[::1]:8080', 'dash.localhost']) {
      expect({ host, status: (await send(s, 'GET', '/healthz', { host })).status }).toEqual({ host, status: 200 });
    }
  });

  it('answers the names listed in http-allowed-hosts', async () => {
    expect((await send(allowing, 'GET', '/healthz', { host: 'api.example.com' })).status).toBe(200);
    expect((await send(allowing, 'GET', '/healthz', { host: 'OTHER.example:443' })).status).toBe(200);
    expect((await send(allowing, 'GET', '/healthz', { host: 'third.example' })).status).toBe(403);
  });

  it('refuses a cross-site form POST (CSRF) and writes nothing; same-origin and Origin-less requests are served', async () => {
    const before = s.server.keyspace.engine.stats().keys;
    const csrf = await send(s, 'POST', '/v1/sessions', { ...form, host: own(), origin: 'https://attacker.example' }, 'userId=victim');
    expect(csrf.status).toBe(403);
    expect(csrf.body.error).toMatchObject({ code: 'FORBIDDEN', field: 'headers.origin' });
    const sandboxed = await send(s, 'POST', '/v1/ratelimit/reset', { 'content-type': 'application/json', host: own(), origin: 'null' }, '{"key":"k","algorithm":"gcra","limit":1,"windowMs":1000}');
    expect(sandboxed.body.error?.field).toBe('headers.origin');
    expect(s.server.keyspace.engine.stats().keys).toBe(before);
    expect((await send(s, 'POST', '/v1/sessions', { ...form, host: own(), origin: `http://${own()}` }, 'userId=same-origin')).status).toBe(201);
    expect((await send(s, 'POST', '/v1/sessions', { ...form, host: own() }, 'userId=no-origin')).status).toBe(201);
  });
});
