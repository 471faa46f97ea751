// A client that sends its request slowly (a body one byte a second, or headers that never end)
// is answered 408 once http-request-timeout has passed, and its connection closed; other
// requests are served meanwhile. Raw sockets, so the request can be sent piece by piece.
import { connect, type Socket } from 'node:net';
import { startHttpServer, type HttpTestServer } from './support/http-client';

/** Sends `head`, then a byte every 200 ms; resolves with what came back and when the socket closed. */
function dribble(server: HttpTestServer, head: string): Promise<{ reply: string; closedAfterMs: number }> {
  const url = new URL(server.url);
  return new Promise((resolve) => {
    const socket: Socket = connect(Number(url.port), url.hostname);
    const started = Date.now();
    let reply = '';
    socket.write(head);
    const timer = setInterval(() => {
      if (!socket.destroyed) socket.write(' ');
    }, 200);
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ reply, closedAfterMs: Date.now() - started });
    });
  });
}

describe('http-request-timeout', () => {
  let s: HttpTestServer;
  beforeAll(async () => {
    s = await startHttpServer(['--http-request-timeout', '1500']);
  });
  afterAll(async () => {
    await s.close();
  });

  it('answers a body sent one byte at a time 408 with the error envelope, and closes the connection', async () => {
    const slow = dribble(s, 'POST /v1/counters/slow/incr HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    // Served meanwhile.
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    const { reply, closedAfterMs } = await slow;
    expect(reply).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4))).toEqual({
      error: { code: 'REQUEST_TIMEOUT', field: 'request', message: 'request: the request was not received in time' },
    });
    expect(closedAfterMs).toBeGreaterThanOrEqual(1400);
    expect(closedAfterMs).toBeLessThan(6000);
    expect(s.server.keyspace.engine.get('slow')).toBeNull(); // nothing of it ran
  });

  it('closes a connection whose headers never end', async () => {
    const { reply, closedAfterMs } = await dribble(s, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a');
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfterMs).toBeLessThan(6000);
  });
});
