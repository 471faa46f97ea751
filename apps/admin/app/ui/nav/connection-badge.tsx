'use client';
// Shows whether the live connection is up; reconnection itself is socket.io's (see live-provider).

import Link from 'next/link';
import { useLiveSnapshot } from '../../lib/live/live-provider';
import type { ConnectionState } from '../../lib/live/live-store';

const LOOK: Record<ConnectionState, { dot: string; text: string }> = {
  connecting: { dot: 'warn', text: 'Connecting…' },
  connected: { dot: 'ok', text: 'Live' },
  reconnecting: { dot: 'warn', text: 'Reconnecting…' },
  unauthorized: { dot: 'bad', text: 'Token refused' },
  offline: { dot: '', text: 'Offline' },
};

export function ConnectionBadge() {
  const { connection, connectionError } = useLiveSnapshot();
  const look = LOOK[connection];
  return (
    <span className="badge" data-testid="connection" data-state={connection} title={connectionError ?? undefined}>
      <span className={`dot ${look.dot}`} />
      {look.text}
      {connection === 'unauthorized' ? <Link href="/login">sign in again</Link> : null}
    </span>
  );
}
