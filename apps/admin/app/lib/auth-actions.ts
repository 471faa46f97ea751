'use server';
// Sign-in and sign-out: the token is checked against the server's admin API before it is kept.

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { MnemoClient, MnemoHttpError } from './mnemo-client';
import { serverUrl } from './server-env';
import { pageAfterLogin } from './login-reason';
import { TOKEN_COOKIE } from './session';

export interface LoginState {
  error: string | null;
}

/**
 * Outcomes: a wrong token or an unreachable server returns { error } for the form; a token the
 * server accepts is stored in the cookie and the browser goes to the overview.
 */
export async function login(_previous: LoginState, form: FormData): Promise<LoginState> {
  const token = String(form.get('token') ?? '').trim();
  if (!token) return { error: 'token: enter the admin token (printed by the server at start, or MNEMO_ADMIN_TOKEN)' };
  try {
    await new MnemoClient(serverUrl(), token).info();
  } catch (error) {
    if (error instanceof MnemoHttpError && (error.status === 401 || error.status === 403)) {
      return { error: 'token: the server refused this admin token' };
    }
    if (error instanceof MnemoHttpError && error.status === 0) return { error: error.message };
    // Any other answer (e.g. an older server without /v1/admin/info): the socket handshake will
    // still refuse a bad token, and the dashboard shows that.
  }
  const jar = await cookies();
  jar.set(TOKEN_COOKIE, token, { sameSite: 'strict', path: '/', httpOnly: false, maxAge: 60 * 60 * 24 * 7 });
  redirect(pageAfterLogin(form.get('next')));
}

export async function logout(): Promise<void> {
  const jar = await cookies();
  jar.delete(TOKEN_COOKIE);
  redirect('/login');
}
