// Sessions: how many are live, and per-user lookup (?user=) with destroy / log out everywhere.
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { PageHeader } from '../../ui/page-header';
import { SessionCount } from '../../ui/sessions/session-count';
import { UserLookupForm } from '../../ui/sessions/user-form';
import { UserSessions } from '../../ui/sessions/user-sessions';
import { TableSkeleton, TilesSkeleton } from '../../ui/skeletons';

export const metadata: Metadata = { title: 'Sessions' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SessionsPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const user = typeof params.user === 'string' ? params.user : '';
  return (
    <>
      <PageHeader title="Sessions" />
      <Suspense fallback={<TilesSkeleton />}>
        <SessionCount />
      </Suspense>
      <UserLookupForm user={user} />
      {user ? (
        <Suspense key={user} fallback={<TableSkeleton rows={4} />}>
          <UserSessions user={user} />
        </Suspense>
      ) : null}
    </>
  );
}
