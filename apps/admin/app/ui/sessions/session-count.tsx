// Number of live sessions: the server counts the keys under the session prefix (one whole SCAN).
import { MnemoHttpError } from '../../lib/mnemo-client';
import { serverClient } from '../../lib/server-client';
import { formatNumber } from '../../lib/format';

/** Where the HTTP API keeps sessions (apps/server sessions store, documented in docs/http-api.md). */
export const SESSION_KEY_PATTERN = 'session:*';

export async function SessionCount() {
  const client = await serverClient();
  try {
    const { count } = await client.countKeys(SESSION_KEY_PATTERN);
    return (
      <div className="grid-tiles">
        <div className="tile" data-testid="session-count">
          <div className="label">Live sessions</div>
          <div className="value">{formatNumber(count)}</div>
          <div className="sub">keys matching {SESSION_KEY_PATTERN}</div>
        </div>
      </div>
    );
  } catch (error) {
    const message = error instanceof MnemoHttpError ? `${error.code}: ${error.message}` : String(error);
    return <p className="notice error">Could not count sessions ({message}).</p>;
  }
}
