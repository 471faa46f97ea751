'use client';
// The token form; errors come back from the login action and name the field.

import { useActionState } from 'react';
import { login, LoginState } from '../../lib/auth-actions';

/** `next`: the page to return to after signing in (already checked to be one of the dashboard's). */
export function LoginForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<LoginState, FormData>(login, { error: null });
  return (
    <form action={action}>
      <input type="hidden" name="next" value={next} />
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
