// Rate limits: decisions per second, named policies with live counters, shadow mode and edits,
// and the busiest keys with their remaining quota.
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { PageHeader } from '../../ui/page-header';
import { DecisionsChart } from '../../ui/rate-limits/decisions-chart';
import { PoliciesPanel } from '../../ui/rate-limits/policies-panel';
import { TopKeys } from '../../ui/rate-limits/top-keys';
import { TableSkeleton } from '../../ui/skeletons';

export const metadata: Metadata = { title: 'Rate limits' };

export default function RateLimitsPage() {
  return (
    <>
      <PageHeader title="Rate limits" />
      <DecisionsChart />
      <Suspense fallback={<TableSkeleton rows={4} />}>
        <PoliciesPanel />
      </Suspense>
      <TopKeys />
    </>
  );
}
