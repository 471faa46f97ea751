'use client';
// TTL editing and deletion of the selected key. TTL goes over HTTP, delete over the socket
// (an acked command), so both transports report errors the same way: a message naming the field.

import { useRouter } from 'next/navigation';
import { FormEvent, useEffect, useState } from 'react';
import { AdminCommand, MAX_TTL_MS } from '@mnemo/contracts';
import { formatBytes, formatTtl } from '../../lib/format';
import { useLive } from '../../lib/live/live-provider';
import { errorText } from '../../lib/mnemo-client';

interface KeyEditorProps {
  name: string;
  ttlMs: number | null;
  loadedAt: number;
  type: string | null;
  size: number | null;
}

/** Parses the TTL field: seconds > 0, or empty for "no TTL". Returns ms, null, or an error text. */
export function parseTtlSeconds(text: string): number | null | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return { error: 'ttl: enter seconds (a positive number), or leave empty to remove the TTL' };
  const ms = Math.round(Number(trimmed) * 1000);
  // The API's own bound (MAX_TTL_MS, one year), checked here so the error speaks in seconds.
  if (ms <= 0 || ms > MAX_TTL_MS) return { error: `ttl: must be between 0.001 and ${MAX_TTL_MS / 1000} seconds (one year)` };
  return ms;
}

export function KeyEditor({ name, ttlMs, loadedAt, type, size }: KeyEditorProps) {
  const live = useLive();
  const router = useRouter();
  // As of loadedAt at first, as the server rendered it (no hydration mismatch); then every second.
  const [now, setNow] = useState(loadedAt);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const expiresAt = ttlMs === null ? null : loadedAt + ttlMs;

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const saveTtl = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = parseTtlSeconds(String(new FormData(event.currentTarget).get('ttl') ?? ''));
    if (parsed !== null && typeof parsed === 'object') {
      setMessage({ ok: false, text: parsed.error });
      return;
    }
    setBusy(true);
    try {
      await live.http.setTtl(name, parsed);
      setMessage({ ok: true, text: parsed === null ? 'TTL removed' : `TTL set to ${formatTtl(parsed)}` });
      router.refresh();
    } catch (error) {
      setMessage({ ok: false, text: errorText(error) });
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    const ack = await live.command(AdminCommand.deleteKey, { key: name });
    setBusy(false);
    if (ack.status === 'error') setMessage({ ok: false, text: ack.error.message });
    else {
      setMessage({ ok: true, text: 'Deleted' });
      router.refresh();
    }
  };

  return (
    <>
      <p className="muted">
        {type ?? 'unknown type'} · {size === null ? '–' : formatBytes(size)} · TTL{' '}
        <span data-testid="detail-ttl">{formatTtl(expiresAt === null ? null : expiresAt - now)}</span>
      </p>
      {message ? <p className={`notice ${message.ok ? 'ok' : 'error'}`} role="status">{message.text}</p> : null}
      <form className="inline" onSubmit={saveTtl} style={{ marginBottom: 12 }}>
        <label>
          New TTL (seconds, empty: none)
          <input name="ttl" inputMode="decimal" size={12} aria-label="TTL in seconds" />
        </label>
        <button type="submit" disabled={busy}>
          Set TTL
        </button>
        <button type="button" className="danger" disabled={busy} onClick={remove}>
          Delete key
        </button>
      </form>
    </>
  );
}
