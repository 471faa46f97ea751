// COMMAND, COMMAND COUNT / INFO / DOCS / LIST / GETKEYS / HELP: the command table in Redis 7's reply shapes,
// enough for redis-cli's hints and for client libraries that introspect the server.

import { MnemoError, quoted, syntaxError } from '@mnemo/engine';
import type { ReplyWriter } from '@mnemo/protocol';
import { compileGlob } from '../../admin-gateway/glob';
import { arityOk, CommandTable, defineCommand } from '../command-table';
import { SUBCOMMAND_ARITY } from '../subcommands';
import type { Dispatcher } from '../dispatcher';
import type { RespClient } from '../resp-client';
import type { CommandEntry, RespContext } from '../resp-context';
import { writeHelp } from '../reply-render';

const GROUP_CATEGORIES: Record<string, string> = {
  string: '@string',
  hash: '@hash',
  generic: '@keyspace',
  connection: '@connection',
  pubsub: '@pubsub',
  transactions: '@transaction',
  server: '@admin',
};

/** ACL categories derived from flags and group, as Redis lists them in COMMAND INFO. */
function categories(entry: CommandEntry): string[] {
  const out = new Set<string>();
  if (GROUP_CATEGORIES[entry.group]) out.add(GROUP_CATEGORIES[entry.group]);
  if (entry.flags.includes('write')) out.add('@write');
  if (entry.flags.includes('readonly')) out.add('@read');
  if (entry.flags.includes('admin')) out.add('@dangerous');
  out.add(entry.flags.includes('fast') ? '@fast' : '@slow');
  return [...out];
}

/** One COMMAND INFO element: name, arity, flags, first/last key, step, ACL categories, tips, key specs, subcommands. */
function writeInfo(writer: ReplyWriter, entry: CommandEntry): void {
  writer.arrayHeader(10);
  writer.bulk(entry.name);
  writer.integer(entry.arity);
  writer.setHeader(entry.flags.length);
  for (const flag of entry.flags) writer.status(flag);
  writer.integer(entry.firstKey);
  writer.integer(entry.lastKey);
  writer.integer(entry.step);
  const acl = categories(entry);
  writer.setHeader(acl.length);
  for (const category of acl) writer.status(category);
  writer.arrayHeader(0);
  writer.arrayHeader(0);
  writer.arrayHeader(0);
}

/** One COMMAND DOCS entry: a map of summary, since, group, complexity. */
function writeDocs(writer: ReplyWriter, entry: CommandEntry): void {
  writer.bulk(entry.name);
  writer.mapHeader(4);
  writer.bulk('summary');
  writer.bulk(entry.summary);
  writer.bulk('since');
  writer.bulk(entry.since);
  writer.bulk('group');
  writer.bulk(entry.group);
  writer.bulk('complexity');
  writer.bulk(entry.flags.includes('fast') ? 'O(1)' : 'O(N)');
}

const HELP = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'HELP',
  '    Print this help.',
];

/**
 * COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN glob], parsed as Redis 7 parses
 * it. Names include subcommands (`client|setname`) for a pattern, as Redis matches full names;
 * Mnemo has no modules, and its ACL categories are the ones COMMAND INFO shows.
 */
function listCommands(table: CommandTable, argv: string[]): string[] {
  if (argv.length === 2) return table.all().map((entry) => entry.name);
  if (argv.length !== 5 || argv[2].toLowerCase() !== 'filterby') throw syntaxError();
  const kind = argv[3].toLowerCase();
  const arg = argv[4];
  if (kind === 'module') return [];
  if (kind === 'aclcat') return table.all().filter((entry) => categories(entry).includes(`@${arg.toLowerCase()}`)).map((entry) => entry.name);
  if (kind !== 'pattern') throw syntaxError();
  const matches = compileGlob(arg.toLowerCase()); // names are lower case: Redis matches them without case
  const names: string[] = [];
  for (const entry of table.all()) {
    if (matches(entry.name)) names.push(entry.name);
    for (const sub of Object.keys(SUBCOMMAND_ARITY[entry.name] ?? {})) if (matches(`${entry.name}|${sub}`)) names.push(`${entry.name}|${sub}`);
  }
  return names;
}

/** COMMAND GETKEYS <command> <args...>: the key positions of the command's first/last/step, as Redis's errors say. */
function getKeys(table: CommandTable, argv: string[]): string[] {
  const command = argv.slice(2);
  const entry = table.lookup(command[0]);
  if (entry === undefined) throw new MnemoError('ERR', 'Invalid command specified');
  if (entry.firstKey <= 0) throw new MnemoError('ERR', 'The command has no key arguments');
  if (!arityOk(entry, command.length)) throw new MnemoError('ERR', 'Invalid number of arguments specified for command');
  const last = entry.lastKey < 0 ? command.length + entry.lastKey : entry.lastKey;
  const keys: string[] = [];
  for (let i = entry.firstKey; i <= last && i < command.length; i += entry.step) keys.push(command[i]);
  return keys;
}

function commandCommand(dispatcher: () => Dispatcher) {
  return (ctx: RespContext, _client: RespClient, argv: string[]): void => {
    const table = dispatcher().table;
    const writer = ctx.writer;
    const all = table.all();
    if (argv.length === 1) {
      writer.arrayHeader(all.length);
      for (const entry of all) writeInfo(writer, entry);
      return;
    }
    const sub = argv[1].toLowerCase();
    if (sub === 'count' && argv.length === 2) {
      writer.integer(all.length);
    } else if (sub === 'list') {
      const names = listCommands(table, argv);
      writer.arrayHeader(names.length);
      for (const name of names) writer.bulk(name);
    } else if (sub === 'getkeys') {
      const keys = getKeys(table, argv);
      writer.arrayHeader(keys.length);
      for (const key of keys) writer.bulk(key);
    } else if (sub === 'help' && argv.length === 2) {
      writeHelp(writer, HELP);
    } else if (sub === 'info') {
      const entries = argv.length === 2 ? all : argv.slice(2).map((name) => table.lookup(name));
      writer.arrayHeader(entries.length);
      for (const entry of entries) {
        // An unknown name gets a null bulk ($-1), as Redis 7.0 answers it.
        if (entry) writeInfo(writer, entry);
        else writer.nullBulk();
      }
    } else if (sub === 'docs') {
      const entries = argv.length === 2 ? all : argv.slice(2).flatMap((name) => table.lookup(name) ?? []);
      writer.mapHeader(entries.length);
      for (const entry of entries) writeDocs(writer, entry);
    } else if (sub === 'count') {
      throw new MnemoError('ERR', "wrong number of arguments for 'command|count' command");
    } else {
      throw new MnemoError('ERR', `unknown subcommand '${quoted(argv[1])}'. Try COMMAND HELP.`);
    }
  };
}

export function commandCommands(dispatcher: () => Dispatcher): CommandEntry[] {
  return [
    defineCommand('command', -1, ['loading', 'stale'], 'server', 'Returns detailed information about all commands.', commandCommand(dispatcher), {
      since: '2.8.13',
    }),
  ];
}
