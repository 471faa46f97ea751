// SLOWLOG, LATENCY and ROLE, for the monitoring agents that poll them (redis_exporter, Datadog's
// redisdb check, redis-cli). Mnemo does not time each command (that would cost every command two
// clock reads), so the slow log and the latency monitor are always empty, as they are in a Redis
// with `slowlog-log-slower-than -1` and `latency-monitor-threshold 0`, which CONFIG GET reports.
// ROLE: Mnemo is a primary without replicas.

import { MnemoError, parseInt64 } from '@mnemo/engine';
import { defineCommand } from '../command-table';
import type { RespClient } from '../resp-client';
import type { CommandEntry, RespContext } from '../resp-context';
import { writeHelp } from '../reply-render';

const SLOWLOG_HELP = [
  'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
  'HELP',
  '    Prints this help.',
];

const LATENCY_HELP = [
  'LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  'HISTOGRAM [<command> ...]',
  '    Return a cumulative distribution of latencies (none: Mnemo does not time commands).',
  'HELP',
  '    Prints this help.',
];

const LATENCY_DOCTOR =
  'Latency monitoring is disabled in Mnemo: it does not time commands. The server log reports ' +
  'event-loop stalls of snapshots and log commits, and the dashboard shows their durations.';

function slowlog(ctx: RespContext, _client: RespClient, argv: string[]): void {
  switch (argv[1].toLowerCase()) {
    case 'get': {
      const count = argv.length === 3 ? parseInt64(argv[2]) : 10;
      if (count === null || count < -1) throw new MnemoError('ERR', 'count should be greater than or equal to -1');
      ctx.writer.arrayHeader(0);
      return;
    }
    case 'len':
      ctx.writer.integer(0);
      return;
    case 'reset':
      ctx.writer.status('OK');
      return;
    default:
      writeHelp(ctx.writer, SLOWLOG_HELP);
  }
}

function latency(ctx: RespContext, _client: RespClient, argv: string[]): void {
  switch (argv[1].toLowerCase()) {
    case 'latest':
    case 'history':
    case 'histogram':
      ctx.writer.arrayHeader(0);
      return;
    case 'reset':
      ctx.writer.integer(0);
      return;
    case 'doctor':
      ctx.writer.verbatim(LATENCY_DOCTOR);
      return;
    case 'graph':
      throw new MnemoError('ERR', `No samples available for event '${argv[2]}'`);
    default:
      writeHelp(ctx.writer, LATENCY_HELP);
  }
}

function role(ctx: RespContext): void {
  ctx.writer.arrayHeader(3);
  ctx.writer.bulk('master');
  ctx.writer.integer(0);
  ctx.writer.arrayHeader(0);
}

export const DIAGNOSTICS_COMMANDS: CommandEntry[] = [
  defineCommand('slowlog', -2, [], 'server', 'A container for slow log commands.', slowlog, { since: '2.2.12' }),
  defineCommand('latency', -2, [], 'server', 'A container for latency diagnostics commands.', latency, { since: '2.8.13' }),
  defineCommand('role', 1, ['noscript', 'loading', 'stale', 'fast'], 'server', 'Returns the replication role.', role, { since: '2.8.12' }),
];
