'use client';
// Eviction and expiry feed. Filters (reason, key substring) live in the URL; "Pause" freezes the
// visible list while events keep arriving, and "Resume" shows what came in meanwhile.

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useMemo, useState } from 'react';
import type { RemovalEvent } from '@mnemo/contracts';
import { formatBytes, formatClock } from '../../lib/format';
import { useLiveSnapshot } from '../../lib/live/live-provider';
import { KeyName } from '../keys/key-name';

export type ReasonFilter = 'all' | RemovalEvent['reason'];

/** Rows drawn at most; the store keeps more (REMOVALS_KEPT) for the filters to search. */
const ROWS_SHOWN = 200;

/** Events passing the filters, newest first. */
export function filterRemovals(events: readonly RemovalEvent[], reason: ReasonFilter, query: string): RemovalEvent[] {
  const needle = query.toLowerCase();
  return events.filter((event) => (reason === 'all' || event.reason === reason) && (!needle || event.key.toLowerCase().includes(needle)));
}

export function RemovalFeed({ reason, query }: { reason: ReasonFilter; query: string }) {
  const { removals, removalsSeen, removalsDropped } = useLiveSnapshot();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [frozen, setFrozen] = useState<{ events: readonly RemovalEvent[]; seen: number } | null>(null);

  const source = frozen ? frozen.events : removals;
  const shown = useMemo(() => filterRemovals(source, reason, query), [source, reason, query]);
  const waiting = frozen ? removalsSeen - frozen.seen : 0;

  const setParam = (name: string, value: string) => {
    const params = new URLSearchParams(searchParams);
    if (value && value !== 'all') params.set(name, value);
    else params.delete(name);
    router.replace(`${pathname}?${params}`, { scroll: false });
  };

  return (
    <div className="panel">
      <form className="inline" style={{ marginBottom: 12 }} onSubmit={(event) => event.preventDefault()}>
        <label>
          Reason
          <select value={reason} onChange={(event) => setParam('reason', event.target.value)} aria-label="Reason">
            <option value="all">evicted and expired</option>
            <option value="evicted">evicted</option>
            <option value="expired">expired</option>
          </select>
        </label>
        <label>
          Key contains
          <input defaultValue={query} onChange={(event) => setParam('q', event.target.value)} aria-label="Key contains" />
        </label>
        <button type="button" onClick={() => setFrozen(frozen ? null : { events: removals, seen: removalsSeen })} data-testid="pause">
          {frozen ? `Resume${waiting > 0 ? ` (${waiting} new)` : ''}` : 'Pause'}
        </button>
        <span className="muted" data-testid="removals-seen">
          {removalsSeen} received since this tab opened{removalsDropped > 0 ? `, ${removalsDropped} more sampled away under load` : ''}
        </span>
      </form>
      <div className="table-wrap">
        <table data-testid="removal-feed">
          <thead>
            <tr>
              <th>Time</th>
              <th>Reason</th>
              <th>Key</th>
              <th>Policy</th>
              <th className="num">Memory at the time</th>
            </tr>
          </thead>
          <tbody>
            {shown.slice(0, ROWS_SHOWN).map((event, index) => (
              <tr key={`${event.at}:${event.key}:${index}`} data-reason={event.reason}>
                <td className="mono">{formatClock(event.at)}</td>
                <td>
                  <span className={`pill ${event.reason}`}>{event.reason}</span>
                </td>
                <td className="mono">
                  <KeyName text={event.key} />
                </td>
                <td>{event.policy}</td>
                <td className="num">
                  {formatBytes(event.usedMemory)}
                  {event.maxmemory > 0 ? ` / ${formatBytes(event.maxmemory)}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {shown.length > ROWS_SHOWN ? <p className="muted">Showing the newest {ROWS_SHOWN} of {shown.length}; narrow the filters to see others.</p> : null}
      {shown.length === 0 ? <p className="muted">No evictions or expirations yet{reason !== 'all' || query ? ' matching the filters' : ''}.</p> : null}
    </div>
  );
}
