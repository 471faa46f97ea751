'use client';
// Pattern search for the key browser; the pattern lives in the URL (?pattern=), paging restarts.

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { FormEvent } from 'react';

export function KeySearchForm({ pattern }: { pattern: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get('pattern') ?? '').trim() || '*';
    const params = new URLSearchParams(searchParams);
    params.set('pattern', value);
    params.delete('cursor');
    params.delete('key');
    router.push(`${pathname}?${params}`);
  };

  return (
    <form className="inline panel" onSubmit={submit} role="search">
      <label style={{ flex: 1, minWidth: 220 }}>
        Key pattern (Redis glob: * ? [abc])
        <input name="pattern" defaultValue={pattern} key={pattern} placeholder="session:*" aria-label="Key pattern" />
      </label>
      <button className="primary" type="submit">
        Search
      </button>
    </form>
  );
}
