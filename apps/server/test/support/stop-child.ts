import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/** Stops a server the tests started (SIGTERM), then removes its directory; resolves once both are done. */
export function stopChild(child: ChildProcess, dir: string): Promise<void> {
  return new Promise<void>((resolve) => {
    child.once('exit', () => {
      rmSync(dir, { recursive: true, force: true });
      resolve();
    });
    child.kill('SIGTERM');
  });
}
