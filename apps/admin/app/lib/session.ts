// The admin token of the signed-in operator, kept in a cookie set by the login action.
import 'server-only';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';

/**
 * Cookie holding the admin token. Not httpOnly on purpose: the browser needs the token for the
 * socket.io handshake (auth: { token }), which goes straight to the Mnemo server. SameSite=strict
 * keeps it off cross-site requests.
 */
export const TOKEN_COOKIE = 'mnemo_admin_token';

/** The token, or null when nobody is signed in. */
export async function readToken(): Promise<string | null> {
  const jar = await cookies();
  return jar.get(TOKEN_COOKIE)?.value || null;
}

/** The token; redirects to /login when there is none (use in pages and layouts). */
export async function requireToken(): Promise<string> {
  const token = await readToken();
  if (!token) redirect('/login');
  return token;
}
