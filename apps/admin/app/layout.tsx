// Root layout: document shell, system fonts (the build is offline: no Google fonts), uPlot's CSS.
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import 'uplot/dist/uPlot.min.css';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Mnemo admin', template: '%s · Mnemo admin' },
  description: 'Live keyspace, evictions, rate limits and persistence of a Mnemo server',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
