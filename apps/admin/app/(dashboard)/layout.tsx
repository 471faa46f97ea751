// Signed-in area: checks the token cookie, opens the live connection, draws the navigation.
import type { ReactNode } from 'react';
import { LiveProvider } from '../lib/live/live-provider';
import { publicServerUrl } from '../lib/server-env';
import { requireToken } from '../lib/session';
import { SideNav } from '../ui/nav/side-nav';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const token = await requireToken();
  return (
    <LiveProvider serverUrl={publicServerUrl()} token={token}>
      <div className="shell">
        <SideNav />
        <main className="main">{children}</main>
      </div>
    </LiveProvider>
  );
}
