'use client';
// Per-user session lookup; the user id lives in the URL (?user=).

import { usePathname, useRouter } from 'next/navigation';
import { FormEvent } from 'react';

export function UserLookupForm({ user }: { user: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get('user') ?? '').trim();
    router.push(value ? `${pathname}?${new URLSearchParams({ user: value })}` : pathname);
  };
  return (
    <form className="inline panel" onSubmit={submit} role="search">
      <label style={{ flex: 1, minWidth: 220 }}>
        User id
        <input name="user" defaultValue={user} key={user} aria-label="User id" placeholder="user-42" />
      </label>
      <button className="primary" type="submit">
        Look up sessions
      </button>
    </form>
  );
}
