'use client';
// Top limited keys: the named-policy keys most active in the last minute (state changes on the
// live keyspace stream, which coalesces per key, so this ranks activity rather than counting
// checks), each peeked every 2 s for its remaining quota, with a reset button for support staff
// who need to unblock a customer.

import { useEffect, useMemo, useState } from 'react';
import type { RateLimitCheckResult } from '@mnemo/contracts';
import { formatDuration, formatNumber } from '../../lib/format';
import { useLive } from '../../lib/live/live-provider';
import { ActivityCounter, parsePolicyStateKey, POLICY_STATE_PATTERN } from '../../lib/top-keys';
import { KeyName } from '../keys/key-name';

const SHOWN = 10;
const REFRESH_MS = 2000;

interface TopRow {
  policy: string;
  key: string;
  checks: number;
  state: RateLimitCheckResult | null;
  error: string | null;
}

export function TopKeys() {
  const live = useLive();
  const counter = useMemo(() => new ActivityCounter(), []);
  const [rows, setRows] = useState<TopRow[]>([]);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(
    () =>
      live.watchKeyspace(POLICY_STATE_PATTERN, (batch) => {
        const now = Date.now();
        for (const change of batch.changes) if (parsePolicyStateKey(change.key)) counter.record(change.key, now);
      }),
    [live, counter],
  );

  useEffect(() => {
    let stopped = false;
    const refresh = async () => {
      const top = counter.top(SHOWN, Date.now());
      const next = await Promise.all(
        top.map(async ({ key: stateKey, count }) => {
          const { policy, key } = parsePolicyStateKey(stateKey) ?? { policy: '', key: stateKey };
          try {
            // What a next request would get (allowed, retry-after), with the quota left now: a
            // peek of cost 1 answers what would be left after that request, one less.
            const [next, now] = await Promise.all([live.http.peekLimit(policy, key), live.http.peekLimit(policy, key, 0)]);
            return { policy, key, checks: count, state: { ...next, remaining: now.remaining }, error: null };
          } catch (error) {
            return { policy, key, checks: count, state: null, error: (error as Error).message };
          }
        }),
      );
      if (!stopped) setRows(next);
    };
    const timer = setInterval(refresh, REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [live, counter]);

  const reset = async (row: TopRow) => {
    try {
      await live.http.resetLimit(row.policy, row.key);
      setMessage(`${row.key} reset under ${row.policy}`);
    } catch (error) {
      setMessage((error as Error).message);
    }
  };

  return (
    <div className="panel">
      <h2>Top limited keys (busiest in the last minute)</h2>
      {message ? <p className="notice ok" role="status">{message}</p> : null}
      <div className="table-wrap">
        <table data-testid="top-keys">
          <thead>
            <tr>
              <th>Policy</th>
              <th>Key</th>
              <th className="num" title="State changes seen on the live keyspace stream, which coalesces each key's changes per ~100 ms: a measure of activity, not an exact count of checks">
                Activity/min
              </th>
              <th className="num">Remaining</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={`${row.policy}:${row.key}`} data-top-key={row.key}>
                <td className="mono">{row.policy}</td>
                <td className="mono">
                  <KeyName text={row.key} />
                </td>
                <td className="num">{formatNumber(row.checks)}</td>
                <td className="num">{row.state ? `${formatNumber(row.state.remaining)} / ${formatNumber(row.state.limit)}` : '–'}</td>
                <td>
                  {row.error ? (
                    <span className="field-error">{row.error}</span>
                  ) : row.state && !row.state.allowed ? (
                    <span className="pill evicted">limited, retry in {formatDuration(row.state.retryAfterMs)}</span>
                  ) : (
                    <span className="pill">ok</span>
                  )}
                </td>
                <td>
                  <button onClick={() => reset(row)}>Reset</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 ? <p className="muted">No policy checks seen since this page opened.</p> : null}
    </div>
  );
}
