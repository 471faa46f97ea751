// Test support for engine specs: a seeded random source, an engine with a ManualClock that
// records every mutation, and a dump of the live state for comparisons.
import type { Bytes } from './bytes';
import { ManualClock } from './clock';
import { Engine } from './engine';
import { MnemoError } from './errors';
import type { MutationRecord } from './mutation';
import type { EngineOptions } from './options';
import type { Reply } from './reply';
import { seededRandom } from './seeded-random';

export { seededRandom };

export interface Harness {
  engine: Engine;
  clock: ManualClock;
  records: MutationRecord[];
  run: (...argv: Bytes[]) => Reply;
  /** Runs a command that must fail; returns the error as Redis prints it ("ERR ..."). */
  err: (...argv: Bytes[]) => string;
}

export function harness(options: Partial<EngineOptions> = {}): Harness {
  const clock = new ManualClock();
  const engine = new Engine({ clock, random: seededRandom(7), ...options });
  const records: MutationRecord[] = [];
  engine.onMutation((r) => records.push(r));
  const run = (...argv: Bytes[]): Reply => engine.execute(argv);
  const err = (...argv: Bytes[]): string => {
    try {
      engine.execute(argv);
    } catch (e) {
      if (e instanceof MnemoError) return e.toRedisText();
      throw e;
    }
    throw new Error(`expected ${argv.join(' ')} to fail`);
  };
  return { engine, clock, records, run, err };
}

export type DumpedValue = { type: 'string'; value: Bytes; expiresAt: number | null } | { type: 'hash'; fields: Record<string, Bytes>; expiresAt: number | null };

/** Every live key with its value and expiry, via snapshotChunk (no side effects). */
export function dump(engine: Engine): Record<string, DumpedValue> {
  const out: Record<string, DumpedValue> = {};
  let cursor = '0';
  do {
    const chunk = engine.snapshotChunk(cursor, 100);
    for (const e of chunk.entries) {
      if (e.type === 'string') out[e.key] = { type: 'string', value: e.value, expiresAt: e.expiresAt };
      else {
        const fields: Record<string, Bytes> = {};
        for (let i = 0; i < e.fields.length; i += 2) fields[e.fields[i]] = e.fields[i + 1];
        out[e.key] = { type: 'hash', fields, expiresAt: e.expiresAt };
      }
    }
    cursor = chunk.cursor;
  } while (cursor !== '0');
  return out;
}
