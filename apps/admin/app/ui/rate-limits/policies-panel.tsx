// Reads the rate-limit policies on the server and hands them to the live table.
import { MnemoHttpError } from '../../lib/mnemo-client';
import { serverClient } from '../../lib/server-client';
import { LivePolicies } from './live-policies';

export async function PoliciesPanel() {
  const client = await serverClient();
  try {
    const { policies } = await client.policies();
    return <LivePolicies initial={policies} loadedAt={Date.now()} />;
  } catch (error) {
    const message = error instanceof MnemoHttpError ? `${error.code}: ${error.message}` : String(error);
    return <p className="notice error panel">Could not read the rate-limit policies ({message}).</p>;
  }
}
