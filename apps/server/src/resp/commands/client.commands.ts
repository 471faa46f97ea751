// CLIENT subcommands: ID, GETNAME, SETNAME, LIST, INFO, KILL, SETINFO, NO-EVICT, NO-TOUCH, HELP.

import { MnemoError, syntaxError, quoted } from '@mnemo/engine';
import { defineCommand } from '../command-table';
import type { RespClient } from '../resp-client';
import type { CommandEntry, RespContext } from '../resp-context';
import { writeHelp } from '../reply-render';

/** Returns `name` if Redis would accept it as a client name (printable ASCII, no spaces), else throws. */
/** Redis's validateClientAttr: printable ASCII without spaces, so CLIENT LIST splits on spaces. */
function isClientAttribute(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

export function validateClientName(name: string): string {
  if (!isClientAttribute(name)) throw new MnemoError('ERR', 'Client names cannot contain spaces, newlines or special characters.');
  return name;
}

function subcommandArity(sub: string): MnemoError {
  return new MnemoError('ERR', `wrong number of arguments for 'client|${sub}' command`);
}

function flagsOf(client: RespClient): string {
  let flags = '';
  if (client.monitoring) flags += 'O';
  if (client.subscriptionCount > 0) flags += 'P';
  if (client.multi !== null) flags += 'x';
  if (client.watchDirty) flags += 'd';
  if (client.noEvict) flags += 'e';
  if (client.noTouch) flags += 'T';
  return flags || 'N';
}

/** One CLIENT LIST line, fields in Redis 7.0's order. */
export function describeClient(client: RespClient, now = Date.now()): string {
  const multi = client.multi === null ? -1 : client.multi.length;
  const qbuf = client.parser.heldBytes;
  const omem = client.pendingOutputBytes;
  return (
    `id=${client.id} addr=${client.addr} laddr=${client.laddr} fd=-1 name=${client.name} ` +
    `age=${Math.floor((now - client.createdAt) / 1000)} idle=${Math.floor((now - client.lastInteraction) / 1000)} ` +
    `flags=${flagsOf(client)} db=0 sub=${client.channels.size} psub=${client.patterns.size} ssub=0 multi=${multi} ` +
    `qbuf=${qbuf} qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=${omem} tot-mem=${qbuf + omem} ` +
    `events=r cmd=${client.lastCommand} user=default redir=-1 resp=${client.protocol}` +
    (client.libName || client.libVersion ? ` lib-name=${client.libName} lib-ver=${client.libVersion}` : '')
  );
}

function list(ctx: RespContext, argv: string[]): void {
  let clients = [...ctx.clients.values()];
  for (let i = 2; i < argv.length; i++) {
    const option = argv[i].toLowerCase();
    if (option === 'type' && i + 1 < argv.length) {
      const type = argv[++i].toLowerCase();
      if (type === 'normal') clients = clients.filter((c) => c.subscriptionCount === 0);
      else if (type === 'pubsub') clients = clients.filter((c) => c.subscriptionCount > 0);
      else if (type === 'master' || type === 'replica' || type === 'slave') clients = [];
      else throw new MnemoError('ERR', `Unknown client type '${quoted(argv[i])}'`);
    } else if (option === 'id' && i + 1 < argv.length) {
      const ids = new Set<number>();
      for (i++; i < argv.length; i++) {
        if (!/^\d+$/.test(argv[i])) throw new MnemoError('ERR', 'Invalid client ID');
        ids.add(Number(argv[i]));
      }
      clients = clients.filter((c) => ids.has(c.id));
    } else {
      throw syntaxError();
    }
  }
  const now = Date.now();
  ctx.writer.verbatim(clients.map((c) => `${describeClient(c, now)}\n`).join(''));
}

/** CLIENT KILL ID <id> | ADDR <ip:port> | LADDR <ip:port> | TYPE <type> | USER <name> | SKIPME yes|no | <ip:port> (old form): closes matching clients. */
function kill(ctx: RespContext, self: RespClient, argv: string[]): void {
  if (argv.length === 3) {
    const target = [...ctx.clients.values()].find((c) => c.addr === argv[2]);
    if (!target) throw new MnemoError('ERR', 'No such client');
    if (target === self) self.closeAfterReply();
    else target.destroy();
    ctx.writer.status('OK');
    return;
  }
  if (argv.length % 2 !== 0) throw syntaxError();
  let matches = [...ctx.clients.values()];
  let skipMe = true;
  for (let i = 2; i < argv.length; i += 2) {
    const filter = argv[i].toLowerCase();
    const value = argv[i + 1];
    if (filter === 'id') {
      if (!/^[1-9]\d{0,18}$/.test(value)) throw new MnemoError('ERR', 'client-id should be greater than 0');
      matches = matches.filter((c) => c.id === Number(value));
    } else if (filter === 'addr') matches = matches.filter((c) => c.addr === value);
    else if (filter === 'laddr') matches = matches.filter((c) => c.laddr === value);
    else if (filter === 'skipme') {
      const answer = value.toLowerCase();
      if (answer !== 'yes' && answer !== 'no') throw syntaxError();
      skipMe = answer === 'yes';
    } else if (filter === 'type') {
      // Redis's client types: Mnemo has no replicas or masters, so those match no one.
      const type = value.toLowerCase();
      if (type === 'normal') matches = matches.filter((c) => c.subscriptionCount === 0);
      else if (type === 'pubsub') matches = matches.filter((c) => c.subscriptionCount > 0);
      else if (type === 'master' || type === 'replica' || type === 'slave') matches = [];
      else throw new MnemoError('ERR', `Unknown client type '${quoted(value)}'`);
    } else if (filter === 'user') {
      // The one user there is (requirepass is the default user's password), as Redis names others.
      if (value !== 'default') throw new MnemoError('ERR', `No such user '${quoted(value)}'`);
    }
    else throw syntaxError();
  }
  let killed = 0;
  for (const client of matches) {
    if (client === self) {
      if (skipMe) continue;
      client.closeAfterReply();
    } else {
      client.destroy();
    }
    killed++;
  }
  ctx.writer.integer(killed);
}

const HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port> | ID <id> | ADDR <ip:port> | LADDR <ip:port> [SKIPME yes|no]',
  '    Kill connections.',
  'LIST [TYPE (NORMAL|PUBSUB)] [ID <id> [<id> ...]]',
  '    Return information about client connections.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'SETINFO <LIB-NAME|LIB-VER> <value>',
  '    Set client library name or version.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'NO-TOUCH (ON|OFF)',
  "    Will not touch LRU/LFU stats when this mode is on.",
  'HELP',
  '    Print this help.',
];

