'use client';
// The key table in the browser: TTLs count down every second, rows change with the `keyspace`
// stream (set → refreshed, del/expire/evict → struck through, new matching keys → added on the
// first page), and a row can be deleted with an acked socket command.

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { AdminCommand } from '@mnemo/contracts';
import { formatBytes, formatTtl } from '../../lib/format';
import { globMatcher } from '../../lib/glob';
import { useLive } from '../../lib/live/live-provider';
import { applyBatch, KeyRow } from '../../lib/key-rows';
import type { KeySummary } from '../../lib/mnemo-client';
import { KeyName } from './key-name';

interface LiveKeyRowsProps {
  initial: KeySummary[];
  /** Matching keys of this page the HTTP API refuses (longer than max-key-length, control characters). */
  unlisted: number;
  pattern: string;
  cursor: string;
  nextCursor: string;
  selected: string | null;
  loadedAt: number;
}

export function LiveKeyRows({ initial, unlisted, pattern, cursor, nextCursor, selected, loadedAt }: LiveKeyRowsProps) {
  const live = useLive();
  const searchParams = useSearchParams();
  const [rows, setRows] = useState<KeyRow[]>(() =>
    initial.map((k) => ({ key: k.key, type: k.type, expiresAt: k.ttlMs === null ? null : loadedAt + k.ttlMs, size: k.size, gone: false, version: 0 })),
  );
  // The first render shows TTLs as of loadedAt, as the server rendered them (a clock read here
  // would differ from the server's by the time the page took to load: a hydration mismatch).
  const [now, setNow] = useState(loadedAt);
  const [error, setError] = useState<string | null>(null);
  const [dropped, setDropped] = useState(0);
  const matcher = useMemo(() => globMatcher(pattern), [pattern]);

  useEffect(() => {
    const addNew = cursor === '0';
    return live.watchKeyspace(pattern, (batch) => {
      if (batch.dropped > 0) setDropped((count) => count + batch.dropped);
      setRows((current) => applyBatch(current, batch, Date.now(), matcher, addNew));
    });
  }, [live, pattern, cursor, matcher]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const remove = async (key: string) => {
    setError(null);
    const ack = await live.command(AdminCommand.deleteKey, { key });
    if (ack.status === 'error') {
      setError(`Could not delete ${key}: ${ack.error.message}`);
      return;
    }
    setRows((current) => current.map((row) => (row.key === key ? { ...row, gone: true, version: row.version + 1 } : row)));
  };

  const href = (params: Record<string, string | null>) => {
    const next = new URLSearchParams(searchParams);
    for (const [name, value] of Object.entries(params)) {
      if (value === null) next.delete(name);
      else next.set(name, value);
    }
    return `/keys?${next}`;
  };

  return (
    <div className="panel">
      {error ? <p className="notice error" role="alert">{error}</p> : null}
      <div className="table-wrap">
        <table data-testid="keys-table">
          <thead>
            <tr>
              <th>Key</th>
              <th>Type</th>
              <th className="num">TTL</th>
              <th className="num">Size</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr
                key={`${row.key}:${row.version}`}
                data-key={row.key}
                className={[row.gone ? 'gone' : '', row.version > 0 ? 'flash' : '', row.key === selected ? 'selected' : ''].join(' ')}
              >
                <td className="mono">
                  <Link href={href({ key: row.key })} scroll={false}>
                    <KeyName text={row.key} />
                  </Link>
                </td>
                <td>{row.gone ? 'deleted' : (row.type ?? '–')}</td>
                <td className="num">{row.gone ? '–' : formatTtl(row.expiresAt === null ? null : row.expiresAt - now)}</td>
                <td className="num">{row.size === null || row.gone ? '–' : formatBytes(row.size)}</td>
                <td>
                  <button className="danger" disabled={row.gone} onClick={() => remove(row.key)} aria-label={`Delete ${row.key}`}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 ? <p className="muted">No keys match {pattern} on this page.</p> : null}
      {unlisted > 0 ? (
        <p className="muted" data-testid="unlisted-keys">
          {unlisted} matching {unlisted === 1 ? 'key' : 'keys'} not listed: longer than max-key-length, or not UTF-8 text (so without a name to show
          here); redis-cli can read {unlisted === 1 ? 'it' : 'them'}.
        </p>
      ) : null}
      <div className="pager">
        {cursor !== '0' ? <Link href={href({ cursor: null, key: null })}>First page</Link> : null}
        {nextCursor !== '0' ? <Link href={href({ cursor: nextCursor, key: null })}>Next page</Link> : <span className="muted">End of scan</span>}
        {dropped > 0 ? (
          <span className="muted">
            {dropped} live {dropped === 1 ? 'change was' : 'changes were'} not shown one by one: each window sends a key&apos;s latest state (repeated writes to a key fold into one),
            and under load some changes are sampled away
          </span>
        ) : null}
      </div>
    </div>
  );
}
