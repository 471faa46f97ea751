// Why the dashboard sent the operator to the login page (`/login?reason=...`).

/** The server refused the saved token (a restarted server has a new one unless MNEMO_ADMIN_TOKEN is set). */
export const TOKEN_REFUSED = 'token-refused';

const BASE = 'http://dashboard.invalid';

/**
 * Where to go after signing in: `next` if it is a path of this dashboard, else the overview.
 * Only same-origin paths: `//host` and `/\host` would leave the site (an open redirect), and so
 * would `/<tab>/host`, as URL parsing drops tabs and newlines (which would also break the
 * redirect header); so a path of printable characters only, not starting with two slashes.
 * Dot segments resolve too (`/.//host` and `/x/..//host` are `//host` to the browser), so the
 * path is resolved as the browser will, and its resolved form must pass the same test.
 */
export function pageAfterLogin(next: unknown): string {
  if (typeof next !== 'string' || !/^\/(?![/\\])[\x21-\x7e]*$/.test(next)) return '/';
  const resolved = new URL(next, BASE);
  const page = resolved.pathname + resolved.search + resolved.hash;
  if (resolved.origin !== BASE || /^\/[/\\]/.test(page) || page.startsWith('/login')) return '/';
  return page;
}
