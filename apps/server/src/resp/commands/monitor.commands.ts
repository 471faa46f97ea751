// MONITOR: a client that asks sees every command the server runs, printed as Redis 7.0 prints it:
//
//   +1795778681.918984 [0 127.0.0.1:42600] "SET" "k" "v\n\xff"
//
// What is fed, and when (each rule checked against redis-server 7.0.15, resp-monitor.spec.ts):
// - a command is fed after it ran, whatever its reply (an error such as WRONGTYPE included), as
//   Redis's call() does; a command refused before running (unknown, wrong arity, NOAUTH) is not;
// - commands queued in MULTI are fed when EXEC runs them, then EXEC itself;
// - admin commands are never fed (CONFIG, SAVE, BGSAVE, BGREWRITEAOF, MONITOR, and CLIENT LIST,
//   KILL, NO-EVICT); AUTH's arguments and HELLO's AUTH pair are printed as "(redacted)";
// - arguments are quoted as Redis's sdscatrepr quotes them: \" \\ \n \r \t \a \b, other bytes
//   outside printable ASCII as \xhh.
// A monitoring client is treated as Redis treats a replica: commands that read or write the
// keyspace are refused ("Replica can't interact with the keyspace"), others (PING, MULTI, QUIT)
// run and are fed to it like anyone's, MONITOR again is ignored without a reply, and RESET ends
// monitoring. It is not closed for being idle, and is closed when 32 MB of lines wait unread.

import { MnemoError } from '@mnemo/engine';
import { defineCommand } from '../command-table';
import type { RespClient } from '../resp-client';
import type { CommandEntry, RespContext } from '../resp-context';

/** CLIENT subcommands Redis flags admin: never fed. */
const ADMIN_CLIENT_SUBCOMMANDS = new Set(['list', 'kill', 'no-evict', 'pause', 'unpause']);

/** True if the command must not be fed to monitors (see the design note). */
function hiddenFromMonitors(entry: CommandEntry, argv: string[]): boolean {
  if (entry.flags.includes('admin')) return true;
  return entry.name === 'client' && argv.length > 1 && ADMIN_CLIENT_SUBCOMMANDS.has(argv[1].toLowerCase());
}

const ESCAPES: Record<number, string> = { 0x5c: '\\\\', 0x22: '\\"', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x07: '\\a', 0x08: '\\b' };

/** Every byte sdscatrepr prints other than as itself: not printable ASCII, a quote or a backslash. */
const NEEDS_ESCAPE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;

function escapeByte(char: string): string {
  const c = char.charCodeAt(0);
  return ESCAPES[c] ?? `\\x${c.toString(16).padStart(2, '0')}`;
}

/**
 * An argument as Redis's sdscatrepr prints it, quotes included. One regex replace rather than a
 * string grown char by char: a 100 MB value fed to a MONITOR used to take ~33 bytes of heap per
 * byte and seconds of the event loop (and ended the process at the heap limit); a replace with
 * no match returns the argument itself.
 */
export function quoteArgument(arg: string): string {
  return `"${arg.replace(NEEDS_ESCAPE, escapeByte)}"`;
}

/** The arguments as printed: AUTH's, and the pair after HELLO's AUTH, replaced by "(redacted)". */
function printedArguments(entry: CommandEntry, argv: string[]): string[] {
  if (entry.name === 'auth') return [argv[0], ...argv.slice(1).map(() => '(redacted)')];
  if (entry.name !== 'hello') return argv;
  // HELLO protover [AUTH user pass] [SETNAME name], walked by its syntax: a client named "auth"
  // (HELLO 3 SETNAME auth AUTH default pw) must not hide its name and print the password.
  const printed = [...argv];
  for (let i = 2; i < printed.length; ) {
    const option = printed[i].toLowerCase();
    if (option === 'auth') {
      for (let j = i + 1; j <= i + 2 && j < printed.length; j++) printed[j] = '(redacted)';
      i += 3;
    } else i += option === 'setname' ? 2 : 1;
  }
  return printed;
}

/** The status line a monitor receives for `argv` run by `client` at `nowMicros` (µs since the epoch). */
export function monitorLine(client: RespClient, entry: CommandEntry, argv: string[], nowMicros: number): Buffer {
  const seconds = Math.floor(nowMicros / 1e6);
  const micros = String(Math.floor(nowMicros - seconds * 1e6)).padStart(6, '0');
  const args = printedArguments(entry, argv).map(quoteArgument).join(' ');
  return Buffer.from(`+${seconds}.${micros} [0 ${client.addr}] ${args}\r\n`, 'latin1');
}

/** Feeds a command that just ran to every monitor (the dispatcher calls it when there is one). */
export function feedMonitors(ctx: RespContext, client: RespClient, entry: CommandEntry, argv: string[]): void {
  if (hiddenFromMonitors(entry, argv)) return;
  const line = monitorLine(client, entry, argv, (performance.timeOrigin + performance.now()) * 1000);
  const message = { encode: () => line };
  for (const monitor of ctx.monitors) monitor.deliver(message);
}

/**
 * The refusal a monitoring client gets for `entry`, else null: Redis refuses a replica the
 * commands that read, write or may replicate (PUBLISH is one, though COMMAND INFO does not say so).
 */
export function monitorRefusal(entry: CommandEntry): string | null {
  const touchesKeyspace = entry.write || entry.flags.includes('readonly') || entry.name === 'publish';
  return touchesKeyspace ? "ERR Replica can't interact with the keyspace" : null;
}

function monitor(ctx: RespContext, client: RespClient): void {
  if (client.inExec) throw new MnemoError('ERR', "MONITOR isn't allowed for DENY BLOCKING client");
  if (client.monitoring) return; // Redis ignores it, without a reply
  ctx.monitors.add(client);
  ctx.writer.status('OK');
}

export const MONITOR_COMMANDS: CommandEntry[] = [
  defineCommand('monitor', 1, ['admin', 'noscript', 'loading', 'stale'], 'server', 'Listens for all requests received by the server in real-time.', monitor),
];
