// The sessions of one user, read on the server; destroying happens in the browser.
import { errorText } from '../../lib/mnemo-client';
import { serverClient } from '../../lib/server-client';
import { SessionRows } from './session-rows';

export async function UserSessions({ user }: { user: string }) {
  const client = await serverClient();
  try {
    const { sessions } = await client.userSessions(user);
    return <SessionRows user={user} initial={sessions} />;
  } catch (error) {
    const message = errorText(error);
    return <p className="notice error panel">Could not list the sessions of {user} ({message}).</p>;
  }
}
