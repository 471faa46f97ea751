// The command table: Redis's metadata (arity, flags, key positions) and the handler per command.
import type { Bytes } from './bytes';
import type { Keyspace } from './keyspace';
import type { CommandFlag, CommandSpec } from './options';
import type { Reply } from './reply';

/** Runs one command whose arity was already checked. Throws MnemoError; state then untouched. */
export type Handler = (ks: Keyspace, argv: Bytes[]) => Reply;

export interface CommandDef {
  readonly spec: CommandSpec;
  readonly handler: Handler;
  /** Calls so far (stats). */
  calls: number;
}

/**
 * Declares a command. `flags` is space separated ("write denyoom fast"); `keys` is Redis's
 * first key, last key, step (0,0,0 for none; last -1 = all remaining args).
 */
export function command(
  name: string,
  arity: number,
  flags: string,
  keys: [number, number, number],
  group: string,
  summary: string,
  handler: Handler,
): CommandDef {
  return {
    spec: {
      name,
      arity,
      flags: flags.split(' ').filter((f) => f.length > 0) as CommandFlag[],
      firstKey: keys[0],
      lastKey: keys[1],
      step: keys[2],
      group,
      summary,
    },
    handler,
    calls: 0,
  };
}
