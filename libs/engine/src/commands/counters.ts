// Counter commands: INCR, DECR, INCRBY, DECRBY (signed 64-bit) and INCRBYFLOAT.
import type { Bytes } from '../bytes';
import { command, type CommandDef } from '../command-table';
import { MnemoError, notAnInteger, wrongType } from '../errors';
import { KEEP_TTL, type Keyspace } from '../keyspace';
import { stringMemory } from '../memory';
import { addLongDouble, formatLongDoubleExact, LONG_DOUBLE_ZERO } from '../long-double';
import { addInt64, formatInt, INT64_MIN, type Int64, parseInt64 } from '../number-format';
import type { Reply } from '../reply';
import { floatArg } from './args';

export function overflowError(): MnemoError {
  return new MnemoError('ERR', 'increment or decrement would overflow');
}

/**
 * Redis's incrDecrCommand: adds `delta` to the integer in `key` (0 if missing), keeping the TTL.
 * Throws WRONGTYPE, "value is not an integer or out of range", or the overflow error.
 * Returns the new value (number, or bigint outside the safe range).
 */
export function incrGeneric(ks: Keyspace, key: Bytes, delta: Int64): Int64 {
  const e = ks.lookupWrite(key);
  let current: Int64 = 0;
  if (e !== undefined) {
    if (e.hash !== null) throw wrongType();
    const parsed = parseInt64(e.value);
    if (parsed === null) throw notAnInteger();
    current = parsed;
  }
  const result = addInt64(current, delta);
  if (result === null) throw overflowError();
  const text = formatInt(result);
  if (ks.config.maxmemory !== 0) ks.reserve(stringMemory(key.length, text.length) - (e === undefined ? 0 : e.mem), e, null, true);
  ks.putString(e, key, text, KEEP_TTL, 'incrby');
  return result;
}

function deltaArg(arg: Bytes): Int64 {
  const n = parseInt64(arg);
  if (n === null) throw notAnInteger();
  return n;
}

function decrbyCommand(ks: Keyspace, argv: Bytes[]): Reply {
  const n = deltaArg(argv[2]);
  if (typeof n === 'bigint' && n === INT64_MIN) throw new MnemoError('ERR', 'decrement would overflow');
  return incrGeneric(ks, argv[1], -n);
}

/**
 * Redis's incrbyfloatCommand, in 80-bit long double arithmetic (long-double.ts). Its checks come in
 * Redis's order: the key's type, the stored value, then the increment.
 */
function incrbyfloatCommand(ks: Keyspace, argv: Bytes[]): Reply {
  const key = argv[1];
  const e = ks.lookupWrite(key);
  if (e !== undefined && e.hash !== null) throw wrongType();
  const current = e === undefined ? LONG_DOUBLE_ZERO : floatArg(e.value);
  const sum = addLongDouble(current, floatArg(argv[2]));
  if (sum === null) throw new MnemoError('ERR', 'increment would produce NaN or Infinity');
  const text = formatLongDoubleExact(sum);
  ks.reserve(stringMemory(key.length, text.length) - (e === undefined ? 0 : e.mem), e, null, true);
  ks.putString(e, key, text, KEEP_TTL, 'incrbyfloat');
  return text;
}

export const counterCommands: CommandDef[] = [
  command('incr', 2, 'write denyoom fast', [1, 1, 1], 'counter', 'Increments the integer value of a key by one. Uses 0 as initial value if the key doesn\'t exist.', (ks, a) =>
    incrGeneric(ks, a[1], 1),
  ),
  command('decr', 2, 'write denyoom fast', [1, 1, 1], 'counter', 'Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn\'t exist.', (ks, a) =>
    incrGeneric(ks, a[1], -1),
  ),
  command('incrby', 3, 'write denyoom fast', [1, 1, 1], 'counter', 'Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn\'t exist.', (ks, a) =>
    incrGeneric(ks, a[1], deltaArg(a[2])),
  ),
  command('decrby', 3, 'write denyoom fast', [1, 1, 1], 'counter', 'Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn\'t exist.', decrbyCommand),
  command('incrbyfloat', 3, 'write denyoom fast', [1, 1, 1], 'counter', 'Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn\'t exist.', incrbyfloatCommand),
];
