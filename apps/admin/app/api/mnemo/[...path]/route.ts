// Same-origin proxy from the browser to the Mnemo HTTP API: /api/mnemo/v1/keys → <server>/v1/keys.
// A route handler rather than a next.config rewrite because rewrites are frozen into the build
// (routes-manifest.json) and MNEMO_SERVER_URL must be read when `next start` runs.
import { NextRequest } from 'next/server';
import { serverUrl } from '../../../lib/server-env';

export const dynamic = 'force-dynamic';

/** Request headers passed on; cookies and the rest stay with Next. */
const FORWARDED_REQUEST = ['authorization', 'content-type', 'accept', 'x-api-key'];
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

async function proxy(request: NextRequest, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await context.params;
  const target = `${serverUrl()}/${path.map(encodeURIComponent).join('/')}${request.nextUrl.search}`;
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
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
