'use client';
// All rate-limit decisions per second (allowed vs denied), from the `stats` stream.

import { useMemo } from 'react';
import { formatNumber } from '../../lib/format';
import { useLiveSnapshot } from '../../lib/live/live-provider';
import { columns } from '../overview/live-charts';
import { TimeChart } from '../overview/time-chart';
import { PanelSkeleton } from '../skeletons';

export function DecisionsChart() {
  const { stats } = useLiveSnapshot();
  const data = useMemo(() => columns(stats, [(f) => f.rateLimit.allowedPerSec, (f) => f.rateLimit.deniedPerSec]), [stats]);
  if (stats.length === 0) return <PanelSkeleton />;
  return (
    <TimeChart
      testId="chart-ratelimit"
      title="Rate-limit decisions per second (all policies and ad-hoc checks)"
      data={data}
      series={[
        { label: 'allowed/s', stroke: '#15803d' },
        { label: 'denied/s', stroke: '#b91c1c' },
      ]}
      format={formatNumber}
    />
  );
}
