// Handshake authentication of the admin namespace: the admin token in `auth.token` (or an
// `Authorization: Bearer` header for non-browser clients), compared in constant time.

import { createHash, timingSafeEqual } from 'node:crypto';
import { ADMIN_UNAUTHORIZED } from '@mnemo/contracts';
import type { Socket } from 'socket.io';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The token a handshake presents, or null if it presents none. */
export function presentedToken(socket: Pick<Socket, 'handshake'>): string | null {
  const auth = socket.handshake.auth as Record<string, unknown> | undefined;
  if (typeof auth?.['token'] === 'string') return auth['token'];
  const header = socket.handshake.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice('Bearer '.length);
  return null;
}

/** True iff `presented` equals `expected` (never for an empty expected token). */
export function tokenMatches(presented: string | null, expected: string): boolean {
  if (presented === null || expected.length === 0) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * Namespace middleware: lets the connection through only with the right token; otherwise the
 * client gets connect_error with message 'unauthorized' and no event is ever sent to it.
 */
export function adminAuthMiddleware(expectedToken: () => string) {
  return (socket: Socket, next: (error?: Error) => void): void => {
    if (tokenMatches(presentedToken(socket), expectedToken())) next();
    else next(new Error(ADMIN_UNAUTHORIZED));
  };
}
