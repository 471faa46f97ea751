// INFO: the Redis sections (server, clients, memory, persistence, stats, replication, cpu,
// keyspace) with Redis's field names, built from the engine, persistence and listener counters.

import { totalmem } from 'node:os';
import { ACTIVE_EXPIRE_INTERVAL_MS } from '@mnemo/engine';
import type { RespContext } from '../resp-context';
import { REDIS_COMPAT_VERSION } from './connection.commands';
import { MNEMO_VERSION } from '../../version';

type Section = Array<[string, string | number]>;

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'errorstats', 'keyspace'];
/** Every section, in Redis's order; commandstats only when asked for (or all/everything), as Redis. */
const ALL_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'commandstats', 'errorstats', 'keyspace'];

/** Redis's bytesToHuman: 1.50K, 2.00M, 3B. */
export function bytesToHuman(bytes: number): string {
  if (bytes < 1024) return `${bytes}B`;
  const units = ['K', 'M', 'G', 'T', 'P'];
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(2)}${units[unit]}`;
}

function sectionsOf(ctx: RespContext): Record<string, () => Section> {
  const now = Date.now();
  const uptime = Math.floor((now - ctx.startedAt) / 1000);
  return {
    server: () => [
      ['redis_version', REDIS_COMPAT_VERSION],
      ['mnemo_version', MNEMO_VERSION],
      ['redis_mode', 'standalone'],
      ['os', `${process.platform} ${process.arch}`],
      ['arch_bits', 64],
      // libuv's poller: what Redis's ae reports as its multiplexing API.
      ['multiplexing_api', process.platform === 'linux' ? 'epoll' : process.platform === 'win32' ? 'iocp' : 'kqueue'],
      ['process_id', process.pid],
      ['process_supervised', 'no'],
      ['run_id', ctx.runId],
      ['tcp_port', ctx.port],
      ['server_time_usec', now * 1000],
      ['uptime_in_seconds', uptime],
      ['uptime_in_days', Math.floor(uptime / 86400)],
      ['hz', 1000 / ACTIVE_EXPIRE_INTERVAL_MS],
      ['configured_hz', 1000 / ACTIVE_EXPIRE_INTERVAL_MS],
      ['executable', process.argv[1] ?? ''],
      ['config_file', ctx.config.config],
      ['io_threads_active', 0],
    ],
    clients: () => {
      let pubsub = 0;
      let watching = 0;
      let maxInput = 0;
      for (const client of ctx.clients.values()) {
        if (client.subscriptionCount > 0) pubsub++;
        if (client.watched.size > 0) watching++;
        maxInput = Math.max(maxInput, client.parser.heldBytes);
      }
      return [
        ['connected_clients', ctx.clients.size],
        ['maxclients', ctx.config.maxclients],
        ['client_recent_max_input_buffer', maxInput],
        ['blocked_clients', 0],
        ['tracking_clients', 0],
        ['pubsub_clients', pubsub],
        ['watching_clients', watching],
        ['total_watched_keys', ctx.watches.size],
      ];
    },
    memory: () => {
      const stats = ctx.engine.stats();
      const process_ = process.memoryUsage();
      return [
        ['used_memory', stats.usedMemory],
        ['used_memory_human', bytesToHuman(stats.usedMemory)],
        ['used_memory_rss', process_.rss],
        ['used_memory_rss_human', bytesToHuman(process_.rss)],
        ['used_memory_peak', stats.peakMemory],
        ['used_memory_peak_human', bytesToHuman(stats.peakMemory)],
        ['used_memory_heap', process_.heapUsed],
        ['total_system_memory', totalmem()],
        ['total_system_memory_human', bytesToHuman(totalmem())],
        ['maxmemory', stats.maxmemory],
        ['maxmemory_human', bytesToHuman(stats.maxmemory)],
        ['maxmemory_policy', stats.maxmemoryPolicy],
        // No mem_fragmentation_ratio: used_memory is the keyspace's estimate alone, without the
        // runtime's own ~60 MB, so RSS / used_memory would read 300,000 on a small dataset and
        // set off every fragmentation alert. Compare used_memory_rss with used_memory instead.
        ['mem_allocator', 'v8'],
      ];
    },
    persistence: () => Object.entries(ctx.keyspace.persistence.info()),
    stats: () => {
      const stats = ctx.engine.stats();
      return [
        ['total_connections_received', ctx.stats.connectionsReceived],
        ['total_commands_processed', ctx.commandsProcessed()],
        ['total_net_input_bytes', ctx.stats.netInputBytes],
        ['total_net_output_bytes', ctx.stats.netOutputBytes],
        ['instantaneous_ops_per_sec', ctx.metrics.opsPerSec],
        ['instantaneous_input_kbps', ctx.metrics.inputKbps],
        ['instantaneous_output_kbps', ctx.metrics.outputKbps],
        ['rejected_connections', ctx.stats.rejectedConnections],
        ['expired_keys', stats.expiredKeys],
        ['expired_stale_perc', (stats.expiredStaleFraction * 100).toFixed(2)],
        ['evicted_keys', stats.evictedKeys],
        ['keyspace_hits', stats.hits],
        ['keyspace_misses', stats.misses],
        ['pubsub_channels', ctx.pubsub.channelCount],
        ['pubsub_patterns', ctx.pubsub.patternCount],
        ['total_error_replies', ctx.stats.errorReplies],
      ];
    },
    // A primary without replicas, in Redis 7.0's fields (exporters read master_repl_offset).
    replication: () => [
      ['role', 'master'],
      ['connected_slaves', 0],
      ['master_failover_state', 'no-failover'],
      ['master_replid', ctx.runId],
      ['master_replid2', '0'.repeat(40)],
      ['master_repl_offset', 0],
      ['second_repl_offset', -1],
      ['repl_backlog_active', 0],
      ['repl_backlog_size', 1048576],
      ['repl_backlog_first_byte_offset', 0],
      ['repl_backlog_histlen', 0],
    ],
    cpu: () => {
      const usage = process.cpuUsage();
      return [
        ['used_cpu_sys', (usage.system / 1e6).toFixed(6)],
        ['used_cpu_user', (usage.user / 1e6).toFixed(6)],
      ];
    },
    // Calls per command from every front end (the engine counts HTTP and RESP alike; the
    // listener its own commands), and the RESP refusals and failures. Mnemo does not time each
    // command: usec and usec_per_call are 0, present so that exporters reading the fields by
    // position (redis_exporter) or by name (Datadog) parse the line.
    commandstats: () => {
      const calls = new Map(Object.entries(ctx.engine.stats().commandCalls).filter(([, count]) => count > 0));
      for (const [name, count] of ctx.stats.listenerCalls) calls.set(name, (calls.get(name) ?? 0) + count);
      const names = new Set([...calls.keys(), ...ctx.stats.rejectedCalls.keys(), ...ctx.stats.failedCalls.keys()]);
      return [...names]
        .sort()
        .map((name): [string, string] => [
          `cmdstat_${name}`,
          `calls=${calls.get(name) ?? 0},usec=0,usec_per_call=0.00,rejected_calls=${ctx.stats.rejectedCalls.get(name) ?? 0},failed_calls=${ctx.stats.failedCalls.get(name) ?? 0}`,
        ]);
    },
    // Error replies by code, as Redis 7 (errorstat_WRONGTYPE:count=3); those the listener refused
    // or a command failed with, as total_error_replies counts them.
    errorstats: () =>
      [...ctx.stats.errorCodes.keys()].sort().map((code): [string, string] => [`errorstat_${code}`, `count=${ctx.stats.errorCodes.get(code)}`]),
    keyspace: () => {
      const stats = ctx.engine.stats();
      return stats.keys > 0 ? [['db0', `keys=${stats.keys},expires=${stats.keysWithTtl},avg_ttl=${stats.avgTtlMs}`]] : [];
    },
  };
}

/** The INFO text for the requested sections (none, 'default', 'all', 'everything' or names). */
export function buildInfo(ctx: RespContext, requested: string[]): string {
  const sections = sectionsOf(ctx);
  // Redis 7 takes several names, and `default`, `all` and `everything` add their sections to the
  // others named: `INFO default commandstats` is the default sections and commandstats.
  const asked = requested.length === 0 ? ['default'] : requested.map((name) => name.toLowerCase());
  const names = new Set(asked);
  if (names.has('all') || names.has('everything')) ALL_SECTIONS.forEach((name) => names.add(name));
  if (names.has('default')) DEFAULT_SECTIONS.forEach((name) => names.add(name));
  const blocks: string[] = [];
  for (const name of ALL_SECTIONS) {
    if (!names.has(name)) continue;
    // Redis's section titles: "# Server", "# CPU", "# Commandstats".
    const title = name === 'cpu' ? 'CPU' : name[0].toUpperCase() + name.slice(1);
    const lines = sections[name]().map(([field, value]) => `${field}:${value}`);
    blocks.push([`# ${title}`, ...lines].join('\r\n'));
  }
  return blocks.length ? `${blocks.join('\r\n\r\n')}\r\n` : '';
}