function client(ctx: RespContext, self: RespClient, argv: string[]): void {
  const sub = argv[1].toLowerCase();
  const writer = ctx.writer;
  switch (sub) {
    case 'id':
      if (argv.length !== 2) throw subcommandArity(sub);
      writer.integer(self.id);
      return;
    case 'getname':
      if (argv.length !== 2) throw subcommandArity(sub);
      if (self.name === '') writer.nullBulk();
      else writer.bulk(self.name);
      return;
    case 'setname':
      if (argv.length !== 3) throw subcommandArity(sub);
      self.name = validateClientName(argv[2]);
      writer.status('OK');
      return;
    case 'info':
      if (argv.length !== 2) throw subcommandArity(sub);
      writer.verbatim(`${describeClient(self)}\n`);
      return;
    case 'list':
      list(ctx, argv);
      return;
    case 'kill':
      if (argv.length < 3) throw subcommandArity(sub);
      kill(ctx, self, argv);
      return;
    case 'setinfo': {
      if (argv.length !== 4) throw subcommandArity(sub);
      const attribute = argv[2].toLowerCase();
      if (attribute !== 'lib-name' && attribute !== 'lib-ver') throw new MnemoError('ERR', `Unrecognized option '${quoted(argv[2])}'`);
      if (!isClientAttribute(argv[3])) throw new MnemoError('ERR', `${argv[2]} cannot contain spaces, newlines or special characters.`);
      if (attribute === 'lib-name') self.libName = argv[3];
      else self.libVersion = argv[3];
      writer.status('OK');
      return;
    }
    case 'no-evict':
    case 'no-touch': {
      if (argv.length !== 3) throw subcommandArity(sub);
      const mode = argv[2].toLowerCase();
      if (mode !== 'on' && mode !== 'off') throw syntaxError();
      // NO-EVICT only shows in CLIENT LIST: Mnemo never evicts clients (no maxmemory-clients).
      if (sub === 'no-evict') self.noEvict = mode === 'on';
      else self.noTouch = mode === 'on';
      writer.status('OK');
      return;
    }
    case 'help':
      writeHelp(writer, HELP);
      return;
    default:
      throw new MnemoError('ERR', `unknown subcommand '${quoted(argv[1])}'. Try CLIENT HELP.`);
  }
}

export const CLIENT_COMMANDS: CommandEntry[] = [
  defineCommand('client', -2, ['noscript', 'loading', 'stale'], 'connection', 'A container for client connection commands.', client, { since: '2.4.0' }),
];
