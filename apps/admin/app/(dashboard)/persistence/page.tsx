// Persistence: live status and log growth, bgsave/rewrite, events (the recovery report of the
// last start arrives first, from the server's recent history), and the last snapshot and log
// facts from INFO.
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { PageHeader } from '../../ui/page-header';
import { PersistenceLive } from '../../ui/persistence/persistence-live';
import { PersistenceSummary } from '../../ui/persistence/persistence-summary';
import { PanelSkeleton } from '../../ui/skeletons';

export const metadata: Metadata = { title: 'Persistence' };

export default function PersistencePage() {
  return (
    <>
      <PageHeader title="Persistence" />
      <PersistenceLive />
      <Suspense fallback={<PanelSkeleton />}>
        <PersistenceSummary />
      </Suspense>
    </>
  );
}
