// Sign-in page: asks for the admin token.
import type { Metadata } from 'next';
import { LoginForm } from '../ui/login/login-form';

export const metadata: Metadata = { title: 'Sign in' };

export default function LoginPage() {
  return (
    <main className="login panel">
      <h1>Mnemo admin</h1>
      <p className="muted">
        Sign in with the admin token: the one in <code>MNEMO_ADMIN_TOKEN</code>, or the one the server printed at start.
      </p>
      <LoginForm />
    </main>
  );
}
