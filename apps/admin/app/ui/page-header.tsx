// Page title with the live-connection badge beside it.
import type { ReactNode } from 'react';
import { ConnectionBadge } from './nav/connection-badge';

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="topbar">
      <h1>{title}</h1>
      <div className="row-actions">
        {children}
        <ConnectionBadge />
      </div>
    </div>
  );
}
