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

async function proxy(request: NextRequest, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await context.params;
  const target = `${serverUrl()}/${path.map(encodeURIComponent).join('/')}${request.nextUrl.search}`;
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
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
