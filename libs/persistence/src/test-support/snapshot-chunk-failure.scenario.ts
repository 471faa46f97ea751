// Run by snapshotter.spec.ts in a fresh Node process (bundled with esbuild), where an unhandled
// rejection ends the process as it would end the server (Jest's environment would hide it):
// a BGSAVE whose chunk 1 fails while the snapshot loop waits for its next turn.
import { Snapshotter } from '../snapshot/snapshotter';
import type { WriterClient } from '../writer/writer-client';
import { ModelEngine } from './model-engine';

const ops: string[] = [];
const writer = {
  request: (message: { op: string; idx?: number }): Promise<unknown> => {
    ops.push(message.op);
    if (message.op === 'snapshot-begin') return Promise.resolve({ snapshotId: 7 });
    if (message.op === 'snapshot-chunk' && message.idx === 1) {
      return new Promise((_resolve, reject) => setTimeout(() => reject(new Error('database or disk is full')), 0));
    }
    // The other requests take a while, so the loop is between turns when chunk 1 fails.
    return new Promise((resolve) => setTimeout(() => resolve({ bytes: 1 }), 20));
  },
} as unknown as WriterClient;

const engine = new ModelEngine();
for (let i = 0; i < 50_000; i++) engine.set(`key:${i}`, 'v'.repeat(40));
new Snapshotter(engine, writer, { now: () => Date.now(), chunkBytes: 16 * 1024, sliceMs: 1, maxInFlight: 4 }).run('bgsave', false).then(
  () => console.log(JSON.stringify({ outcome: 'saved', ops })),
  (error: Error) => console.log(JSON.stringify({ outcome: 'failed', message: error.message, ops })),
);
