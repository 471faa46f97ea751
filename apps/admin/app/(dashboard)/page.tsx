// Overview: live tiles and charts from the `stats` stream, server facts from INFO.
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { LiveCharts } from '../ui/overview/live-charts';
import { LiveTiles } from '../ui/overview/live-tiles';
import { PageHeader } from '../ui/page-header';
import { InfoTable } from '../ui/server/info-table';
import { PanelSkeleton } from '../ui/skeletons';

export const metadata: Metadata = { title: 'Overview' };

export default function OverviewPage() {
  return (
    <>
      <PageHeader title="Overview" />
      <LiveTiles />
      <LiveCharts />
      <Suspense fallback={<PanelSkeleton />}>
        <InfoTable title="Server" match={['server.']} testId="server-info" />
      </Suspense>
    </>
  );
}
