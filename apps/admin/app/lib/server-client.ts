// The MnemoClient as server components use it: straight to MNEMO_SERVER_URL with the
// signed-in operator's token.
import 'server-only';
import { MnemoClient } from './mnemo-client';
import { serverUrl } from './server-env';
import { requireToken } from './session';

export async function serverClient(): Promise<MnemoClient> {
  return new MnemoClient(serverUrl(), await requireToken());
}
