// The documented nginx recipe (docs/examples/nginx-ratelimit.conf) in a real nginx in front of a
// real Mnemo and a small backend: 200s carry RateLimit and RateLimit-Policy, the denial is a 429
// with Retry-After, a client's own bearer token does not reach Mnemo, and a 403 that is not a
// denial (a wrong Mnemo API key) is not passed off as a 429.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './support/free-port';
import { startHttpServer, type HttpTestServer } from './support/http-client';
import { stopChild } from './support/stop-child';

const EXAMPLE = path.join(__dirname, '../../../docs/examples/nginx-ratelimit.conf');
const NGINX = '/usr/sbin/nginx';

interface Gateway {
  url: string;
  stop(): Promise<void>;
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}: ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port}: ${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** nginx with the example's locations, Mnemo at `mnemoUrl` in place of 127.0.0.1:8080. */
async function startGateway(mnemoUrl: string, backendPort: number, edit: (conf: string) => string = (conf) => conf): Promise<Gateway> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mnemo-nginx-'));
  chmodSync(dir, 0o755); // nginx's workers run as another user when the master is root
  const port = await freePort();
  const locations = edit(readFileSync(EXAMPLE, 'utf8').replaceAll('http://127.0.0.1:8080', mnemoUrl));
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `${name}_temp_path ${dir}/${name};`).join(' ');
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    `pid ${dir}/nginx.pid; error_log ${dir}/error.log warn; events { worker_connections 64; }
http { access_log off; ${temp}
  upstream backend { server 127.0.0.1:${backendPort}; }
  server { listen 127.0.0.1:${port};
${locations}
  }
}
`,
  );
  const errorLog = path.join(dir, 'error.log');
  const child = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', errorLog, '-g', 'daemon off; worker_processes 1;'], { stdio: 'ignore' });
  const log = () => {
    try {
      return readFileSync(errorLog, 'utf8');
    } catch {
      return '(no error log)';
    }
  };
  await waitForPort(port, child, log);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => stopChild(child, dir),
  };
}

describe('the nginx auth_request recipe (docs/examples/nginx-ratelimit.conf)', () => {
  let mnemo: HttpTestServer;
  let backend: Server;
  let backendPort: number;
  const seenByBackend: string[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mnemo-http-nginx-'));
    const policies = path.join(dir, 'policies.json');
    writeFileSync(policies, JSON.stringify({ policies: [{ name: 'api', algorithm: 'fixed-window', limit: 2, windowMs: 60_000 }] }));
    mnemo = await startHttpServer(['--ratelimit-policies', policies, '--api-keys', 'gateway-key'], dir);
    backend = createServer((request, response) => {
      seenByBackend.push(request.url ?? '');
      response.setHeader('content-type', 'text/plain');
      response.end('from the backend\n');
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    backendPort = (backend.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => backend.close(resolve));
    await mnemo.close();
  });

  it('passes two requests with the RateLimit headers, then answers 429 with Retry-After', async () => {
    const withKey = (conf: string) => conf.replace('# proxy_set_header X-API-Key "your-mnemo-api-key";', 'proxy_set_header X-API-Key "gateway-key";');
    const gateway = await startGateway(mnemo.url, backendPort, withKey);
    try {
      // The client's own bearer token is its business with the backend, not a Mnemo key.
      const send = () => fetch(`${gateway.url}/api/orders`, { headers: { authorization: 'Bearer client-session-token' } });
      for (const remaining of [1, 0]) {
        const passed = await send();
        expect({ status: passed.status, body: await passed.text() }).toEqual({ status: 200, body: 'from the backend\n' });
        expect(passed.headers.get('ratelimit-policy')).toBe('"api";q=2;w=60');
        expect(passed.headers.get('ratelimit')).toMatch(new RegExp(`^"api";r=${remaining};t=\\d+$`));
      }
      const denied = await send();
      expect(denied.status).toBe(429);
      expect(denied.headers.get('content-type')).toBe('application/json');
      expect(await denied.json()).toEqual({ error: { code: 'RATE_LIMITED', message: 'too many requests' } });
      expect(Number(denied.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(denied.headers.get('ratelimit')).toMatch(/^"api";r=0;t=\d+$/);
      expect(denied.headers.get('ratelimit-policy')).toBe('"api";q=2;w=60');
      expect(seenByBackend).toEqual(['/api/orders', '/api/orders']);
    } finally {
      await gateway.stop();
    }
  });

  it('does not turn a refused Mnemo key into a 429', async () => {
    const wrongKey = (conf: string) => conf.replace('# proxy_set_header X-API-Key "your-mnemo-api-key";', 'proxy_set_header X-API-Key "not-the-key";');
    const gateway = await startGateway(mnemo.url, backendPort, wrongKey);
    try {
      const answer = await fetch(`${gateway.url}/api/other`);
      expect(answer.status).toBe(500);
      expect(answer.headers.get('retry-after')).toBeNull();
    } finally {
      await gateway.stop();
    }
  });
});
