// Introspection commands: OBJECT ENCODING/FREQ/IDLETIME/REFCOUNT and MEMORY USAGE.
import type { Bytes } from '../bytes';
import { command, type CommandDef } from '../command-table';
import type { Entry } from '../entry';
import { MnemoError, syntaxError, wrongArity } from '../errors';
import { LRU_TICKS_PER_MS, TRACK_LFU } from '../access-tracking';
import type { Keyspace } from '../keyspace';
import { lfuDecrAndReturn } from '../lfu';
import { parseInt64 } from '../number-format';
import { StatusReply, type Reply } from '../reply';

/** OBJECT ENCODING's answer for an entry. */
export function encodingOf(e: Entry): string {
  if (e.hash !== null) return e.hash.hashtable ? 'hashtable' : 'listpack';
  const v = e.value;
  if (v.length <= 20 && parseInt64(v) !== null) return 'int';
  return v.length <= 44 ? 'embstr' : 'raw';
}

/** Redis's OBJ_SHARED_REFCOUNT: the refcount OBJECT REFCOUNT shows for a shared object. */
export const SHARED_REFCOUNT = 2147483647;

/**
 * OBJECT REFCOUNT. Redis stores the integers 0..9999 as shared objects (refcount INT_MAX) unless
 * maxmemory is set with an LRU, LFU or LRM policy, which needs per-key access data; every other
 * value has one reference. Redis decides when the value is written; Mnemo shares nothing and
 * decides when asked, so a value written before a policy change reads as one written now would.
 */
export function refcountOf(ks: Keyspace, e: Entry): number {
  if (e.hash !== null || e.value.length > 4) return 1;
  const n = parseInt64(e.value);
  if (typeof n !== 'number' || n < 0 || n >= 10000) return 1;
  const perKeyData = ks.config.maxmemory > 0 && /-(lru|lfu|lrm)$/.test(ks.config.policy);
  return perKeyData ? 1 : SHARED_REFCOUNT;
}

/** Seconds since the entry's last access (OBJECT IDLETIME). */
export function idleSecondsOf(ks: Keyspace, e: Entry): number {
  const ticks = ks.lruIdleTicks(e);
  return ticks <= 0 ? 0 : Math.floor(Math.round(ticks / LRU_TICKS_PER_MS) / 1000);
}

const SWITCH_NOTE = 'Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';

/** A HELP reply: simple strings, as Redis's addReplyHelp writes every line. */
function helpLines(lines: string[]): Reply {
  return lines.map((line) => new StatusReply(line));
}

function objectCommand(ks: Keyspace, argv: Bytes[]): Reply {
  const sub = argv[1].toLowerCase();
  if (sub === 'help' && argv.length === 2) {
    return helpLines([
      'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
      'ENCODING <key>',
      '    Return the kind of internal representation used in order to store the value',
      '    associated with a <key>.',
      'FREQ <key>',
      '    Return the access frequency index of the <key>. The returned integer is',
      '    proportional to the logarithm of the recent access frequency of the key.',
      'IDLETIME <key>',
      '    Return the idle time of the <key>, that is the approximated number of',
      '    seconds elapsed since the last access to the key.',
      'REFCOUNT <key>',
      '    Return the number of references of the value associated with the specified',
      '    <key>.',
      'HELP',
      '    Print this help.',
    ]);
  }
  if (sub !== 'encoding' && sub !== 'freq' && sub !== 'idletime' && sub !== 'refcount') {
    throw new MnemoError('ERR', `unknown subcommand '${argv[1].slice(0, 128)}'. Try OBJECT HELP.`);
  }
  if (argv.length !== 3) throw wrongArity(`object|${sub}`);
  const e = lookupCounted(ks, argv[2]);
  if (e === undefined) return null;
  if (sub === 'encoding') return encodingOf(e);
  if (sub === 'refcount') return refcountOf(ks, e);
  const lfu = ks.trackMode === TRACK_LFU;
  if (sub === 'idletime') {
    if (lfu) throw new MnemoError('ERR', `An LFU maxmemory policy is selected, idle time not tracked. ${SWITCH_NOTE}`);
    return idleSecondsOf(ks, e);
  }
  if (!lfu) throw new MnemoError('ERR', `An LFU maxmemory policy is not selected, access frequency not tracked. ${SWITCH_NOTE}`);
  return lfuDecrAndReturn(e.lfu, ks.now, ks.config.lfuDecayTime);
}

function memoryCommand(ks: Keyspace, argv: Bytes[]): Reply {
  const sub = argv[1].toLowerCase();
  if (sub === 'help' && argv.length === 2) {
    return helpLines([
      'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
      'USAGE <key> [SAMPLES <count>]',
      '    Return memory in bytes used by <key> and its value.',
      'HELP',
      '    Print this help.',
    ]);
  }
  if (sub !== 'usage') throw new MnemoError('ERR', `unknown subcommand '${argv[1].slice(0, 128)}'. Try MEMORY HELP.`);
  if (argv.length < 3) throw wrongArity('memory|usage');
  for (let j = 3; j < argv.length; j += 2) {
    if (argv[j].toLowerCase() !== 'samples' || j + 1 >= argv.length) throw syntaxError();
    const n = parseInt64(argv[j + 1]);
    if (n === null) throw new MnemoError('ERR', 'value is not an integer or out of range');
    if (n < 0) throw syntaxError();
  }
  const e = lookupCounted(ks, argv[2]);
  return e === undefined ? null : e.mem;
}

/** Redis's objectCommandLookup: no touch and no keymiss event, but a keyspace hit or miss. */
function lookupCounted(ks: Keyspace, key: Bytes): Entry | undefined {
  const e = ks.lookupQuiet(key);
  if (e === undefined) ks.misses++;
  else ks.hits++;
  return e;
}

export const introspectionCommands: CommandDef[] = [
  command('object', -2, 'readonly', [2, 2, 1], 'keyspace', 'A container for object introspection commands.', objectCommand),
  command('memory', -2, 'readonly', [2, 2, 1], 'server', 'A container for memory diagnostics commands.', memoryCommand),
];
