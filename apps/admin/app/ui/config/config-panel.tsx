// Reads the effective config on the server and hands it to the form.
import { MnemoHttpError } from '../../lib/mnemo-client';
import { serverClient } from '../../lib/server-client';
import { ConfigForm } from './config-form';

export async function ConfigPanel() {
  const client = await serverClient();
  let config: Record<string, string> = {};
  let problem: string | null = null;
  try {
    config = await client.configGet();
  } catch (error) {
    problem = error instanceof MnemoHttpError ? `${error.code}: ${error.message}` : String(error);
  }
  return (
    <>
      {problem ? <p className="notice error">Could not read the current config ({problem}); fields start empty.</p> : null}
      <ConfigForm initial={config} />
    </>
  );
}
