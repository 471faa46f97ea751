// The selected key's value and metadata, fetched on the server when ?key= changes.
import { MnemoHttpError } from '../../lib/mnemo-client';
import { serverClient } from '../../lib/server-client';
import { KeyEditor } from './key-editor';
import { KeyName } from './key-name';
import { ValueViewer } from './value-viewer';

export async function KeyDetail({ name }: { name: string }) {
  const client = await serverClient();
  try {
    const value = await client.getKey(name);
    return (
      <div className="panel" data-testid="key-detail">
        <h2 className="mono">
          <KeyName text={name} />
        </h2>
        <KeyEditor name={name} ttlMs={value.ttlMs} loadedAt={Date.now()} type={value.type} size={value.size} />
        <ValueViewer value={value} />
      </div>
    );
  } catch (error) {
    const missing = error instanceof MnemoHttpError && error.status === 404;
    return (
      <div className="panel" data-testid="key-detail">
        <h2 className="mono">
          <KeyName text={name} />
        </h2>
        <p className={missing ? 'muted' : 'notice error'}>
          {missing ? 'This key does not exist (deleted, expired or evicted).' : `Could not read the key (${(error as Error).message}).`}
        </p>
      </div>
    );
  }
}
