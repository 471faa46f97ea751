'use client';
// A user's sessions with per-session destroy and "log out everywhere".

import { useEffect, useState } from 'react';
import type { SessionView } from '@mnemo/contracts';
import { formatClock, formatTtl } from '../../lib/format';
import { useLive } from '../../lib/live/live-provider';

export function SessionRows({ user, initial }: { user: string; initial: SessionView[] }) {
  const live = useLive();
  const [sessions, setSessions] = useState(initial);
  // Times depend on the browser's clock and time zone, so they are shown once mounted: the
  // server's render (another clock, often UTC) must not differ from the browser's first render.
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const destroy = async (id: string) => {
    try {
      await live.http.destroySession(id);
      setSessions((current) => current.filter((s) => s.id !== id));
      setMessage({ ok: true, text: `Session ${id.slice(0, 8)}… destroyed` });
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    }
  };

  const destroyAll = async () => {
    try {
      const { destroyed } = await live.http.destroyUserSessions(user);
      setSessions([]);
      setMessage({ ok: true, text: `${destroyed} session(s) of ${user} destroyed` });
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    }
  };

  return (
    <div className="panel">
      <div className="topbar">
        <h2>
          Sessions of <span className="mono">{user}</span>: {sessions.length}
        </h2>
        <button className="danger" onClick={destroyAll} disabled={sessions.length === 0}>
          Log out everywhere
        </button>
      </div>
      {message ? <p className={`notice ${message.ok ? 'ok' : 'error'}`} role="status">{message.text}</p> : null}
      <div className="table-wrap">
        <table data-testid="user-sessions">
          <thead>
            <tr>
              <th>Session id</th>
              <th>Created</th>
              <th>Expires in</th>
              <th className="num">Version</th>
              <th>Data</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sessions.map((session) => (
              <tr key={session.id}>
                <td className="mono">{session.id}</td>
                <td className="mono">{now === null ? '…' : formatClock(session.createdAt)}</td>
                <td>{now === null ? '…' : formatTtl(session.expiresAt - now)}</td>
                <td className="num">{session.version}</td>
                <td className="mono">{JSON.stringify(session.data).slice(0, 80)}</td>
                <td>
                  <button className="danger" onClick={() => destroy(session.id)}>
                    Destroy
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {sessions.length === 0 ? <p className="muted">No live sessions for this user.</p> : null}
    </div>
  );
}
