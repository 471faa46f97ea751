// Next.js settings for the Mnemo dashboard. HTTP calls to the Mnemo server go through the route
// handler app/api/mnemo/[...path] (same origin for the browser, so no CORS), not a `rewrites()`
// entry: rewrites are frozen into the build, and MNEMO_SERVER_URL must be read at `next start`.
// socket.io connects to the server directly (see app/lib/server-env.ts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The workspace root holds package-lock.json and libs/contracts, imported as @mnemo/contracts.
  turbopack: { root: path.join(here, '..', '..') },
  // `nx run admin:typecheck` type-checks (in `npm test`); the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  // No other site may frame the dashboard (clickjacking its Delete and config buttons), and
  // nothing is sniffed into another type.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Content-Security-Policy', value: "frame-ancestors 'none'" },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

export default nextConfig;
