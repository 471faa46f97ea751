// The persistence facts an operator asks first (last snapshot, log, fsync, rewrites), picked from
// INFO's persistence section on the server; every raw field stays one click away.
import type { AdminInfo } from '@mnemo/contracts';
import { formatBytes, formatDuration, formatNumber } from '../../lib/format';
import { flatten } from '../../lib/flatten';
import { MnemoHttpError } from '../../lib/mnemo-client';
import { serverClient } from '../../lib/server-client';

type Section = AdminInfo[string];

function num(section: Section, name: string): number | null {
  const value = section[name];
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : NaN;
  return Number.isFinite(parsed) ? parsed : null;
}

function text(section: Section, name: string): string | null {
  const value = section[name];
  return value === null || value === undefined || value === '' ? null : String(value);
}

/** Unix seconds (Redis's rdb_last_save_time) as a local date-time; 0 or absent → "never". */
function when(seconds: number | null): string {
  return seconds ? new Date(seconds * 1000).toLocaleString('en-GB', { hour12: false }) : 'never';
}

export async function PersistenceSummary() {
  let info: AdminInfo;
  try {
    info = await (await serverClient()).info();
  } catch (error) {
    const message = error instanceof MnemoHttpError ? `${error.code}: ${error.message}` : String(error);
    return <p className="notice error panel">Could not read persistence info ({message}).</p>;
  }
  const p: Section = info.persistence ?? {};
  const snapshotBytes = num(p, 'mnemo_last_snapshot_bytes');
  const logBytes = num(p, 'aof_current_size');
  const dbBytes = num(p, 'mnemo_db_bytes');
  const rows: Array<[string, string]> = [
    ['Event log', num(p, 'aof_enabled') ? 'on' : 'off'],
    ['appendfsync', text(p, 'mnemo_appendfsync') ?? '–'],
    ['Log size (since last rewrite)', logBytes === null ? '–' : formatBytes(logBytes)],
    ['Database file', dbBytes === null ? '–' : `${formatBytes(dbBytes)} at ${text(p, 'mnemo_db_path') ?? '?'}`],
    ['Log batches / records committed', `${formatNumber(num(p, 'mnemo_log_batches') ?? 0)} / ${formatNumber(num(p, 'mnemo_log_records_committed') ?? 0)}`],
    ['fsync lag', formatDuration(num(p, 'mnemo_fsync_lag_ms'))],
    ['Last snapshot', when(num(p, 'rdb_last_save_time'))],
    [
      'Last snapshot size / keys / duration',
      `${snapshotBytes === null ? '–' : formatBytes(snapshotBytes)} / ${formatNumber(num(p, 'mnemo_last_snapshot_keys') ?? 0)} / ${formatDuration(num(p, 'mnemo_last_snapshot_duration_ms'))}`,
    ],
    ['Snapshots taken / last status', `${formatNumber(num(p, 'rdb_saves') ?? 0)} / ${text(p, 'rdb_last_bgsave_status') ?? '–'}`],
    ['Changes since last snapshot', formatNumber(num(p, 'rdb_changes_since_last_save') ?? 0)],
    ['Log rewrites / last status', `${formatNumber(num(p, 'aof_rewrites') ?? 0)} / ${text(p, 'aof_last_bgrewrite_status') ?? '–'}`],
    ['Last write error', text(p, 'mnemo_last_write_error') ?? text(p, 'write_error') ?? 'none'],
    ['Keys loaded at start', formatNumber(num(p, 'rdb_last_load_keys_loaded') ?? 0)],
  ];
  return (
    <div className="panel" data-testid="persistence-info">
      <h2>Snapshots, log and recovery</h2>
      <table>
        <tbody>
          {rows.map(([name, value]) => (
            <tr key={name}>
              <td style={{ width: '40%' }}>{name}</td>
              <td className="mono">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details style={{ marginTop: 12 }}>
        <summary className="muted">Every INFO persistence field</summary>
        <table>
          <tbody>
            {flatten(p).map(([name, value]) => (
              <tr key={name}>
                <td className="mono">{name}</td>
                <td className="mono">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
