'use client';
// The token form; errors come back from the login action and name the field.

import { useActionState } from 'react';
import { login, LoginState } from '../../lib/auth-actions';

export function LoginForm() {
  const [state, action, pending] = useActionState<LoginState, FormData>(login, { error: null });
  return (
    <form action={action}>
      <label>
        Admin token
        <input name="token" type="password" autoComplete="current-password" autoFocus required aria-describedby="token-error" />
      </label>
      {state.error ? (
        <div id="token-error" className="field-error" role="alert">
          {state.error}
        </div>
      ) : null}
      <button className="primary" type="submit" disabled={pending}>
        {pending ? 'Checking…' : 'Sign in'}
      </button>
    </form>
  );
}
