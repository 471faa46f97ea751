// Same-origin proxy from the browser to the Mnemo HTTP API: /api/mnemo/v1/keys → <server>/v1/keys.
// A route handler rather than a next.config rewrite because rewrites are frozen into the build
// (routes-manifest.json) and MNEMO_SERVER_URL must be read when `next start` runs.
//
// Design note: who may use it. The server refuses cross-site writes and rebinding hosts by their
// Origin and Host headers (docs/http-api.md, Auth), which a proxy replaces with its own; and its
// data routes are open when no api-keys are set. So the proxy serves only the signed-in
// dashboard, and adds its own checks before passing anything on:
//   - the token cookie must be there (401 otherwise), and it is the credential sent upstream
//     (the caller's Authorization and X-Api-Key are dropped). The cookie is SameSite=strict, so
//     another site's page, or a rebinding host (another cookie jar), has none;
//   - the request must come from the dashboard's own pages (403 otherwise): Sec-Fetch-Site
//     same-origin (or none, typed in the address bar) when the browser sends it (every current
//     browser does), else an Origin, when there is one, of this very host. Another port of the
//     same host is "same-site" and gets the cookie, so SameSite alone is not enough.
import { NextRequest } from 'next/server';
import { serverUrl } from '../../../lib/server-env';
import { TOKEN_COOKIE } from '../../../lib/session';

export const dynamic = 'force-dynamic';

/** Request headers passed on; cookies, credentials and the rest stay with Next. */
const FORWARDED_REQUEST = ['content-type', 'accept', 'if-match', 'if-none-match'];
/** Response headers passed back (rate-limit headers included). */
const FORWARDED_RESPONSE = ['content-type', 'retry-after', 'ratelimit', 'ratelimit-policy', 'cache-control'];

/**
 * Bodies the proxy passes on, at most: the dashboard sends small JSON, and the server's own
 * body-limit (1mb by default) refuses more. Before this cap any request, signed in or not, was
 * read whole into memory first (a 300 MB POST took the dashboard's server to 1.2 GB).
 */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

function tooLarge(): Response {
  return Response.json({ error: { code: 'PAYLOAD_TOO_LARGE', message: `body: larger than the dashboard proxy's ${MAX_BODY_BYTES} bytes`, field: 'body' } }, { status: 413 });
}

/** The request's body, or null once it passes MAX_BODY_BYTES (the rest is not read). */
async function cappedBody(request: NextRequest): Promise<ArrayBuffer | null> {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      size += read.value.length;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel();
        return null;
      }
      chunks.push(read.value);
    }
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body.buffer;
}

function refused(status: 401 | 403, field: string, message: string): Response {
  return Response.json({ error: { code: status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', message: `${field}: ${message}`, field } }, { status });
}

/** Why the request may not use the proxy (see the design note), or null. */
function refusal(request: NextRequest): Response | null {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') {
    return refused(403, 'headers.sec-fetch-site', `the dashboard's proxy serves the dashboard's own pages, not ${site} requests`);
  }
  // The browser's own verdict is enough when it gives one: behind a reverse proxy the Host the
  // dashboard sees is often not the one in the page's Origin (nginx's default proxy_pass).
  const origin = site === null ? request.headers.get('origin') : null;
  if (origin !== null) {
    let host: string | null = null;
    try {
      host = new URL(origin).host;
    } catch {
      // "null" (a sandboxed or file page) or garbage: not this dashboard
    }
    if (host === null || host !== request.headers.get('host')) return refused(403, 'headers.origin', `${origin} is not this dashboard`);
  }
  if (!request.cookies.get(TOKEN_COOKIE)?.value) return refused(401, 'cookies', 'sign in to the dashboard first');
  return null;
}

async function proxy(request: NextRequest, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const refusedRequest = refusal(request);
  if (refusedRequest) return refusedRequest;
  const { path } = await context.params;
  const target = `${serverUrl()}/${path.map(encodeURIComponent).join('/')}${request.nextUrl.search}`;
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  headers.set('authorization', `Bearer ${request.cookies.get(TOKEN_COOKIE)?.value}`);
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  const body = hasBody ? await cappedBody(request) : undefined;
  if (body === null) return tooLarge();
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      body,
      cache: 'no-store',
      redirect: 'manual',
    });
  } catch (error) {
    return Response.json(
      { error: { code: 'UNREACHABLE', message: `Mnemo server unreachable: ${(error as Error).message}` } },
      { status: 502 },
    );
  }
  const responseHeaders = new Headers();
  for (const name of FORWARDED_RESPONSE) {
    const value = upstream.headers.get(name);
    if (value) responseHeaders.set(name, value);
  }
  return new Response(upstream.status === 204 ? null : await upstream.arrayBuffer(), {
    status: upstream.status,
    headers: responseHeaders,
  });
}

export { proxy as GET, proxy as POST, proxy as PUT, proxy as PATCH, proxy as DELETE };
