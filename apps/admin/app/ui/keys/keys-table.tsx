// One page of SCAN results for a pattern, rendered on the server and then kept live in the browser.
import { MnemoHttpError } from '../../lib/mnemo-client';
import { serverClient } from '../../lib/server-client';
import { LiveKeyRows } from './live-key-rows';

/** Keys per page (at least; a SCAN step may give a few more). */
export const PAGE_SIZE = 50;

export async function KeysTable({ pattern, cursor, selected }: { pattern: string; cursor: string; selected: string | null }) {
  const client = await serverClient();
  try {
    const page = await client.scanKeys({ pattern, cursor, want: PAGE_SIZE });
    return (
      <LiveKeyRows initial={page.keys} unlisted={page.unlisted} pattern={pattern} cursor={cursor} nextCursor={page.cursor} selected={selected} loadedAt={Date.now()} />
    );
  } catch (error) {
    const message = error instanceof MnemoHttpError ? `${error.code}: ${error.message}` : String(error);
    return <p className="notice error panel">Could not scan keys ({message}).</p>;
  }
}
