// Events: live eviction/expiry feed with filters from the URL (?reason=evicted&q=session).
import type { Metadata } from 'next';
import { RemovalFeed, ReasonFilter } from '../../ui/events/removal-feed';
import { PageHeader } from '../../ui/page-header';

export const metadata: Metadata = { title: 'Events' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function EventsPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const reasonParam = typeof params.reason === 'string' ? params.reason : 'all';
  const reason: ReasonFilter = reasonParam === 'evicted' || reasonParam === 'expired' ? reasonParam : 'all';
  const query = typeof params.q === 'string' ? params.q : '';
  return (
    <>
      <PageHeader title="Evictions and expirations" />
      <RemovalFeed reason={reason} query={query} />
    </>
  );
}
