'use client';
// The overview's charts over the last minutes of `stats` frames (see STATS_HISTORY).

import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { StatsFrame } from '@mnemo/contracts';
import { formatBytes, formatNumber, formatPercent } from '../../lib/format';
import { useLiveSnapshot } from '../../lib/live/live-provider';
import { ChartsSkeleton } from '../skeletons';
import { TimeChart } from './time-chart';

/** Column-oriented series for uPlot: x in seconds, then one array per picked field. */
export function columns(frames: readonly StatsFrame[], pick: Array<(frame: StatsFrame) => number | null>): uPlot.AlignedData {
  return [frames.map((frame) => frame.at / 1000), ...pick.map((get) => frames.map(get))] as uPlot.AlignedData;
}

export function LiveCharts() {
  const { stats } = useLiveSnapshot();
  const data = useMemo(
    () => ({
      ops: columns(stats, [(f) => f.opsPerSec]),
      hitRate: columns(stats, [(f) => f.hitRate]),
      memory: columns(stats, [(f) => f.usedMemory, (f) => (f.maxmemory > 0 ? f.maxmemory : null)]),
      removals: columns(stats, [(f) => f.evictionsPerSec, (f) => f.expirationsPerSec]),
    }),
    [stats],
  );
  if (stats.length === 0) return <ChartsSkeleton />;
  return (
    <div className="grid-charts">
      <TimeChart testId="chart-ops" title="Operations per second" data={data.ops} series={[{ label: 'ops/s', stroke: '#2563eb', fill: 'rgba(37,99,235,0.08)' }]} format={formatNumber} />
      <TimeChart testId="chart-hit-rate" title="Hit rate" data={data.hitRate} series={[{ label: 'hit rate', stroke: '#15803d' }]} format={formatPercent} yRange={[0, 1]} />
      <TimeChart
        testId="chart-memory"
        title="Memory vs maxmemory"
        data={data.memory}
        series={[
          { label: 'used', stroke: '#7c3aed', fill: 'rgba(124,58,237,0.08)' },
          { label: 'maxmemory', stroke: '#b91c1c' },
        ]}
        format={formatBytes}
        minTop={1024}
      />
      <TimeChart
        testId="chart-removals"
        title="Evictions and expirations per second"
        data={data.removals}
        series={[
          { label: 'evictions/s', stroke: '#b91c1c' },
          { label: 'expirations/s', stroke: '#b45309' },
        ]}
        format={formatNumber}
      />
    </div>
  );
}
