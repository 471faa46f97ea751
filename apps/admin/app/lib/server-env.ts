// Where the Mnemo server is, read at run time (next start), never baked into the build.
import 'server-only';

const DEFAULT_SERVER_URL = 'http://127.0.0.1:8080';

/** Origin the Next server uses to reach Mnemo's HTTP API (MNEMO_SERVER_URL). */
export function serverUrl(): string {
  return (process.env.MNEMO_SERVER_URL || DEFAULT_SERVER_URL).replace(/\/+$/, '');
}

/**
 * Origin the browser uses for socket.io. Same as serverUrl() unless the two differ (Docker:
 * the admin container reaches http://server:8080, the browser http://127.0.0.1:8080), in which
 * case MNEMO_PUBLIC_SERVER_URL names the browser's one.
 */
export function publicServerUrl(): string {
  return (process.env.MNEMO_PUBLIC_SERVER_URL || serverUrl()).replace(/\/+$/, '');
}
