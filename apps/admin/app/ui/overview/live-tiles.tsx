'use client';
// The overview's number tiles, from the newest `stats` frame.

import type { StatsFrame } from '@mnemo/contracts';
import { formatBytes, formatDuration, formatNumber, formatPercent } from '../../lib/format';
import { useLiveSnapshot } from '../../lib/live/live-provider';
import { TilesSkeleton } from '../skeletons';

function Tile({ label, value, sub, testId }: { label: string; value: string; sub?: string; testId?: string }) {
  return (
    <div className="tile" data-testid={testId}>
      <div className="label">{label}</div>
      <div className="value">{value}</div>
      {sub ? <div className="sub">{sub}</div> : null}
    </div>
  );
}

/** The persistence tile's second line: what is kept and how fresh, and what runs now. */
function persistenceLine(p: StatsFrame['persistence']): string {
  if (p.status === 'off') return 'appendonly no';
  const running = `${p.bgsaveInProgress ? ', saving' : ''}${p.rewriteInProgress ? ', rewriting' : ''}`;
  if (!p.logEnabled) return `snapshots only (appendonly no)${running}`;
  return `${p.appendfsync}, lag ${formatDuration(p.lagMs)}${running}`;
}

export function LiveTiles() {
  const { stats } = useLiveSnapshot();
  const frame: StatsFrame | undefined = stats[stats.length - 1];
  if (!frame) return <TilesSkeleton />;
  const memory = frame.maxmemory > 0 ? `of ${formatBytes(frame.maxmemory)} (${formatPercent(frame.usedMemory / frame.maxmemory)})` : 'no maxmemory';
  const p = frame.persistence;
  return (
    <div className="grid-tiles">
      <Tile testId="tile-keys" label="Keys" value={formatNumber(frame.keys)} sub={`${formatNumber(frame.keysWithTtl)} with TTL`} />
      <Tile testId="tile-ops" label="Ops/s" value={formatNumber(frame.opsPerSec)} sub={topFamilies(frame.opsByFamily)} />
      <Tile testId="tile-hit-rate" label="Hit rate" value={formatPercent(frame.hitRate)} />
      <Tile testId="tile-memory" label="Memory" value={formatBytes(frame.usedMemory)} sub={memory} />
      <Tile testId="tile-evictions" label="Evictions/s" value={formatNumber(frame.evictionsPerSec)} sub={`policy ${frame.maxmemoryPolicy}`} />
      <Tile testId="tile-expirations" label="Expirations/s" value={formatNumber(frame.expirationsPerSec)} />
      <Tile testId="tile-clients" label="Clients" value={formatNumber(frame.connectedClients)} />
      <Tile
        testId="tile-persistence"
        label="Persistence"
        value={p.status}
        sub={persistenceLine(p)}
      />
      <Tile
        testId="tile-ratelimit"
        label="Rate-limit denials/s"
        value={formatNumber(frame.rateLimit.deniedPerSec)}
        sub={`${formatNumber(frame.rateLimit.allowedPerSec)} allowed/s`}
      />
    </div>
  );
}

/** "string 120 · hash 4": the two busiest command families. */
function topFamilies(byFamily: Record<string, number>): string {
  return Object.entries(byFamily)
    .filter(([, rate]) => rate > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 2)
    .map(([family, rate]) => `${family} ${formatNumber(rate)}`)
    .join(' · ');
}
