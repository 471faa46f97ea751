// A snapshot chunk the writer fails while BGSAVE is between turns (SQLITE_FULL on a full disk):
// the snapshot fails cleanly, aborted and reported to its caller, and nothing escapes as an
// unhandled rejection, which ends a Node process (the server). The scenario runs in a fresh Node
// process because Jest's environment catches unhandled rejections itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runScenario } from '../test-support/run-scenario';

describe('Snapshotter', () => {
  it('a chunk failing between turns fails the BGSAVE cleanly and does not end the process', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mnemo-snapshot-failure-'));
    try {
      const run = runScenario('snapshot-chunk-failure', dir);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const result = JSON.parse(run.stdout) as { outcome: string; message: string; ops: string[] };
      expect(result.outcome).toBe('failed');
      expect(result.message).toBe('snapshot #7 failed: database or disk is full');
      expect(result.ops).toContain('snapshot-abort');
      expect(result.ops).not.toContain('snapshot-end');
      // It stopped soon after the failure instead of encoding the whole keyspace.
      expect(result.ops.filter((op) => op === 'snapshot-chunk').length).toBeLessThan(40);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
