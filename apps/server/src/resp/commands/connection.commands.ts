// Connection commands: PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET.

import { createHash, timingSafeEqual } from 'node:crypto';
import { MnemoError, parseInt64, syntaxError, quoted } from '@mnemo/engine';
import type { ReplyWriter } from '@mnemo/protocol';
import { defineCommand } from '../command-table';
import type { RespClient } from '../resp-client';
import type { CommandEntry, RespContext } from '../resp-context';
import { validateClientName } from './client.commands';

/** Version reported to clients that check it (INFO redis_version, HELLO): the Redis we mimic. */
export const REDIS_COMPAT_VERSION = '7.0.15';

const WRONGPASS = new MnemoError('WRONGPASS', 'invalid username-password pair or user is disabled.');

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'latin1').digest();
}

/**
 * Checks credentials against requirepass for the only user, "default" (Redis's model without
 * ACL files). Throws WRONGPASS on a mismatch; compares in constant time.
 */
export function authenticate(ctx: RespContext, client: RespClient, username: string, password: string): void {
  const required = ctx.config.requirepass;
  if (username !== 'default') throw WRONGPASS;
  if (required !== '' && !timingSafeEqual(digest(required), digest(password))) throw WRONGPASS;
  client.authenticated = true;
}

/** Redis's canonical integer (string2ll: no leading zeros, "+" or spaces), or null. */
function parseIntegerArg(text: string): number | null {
  const value = parseInt64(text);
  return value === null ? null : Number(value);
}

function ping(ctx: RespContext, client: RespClient, argv: string[]): void {
  if (argv.length > 2) throw new MnemoError('ERR', "wrong number of arguments for 'ping' command");
  const writer = ctx.writer;
  if (client.inPubSubMode) {
    writer.arrayHeader(2);
    writer.bulk('pong');
    writer.bulk(argv.length === 2 ? argv[1] : '');
  } else if (argv.length === 2) {
    writer.bulk(argv[1]);
  } else {
    writer.status('PONG');
  }
}

function writeHello(writer: ReplyWriter, client: RespClient): void {
  writer.mapHeader(7);
  writer.bulk('server');
  writer.bulk('redis');
  writer.bulk('version');
  writer.bulk(REDIS_COMPAT_VERSION);
  writer.bulk('proto');
  writer.integer(client.protocol);
  writer.bulk('id');
  writer.integer(client.id);
  writer.bulk('mode');
  writer.bulk('standalone');
  writer.bulk('role');
  writer.bulk('master');
  writer.bulk('modules');
  writer.arrayHeader(0);
}

/** HELLO [protover [AUTH username password] [SETNAME clientname]]: switches protocol, replies with a map. */
function hello(ctx: RespContext, client: RespClient, argv: string[]): void {
  let version = client.protocol as number;
  if (argv.length >= 2) {
    const parsed = parseIntegerArg(argv[1]);
    if (parsed === null) throw new MnemoError('ERR', 'Protocol version is not an integer or out of range');
    if (parsed < 2 || parsed > 3) throw new MnemoError('NOPROTO', 'unsupported protocol version');
    version = parsed;
  }
  let credentials: [string, string] | null = null;
  let name: string | null = null;
  for (let j = 2; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const option = argv[j].toLowerCase();
    if (option === 'auth' && more >= 2) {
      credentials = [argv[j + 1], argv[j + 2]];
      j += 2;
    } else if (option === 'setname' && more >= 1) {
      name = validateClientName(argv[j + 1]); // before AUTH, as Redis: a refused HELLO authenticates nobody
      j++;
    } else {
      throw new MnemoError('ERR', `Syntax error in HELLO option '${quoted(argv[j])}'`);
    }
  }
  if (credentials) authenticate(ctx, client, credentials[0], credentials[1]);
  if (client.authRequired) {
    throw new MnemoError(
      'NOAUTH',
      'HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    );
  }
  if (name !== null) client.name = name;
  client.protocol = version as 2 | 3;
  ctx.writer.protocol = client.protocol;
  writeHello(ctx.writer, client);
}

function auth(ctx: RespContext, client: RespClient, argv: string[]): void {
  if (argv.length > 3) throw syntaxError();
  if (argv.length === 2 && ctx.config.requirepass === '') {
    throw new MnemoError(
      'ERR',
      'AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    );
  }
  const [username, password] = argv.length === 3 ? [argv[1], argv[2]] : ['default', argv[1]];
  authenticate(ctx, client, username, password);
  ctx.writer.status('OK');
}

function select(ctx: RespContext, client: RespClient, argv: string[]): void {
  const index = parseIntegerArg(argv[1]);
  if (index === null) throw new MnemoError('ERR', 'value is not an integer or out of range');
  if (index !== 0) {
    if (!client.usedDatabase || client.inExec) client.refusedDatabase = index;
    throw new MnemoError('ERR', 'DB index is out of range');
  }
  client.refusedDatabase = null;
  ctx.writer.status('OK');
}

function quit(ctx: RespContext, client: RespClient): void {
  ctx.writer.status('OK');
  client.closeAfterReply();
}

/** RESET: back to a fresh connection (no MULTI, WATCH, subscriptions, MONITOR, name, NO-TOUCH, NO-EVICT, refused SELECT; RESP2; re-auth if required). */
function reset(ctx: RespContext, client: RespClient): void {
  client.multi = null;
  client.multiFailed = false;
  ctx.watches.unwatchAll(client);
  ctx.pubsub.removeClient(client);
  ctx.monitors.delete(client);
  client.name = '';
  client.noTouch = false;
  client.noEvict = false;
  client.refusedDatabase = null;
  client.usedDatabase = false;
  client.protocol = 2;
  ctx.writer.protocol = 2;
  client.authenticated = ctx.config.requirepass === '';
  ctx.writer.status('RESET');
}

export const CONNECTION_COMMANDS: CommandEntry[] = [
  defineCommand('ping', -1, ['fast', 'sentinel'], 'connection', 'Returns the server\'s liveliness response.', ping, { pubsubContext: true }),
  defineCommand('echo', 2, ['fast'], 'connection', 'Returns the given string.', (ctx, _c, argv) => ctx.writer.bulk(argv[1])),
  defineCommand('hello', -1, ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'sentinel', 'allow_busy'], 'connection', 'Handshakes with the Redis server.', hello, { since: '6.0.0' }),
  defineCommand('auth', -2, ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'sentinel', 'allow_busy'], 'connection', 'Authenticates the connection.', auth),
  defineCommand('select', 2, ['loading', 'stale', 'fast'], 'connection', 'Changes the selected database (only database 0 exists).', select),
  defineCommand('quit', -1, ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'], 'connection', 'Closes the connection.', quit, {
    pubsubContext: true,
    transactionControl: true,
  }),
  defineCommand('reset', 1, ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], 'connection', 'Resets the connection.', reset, {
    pubsubContext: true,
    transactionControl: true,
    since: '6.2.0',
  }),
];
