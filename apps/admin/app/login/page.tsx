// Sign-in page: asks for the admin token.
import type { Metadata } from 'next';
import { pageAfterLogin, TOKEN_REFUSED } from '../lib/login-reason';
import { LoginForm } from '../ui/login/login-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ reason?: string | string[]; next?: string | string[] }> }) {
  const { reason, next } = await searchParams;
  return (
    <main className="login panel">
      <h1>Mnemo admin</h1>
      {reason === TOKEN_REFUSED ? (
        <p className="notice error" role="status" data-testid="token-refused">
          The server refused the saved token. It changes at every start unless <code>MNEMO_ADMIN_TOKEN</code> is set: sign in with the current one.
        </p>
      ) : null}
      <p className="muted">
        Sign in with the admin token: the one in <code>MNEMO_ADMIN_TOKEN</code>, or the one the server printed at start.
      </p>
      <LoginForm next={pageAfterLogin(next)} />
    </main>
  );
}
