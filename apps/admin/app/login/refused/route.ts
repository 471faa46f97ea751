// The browser's saved token was refused by the server (a restart without MNEMO_ADMIN_TOKEN makes a
// new one): forget it, then show the login page, which says why and returns to `next` after.
import { NextRequest, NextResponse } from 'next/server';
import { pageAfterLogin, TOKEN_REFUSED } from '../../lib/login-reason';
import { TOKEN_COOKIE } from '../../lib/session';

export const dynamic = 'force-dynamic';

export function GET(request: NextRequest): NextResponse {
  const next = pageAfterLogin(request.nextUrl.searchParams.get('next'));
  // A relative Location: behind `next start -H <address>` the request's URL names localhost, and
  // an absolute redirect there would move the browser to another origin (and its cookies).
  const response = new NextResponse(null, { status: 307, headers: { location: `/login?reason=${TOKEN_REFUSED}&next=${encodeURIComponent(next)}` } });
  response.cookies.delete(TOKEN_COOKIE);
  return response;
}
