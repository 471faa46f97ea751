'use client';
// Persistence status from the `stats` stream, log growth chart, bgsave/rewrite buttons (acked
// socket commands) and the persistence event feed.

import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { AdminCommand, AdminCommandName } from '@mnemo/contracts';
import { formatBytes, formatClock, formatDuration } from '../../lib/format';
import { useLive, useLiveSnapshot } from '../../lib/live/live-provider';
import { columns } from '../overview/live-charts';
import { TimeChart } from '../overview/time-chart';
import { TilesSkeleton } from '../skeletons';

export function PersistenceLive() {
  const live = useLive();
  const { stats, persistenceEvents } = useLiveSnapshot();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const logData = useMemo(() => columns(stats, [(f) => f.persistence.logBytes]), [stats]);
  const frame = stats[stats.length - 1];
  const router = useRouter();
  const newest = persistenceEvents[0];

  // A finished or failed job changes the server-rendered summary below: fetch it again.
  useEffect(() => {
    if (newest && /-(finished|failed)$/.test(newest.kind) && Date.now() - newest.at < 60_000) router.refresh();
  }, [newest, router]);

  const run = async (name: AdminCommandName, label: string) => {
    setMessage(null);
    const ack = await live.command<{ message?: string }>(name);
    setMessage(ack.status === 'ok' ? { ok: true, text: ack.message ?? `${label} started` } : { ok: false, text: `${label}: ${ack.error.message}` });
  };

  const first = stats[0];
  const growth = frame && first && frame.at > first.at ? ((frame.persistence.logBytes - first.persistence.logBytes) / (frame.at - first.at)) * 1000 : null;

  return (
    <>
      {frame ? (
        <div className="grid-tiles" data-testid="persistence-tiles">
          <div className="tile">
            <div className="label">Status</div>
            <div className="value">{frame.persistence.status}</div>
            <div className="sub">{frame.persistence.lastError ?? 'no error'}</div>
          </div>
          <div className="tile">
            <div className="label">appendfsync</div>
            <div className="value">{frame.persistence.appendfsync}</div>
            <div className="sub">fsync lag {formatDuration(frame.persistence.lagMs)}</div>
          </div>
          <div className="tile">
            <div className="label">Log size</div>
            <div className="value">{formatBytes(frame.persistence.logBytes)}</div>
            <div className="sub">{growth === null ? '–' : `${formatBytes(growth)}/s over the chart`}</div>
          </div>
          <div className="tile">
            <div className="label">Background jobs</div>
            <div className="value">{frame.persistence.bgsaveInProgress || frame.persistence.rewriteInProgress ? 'running' : 'idle'}</div>
            <div className="sub">
              {frame.persistence.bgsaveInProgress ? 'snapshot ' : ''}
              {frame.persistence.rewriteInProgress ? 'rewrite' : ''}
            </div>
          </div>
        </div>
      ) : (
        <TilesSkeleton />
      )}
      <div className="panel">
        {message ? <p className={`notice ${message.ok ? 'ok' : 'error'}`} role="status">{message.text}</p> : null}
        <div className="row-actions">
          <button onClick={() => run(AdminCommand.bgsave, 'Snapshot (BGSAVE)')}>Snapshot now (BGSAVE)</button>
          <button onClick={() => run(AdminCommand.rewrite, 'Log rewrite')}>Rewrite log (BGREWRITEAOF)</button>
        </div>
      </div>
      {stats.length > 0 ? <TimeChart title="Event log size" data={logData} series={[{ label: 'log bytes', stroke: '#0f766e', fill: 'rgba(15,118,110,0.08)' }]} format={formatBytes} minTop={1024} /> : null}
      <div className="panel">
        <h2>Persistence events</h2>
        <table data-testid="persistence-events">
          <thead>
            <tr>
              <th>Time</th>
              <th>Event</th>
              <th>Message</th>
            </tr>
          </thead>
          <tbody>
            {persistenceEvents.map((event, index) => (
              <tr key={`${event.at}:${index}`}>
                <td className="mono">{formatClock(event.at)}</td>
                <td>
                  <span className="pill">{event.kind}</span>
                </td>
                <td>
                  {event.message}
                  {event.details ? (
                    <div className="muted mono">
                      {Object.entries(event.details)
                        .map(([name, value]) => `${name}=${value}`)
                        .join(' ')}
                    </div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {persistenceEvents.length === 0 ? <p className="muted">No snapshot, rewrite or fsync events since this tab opened.</p> : null}
      </div>
    </>
  );
}
