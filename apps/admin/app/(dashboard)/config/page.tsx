// Config: maxmemory, eviction policy, samples, appendfsync and save points, changed live.
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ConfigPanel } from '../../ui/config/config-panel';
import { PageHeader } from '../../ui/page-header';
import { TableSkeleton } from '../../ui/skeletons';

export const metadata: Metadata = { title: 'Config' };

export default function ConfigPage() {
  return (
    <>
      <PageHeader title="Config" />
      <Suspense fallback={<TableSkeleton rows={5} />}>
        <ConfigPanel />
      </Suspense>
    </>
  );
}
