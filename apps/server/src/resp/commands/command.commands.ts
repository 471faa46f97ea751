// COMMAND, COMMAND COUNT / INFO / DOCS / LIST: the command table in Redis 7's reply shapes,
// enough for redis-cli's hints and for client libraries that introspect the server.

import { MnemoError, quoted } from '@mnemo/engine';
import type { ReplyWriter } from '@mnemo/protocol';
import { defineCommand } from '../command-table';
import type { Dispatcher } from '../dispatcher';
import type { RespClient } from '../resp-client';
import type { CommandEntry, RespContext } from '../resp-context';

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
      writer.arrayHeader(all.length);
      for (const entry of all) writer.bulk(entry.name);
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
