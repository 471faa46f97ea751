'use client';
// Shown when a dashboard page fails to render (typically: the server could not be reached).

import { useEffect } from 'react';

export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div className="panel">
      <h2>This page could not be loaded</h2>
      <p className="notice error">{error.message || 'Unexpected error'}</p>
      <button onClick={reset}>Try again</button>
    </div>
  );
}
