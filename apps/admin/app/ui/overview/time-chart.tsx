'use client';
// A live time-series chart drawn by uPlot. The chart is created once per mount and only fed new
// data afterwards (setData), so one frame a second costs a redraw, not a rebuild.

import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

export interface ChartSeries {
  label: string;
  stroke: string;
  fill?: string;
}

interface TimeChartProps {
  title: string;
  series: ChartSeries[];
  /** [timestamps in seconds, ...one array per series]. */
  data: uPlot.AlignedData;
  /** Formats y-axis ticks and the legend value. */
  format?: (value: number) => string;
  /** Fixed y range, e.g. [0, 1] for a ratio; auto otherwise. */
  yRange?: [number, number];
  /** Auto ranges reach at least this high, so a flat zero line gets sensible ticks (bytes: 1024). */
  minTop?: number;
  testId?: string;
}

const HEIGHT = 190;

export function TimeChart({ title, series, data, format, yRange, minTop = 1, testId }: TimeChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const fmt = format ?? ((value: number) => String(value));
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height: HEIGHT,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: yRange ? { range: yRange } : { range: (_u, min, max) => [Math.min(0, min), Math.max(max, minTop)] } },
      axes: [
        // Whole seconds at least: frames come a few times a second, ticks at :24.000 / :24.500 helped nobody.
        { stroke: '#6b7280', grid: { stroke: '#eef0f3' }, incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600] },
        { stroke: '#6b7280', grid: { stroke: '#eef0f3' }, size: 84, values: (_u, ticks) => ticks.map(fmt) },
      ],
      series: [
        {},
        ...series.map((s) => ({ label: s.label, stroke: s.stroke, fill: s.fill, width: 1.5, value: (_u: uPlot, v: number | null) => (v === null ? '–' : fmt(v)) })),
      ],
    };
    const chart = new uPlot(options, latest.current, element);
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(element.clientWidth, 200), height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // The chart's shape is fixed per mount; data flows in through the effect below.
  }, []);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return (
    <div className="panel chart" data-testid={testId}>
      <h2>{title}</h2>
      <div ref={holder} />
    </div>
  );
}
