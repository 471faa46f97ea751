// Keyspace browser: SCAN by pattern (paged by cursor), live rows, value viewer for ?key=.
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { KeyDetail } from '../../ui/keys/key-detail';
import { KeysTable } from '../../ui/keys/keys-table';
import { KeySearchForm } from '../../ui/keys/search-form';
import { PageHeader } from '../../ui/page-header';
import { PanelSkeleton, TableSkeleton } from '../../ui/skeletons';

export const metadata: Metadata = { title: 'Keyspace' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function KeysPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const pattern = one(params.pattern) || '*';
  const cursor = one(params.cursor) || '0';
  const selected = one(params.key) ?? null;
  return (
    <>
      <PageHeader title="Keyspace" />
      <KeySearchForm pattern={pattern} />
      <div className="two-col">
        <Suspense key={`${pattern}\n${cursor}`} fallback={<TableSkeleton />}>
          <KeysTable pattern={pattern} cursor={cursor} selected={selected} />
        </Suspense>
        {selected !== null ? (
          <Suspense key={selected} fallback={<PanelSkeleton />}>
            <KeyDetail name={selected} />
          </Suspense>
        ) : (
          <div className="panel muted">Pick a key to see its value.</div>
        )}
      </div>
    </>
  );
}
