// Mnemo against a real Redis 7 (/usr/bin/redis-server, started on a free port for this run):
// the same command sequences must give the same replies (error texts included), or at least the
// same reply types where values legitimately differ (ids, times, memory figures).

import { RespValue } from '@mnemo/protocol';
import { RawClient, useMnemoAndRedis } from './support/resp-support';

const servers = useMnemoAndRedis();

/** The reply with values erased: only types and nesting. */
function shape(value: RespValue): unknown {
  switch (value.type) {
    case 'array':
    case 'set':
    case 'push':
      return { type: value.type, items: value.value.map(shape) };
    case 'map':
    case 'attribute':
      return { type: value.type, size: value.value.length };
    case 'null':
      return { type: 'null', kind: value.kind };
    default:
      return { type: value.type };
  }
}

type Step = string[] | { argv: string[]; compare: 'type' };

/** Runs the steps on a fresh connection to each server; returns [mnemo replies, redis replies]. */
async function both(steps: Step[]): Promise<[unknown[], unknown[]]> {
  const out: unknown[][] = [];
  for (const port of [servers.mnemo.port, servers.redis.port]) {
    const client = await RawClient.connect(port);
    const replies: unknown[] = [];
    for (const step of steps) {
      const argv = Array.isArray(step) ? step : step.argv;
      const reply = await client.command(...argv);
      replies.push(Array.isArray(step) ? reply : shape(reply));
    }
    client.close();
    out.push(replies);
  }
  return [out[0], out[1]];
}

const SEQUENCES: Record<string, Step[]> = {
  'strings and wrong types': [
    ['FLUSHALL'],
    ['SET', 'k', 'v'],
    ['GET', 'k'],
    ['INCR', 'k'],
    ['HSET', 'k', 'f', 'v'],
    ['SET', 'n', '10'],
    ['INCRBY', 'n', '5'],
    ['INCRBYFLOAT', 'n', '0.5'],
    ['MGET', 'k', 'n', 'missing'],
    ['EXPIRE', 'k', '100'],
    ['TTL', 'k'],
    ['TTL', 'missing'],
    ['HSET', 'h', 'a', '1', 'b', '2'],
    ['HGETALL', 'h'],
    ['HGETALL', 'missing'],
    ['DBSIZE'],
    ['SET', 'k', 'v', 'NX', 'XX'],
  ],
  'unknown commands and arity': [['FOO', 'a', 'b'], ['FOO'], ['GET'], ['get', 'a', 'b'], ['PING', 'x'], ['PING', 'a', 'b'], ['ECHO', 'e']],
  'connection commands': [
    ['SELECT', 'x'],
    ['CLIENT', 'KILL', 'TYPE', 'pubsub'],
    ['CLIENT', 'KILL', 'TYPE', 'master'],
    ['CLIENT', 'KILL', 'TYPE', 'bogus'],
    ['CLIENT', 'KILL', 'SKIPME', 'maybe'],
    ['CLIENT', 'KILL', 'ID', '999999', 'SKIPME', 'yes'],
    ['CLIENT', 'KILL', 'ID', '0'],
    ['CLIENT', 'KILL', 'ID', '007'],
    ['CLIENT', 'KILL', 'USER', 'nobody'],
    ['CLIENT', 'KILL', 'USER', 'default', 'ID', '999999'],
    ['SELECT', '00'],
    ['HELLO', '03'],
    ['CONFIG', 'GET', 'maxmemory', 'MAXMEMORY'],
    ['INFO', 'nosuchsection'],
    ['AUTH', 'x'],
    ['AUTH', 'a', 'b'],
    ['HELLO', '4'],
    ['HELLO', 'x'],
    ['CLIENT', 'SETNAME', 'a b'],
    ['CLIENT', 'SETNAME', 'ok'],
    ['CLIENT', 'GETNAME'],
    ['CLIENT', 'NOPE'],
    { argv: ['CLIENT', 'ID'], compare: 'type' },
    { argv: ['CLIENT', 'LIST'], compare: 'type' },
    { argv: ['TIME'], compare: 'type' },
    { argv: ['INFO'], compare: 'type' },
    { argv: ['LASTSAVE'], compare: 'type' },
    { argv: ['COMMAND', 'COUNT'], compare: 'type' },
  ],
  transactions: [
    ['MULTI'],
    ['MULTI'],
    ['WATCH', 'x'],
    ['SAVE'],
    ['SET', 'tx', '1'],
    ['INCR', 'tx'],
    ['EXEC'],
    ['EXEC'],
    ['DISCARD'],
    ['MULTI'],
    ['NOPE'],
    ['EXEC'],
    ['MULTI'],
    ['SET', 'tx', 'a'],
    ['INCR', 'tx'],
    ['EXEC'],
    ['MULTI'],
    ['DISCARD'],
  ],
  'help lines are simple strings': [{ argv: ['OBJECT', 'HELP'], compare: 'type' }],
  'subcommands checked before running or queuing': [
    ['OBJECT', 'ENCODING'],
    ['OBJECT', 'NOPE', 'x'],
    ['CONFIG', 'GET'],
    ['CONFIG', 'SET', 'maxmemory'],
    ['CONFIG', 'SET', 'maxmemory', '0', 'x'],
    ['COMMAND', 'INFO', 'nosuchcommand'],
    ['CLIENT', 'GETNAME', 'x'],
    ['MEMORY', 'USAGE'],
    ['PUBSUB', 'NUMPAT', 'x'],
    ['COMMAND', 'COUNT', 'x'],
    // One match each: Redis lists in its dict's order, which changes from run to run.
    ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'hgeta*'],
    ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'CLIENT|GETN*'],
    ['COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x'],
    ['COMMAND', 'LIST', 'FILTERBY', 'NOPE', 'x'],
    ['COMMAND', 'LIST', 'bogus'],
    ['COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2'],
    ['COMMAND', 'GETKEYS', 'GET', 'k'],
    ['COMMAND', 'GETKEYS', 'GET'],
    ['COMMAND', 'GETKEYS', 'PING'],
    ['COMMAND', 'GETKEYS', 'NOSUCH', 'k'],
    ['MULTI'],
    ['SET', 'sub', '1'],
    ['OBJECT', 'FREQ'],
    ['EXEC'],
    ['GET', 'sub'],
    ['MULTI'],
    ['OBJECT', 'NOPE', 'sub'],
    ['EXEC'],
    // A refused EXEC ends the transaction (EXECABORT ... because of: ...): what follows runs.
    ['EXEC', 'x'],
    ['MULTI'],
    ['SET', 'tx', '1'],
    ['EXEC', 'x'],
    ['EXEC'],
    ['SET', 'after', '1'],
    ['GET', 'tx'],
  ],
  'over maxmemory: refused before running or queuing, eviction before every command': [
    ['FLUSHALL'],
    ['SET', 's', '1'],
    ['HSET', 'h', 'f', '1'],
    ['CONFIG', 'SET', 'maxmemory', '1'],
    ['MULTI'],
    ['DEL', 's'],
    ['GET', 's'],
    ['SET', 's', '2'],
    ['EXEC'],
    ['EXISTS', 's'],
    ['SET', 's', '10', 'NX'],
    ['SET', 'nokey', '1', 'XX'],
    ['SETNX', 's', '1'],
    ['MSETNX', 's', '1'],
    ['HSETNX', 'h', 'f', '2'],
    ['SETRANGE', 's', '0', ''],
    ['GET', 's'],
    ['DEL', 'h'],
    ['CONFIG', 'SET', 'maxmemory-policy', 'volatile-lru'],
    ['EXPIRE', 's', '100'],
    ['DBSIZE'],
    ['EXISTS', 's'],
    ['CONFIG', 'SET', 'maxmemory', '0'],
    ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
  ],
  'config and introspection': [
    ['CONFIG', 'SET', 'nosuch', '1'],
    ['CONFIG', 'SET', 'timeout', 'abc'],
    ['CONFIG', 'SET', 'notify-keyspace-events', 'Q'],
    ['CONFIG', 'SET', 'maxmemory', 'abc'],
    ['CONFIG', 'SET', 'appendfsync', 'sometimes'],
    ['CONFIG', 'SET', 'appendonly', ' yes'],
    ['CONFIG', 'SET', 'save', '3600'],
    ['CONFIG', 'SET', 'save', '0 1'],
    ['CONFIG', 'SET', 'auto-aof-rewrite-min-size', '10 '],
    ['CONFIG', 'SET', 'auto-aof-rewrite-percentage', '1.5'],
    ['CONFIG', 'SET', 'lfu-log-factor', '99999999999999999999'],
    ['CONFIG', 'SET', 'maxmemory-samples', '0'],
    ['CONFIG', 'SET', 'client-query-buffer-limit', '10 '],
    ['CONFIG', 'SET', 'client-query-buffer-limit', ''],
    ['CONFIG', 'SET', 'timeout', '2147483648'],
    ['CONFIG', 'SET', 'maxclients', '0'],
    ['CONFIG', 'GET', 'MAXMEMORY-Policy'],
    ['CONFIG', 'GET', 'maxmemory-policy'],
    ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA'],
    ['CONFIG', 'GET', 'notify-keyspace-events'],
    ['CONFIG', 'SET', 'notify-keyspace-events', 'Ex'],
    ['CONFIG', 'GET', 'notify-keyspace-events'],
    ['CONFIG', 'SET', 'notify-keyspace-events', ''],
    ['CONFIG', 'GET', 'maxmemory-samples'],
    ['CONFIG', 'NOPE'],
    ['SET', 'o', '123'],
    ['OBJECT', 'ENCODING', 'o'],
    ['OBJECT', 'ENCODING', 'missing'],
    ['OBJECT', 'FREQ', 'o'],
    ['MEMORY', 'USAGE', 'missing'],
    { argv: ['MEMORY', 'USAGE', 'o'], compare: 'type' },
    { argv: ['OBJECT', 'IDLETIME', 'o'], compare: 'type' },
    ['OBJECT', 'NOPE', 'o'],
    ['CONFIG', 'RESETSTAT'],
  ],
  // What monitoring agents poll (redis_exporter, Datadog): answered, empty, without error replies.
  'monitoring: slow log, latency monitor, role': [
    ['SLOWLOG', 'GET'],
    ['SLOWLOG', 'GET', '-1'],
    ['SLOWLOG', 'GET', '-2'],
    ['SLOWLOG', 'GET', 'x'],
    ['SLOWLOG', 'LEN'],
    ['SLOWLOG', 'RESET'],
    ['SLOWLOG', 'NOPE'],
    ['LATENCY', 'LATEST'],
    ['LATENCY', 'HISTORY', 'command'],
    ['LATENCY', 'RESET'],
    ['LATENCY', 'GRAPH', 'command'],
    ['CONFIG', 'GET', 'slowlog-max-len'],
    ['CONFIG', 'GET', 'latency-monitor-threshold'],
    ['ROLE'],
    { argv: ['SLOWLOG', 'HELP'], compare: 'type' },
    { argv: ['LATENCY', 'DOCTOR'], compare: 'type' },
    ['INFO', 'errorstats'],
  ],
  'pub/sub in RESP2': [
    ['PUBLISH', 'nobody', 'x'],
    ['SUBSCRIBE', 'a'],
    ['GET', 'k'],
    ['PING'],
    ['PING', 'x'],
    ['PSUBSCRIBE', 'x*'],
    ['UNSUBSCRIBE'],
    ['PUNSUBSCRIBE'],
    ['UNSUBSCRIBE'],
    ['PUNSUBSCRIBE'],
  ],
  'RESP3 reply types': [
    { argv: ['HELLO', '3'], compare: 'type' },
    ['HSET', 'h3', 'f', 'v'],
    ['HGETALL', 'h3'],
    ['HGETALL', 'missing'],
    ['GET', 'missing'],
    ['MGET', 'missing', 'h3x'],
    ['CONFIG', 'GET', 'maxmemory-policy'],
    ['SUBSCRIBE', 'r3'],
    ['GET', 'missing'],
    ['UNSUBSCRIBE', 'r3'],
    ['MULTI'],
    ['GET', 'missing'],
    ['EXEC'],
    { argv: ['CLIENT', 'INFO'], compare: 'type' },
    { argv: ['INFO', 'server'], compare: 'type' },
  ],
};

describe('same replies as Redis 7', () => {
  it.each(Object.keys(SEQUENCES))('%s', async (name) => {
    const [fromMnemo, fromRedis] = await both(SEQUENCES[name]);
    expect(fromMnemo).toEqual(fromRedis);
  });

  it.each([
    ['*1\r\n$-5\r\n'],
    ['*1\r\n$99999999999999\r\n'],
    ['*x\r\n'],
    ['*1\r\nx\r\n'],
    ['*2\r\n$4\r\nECHO\r\n:5\r\n'],
    ['SET k "unterminated\r\n'],
    ["SET k 'a'b\r\n"],
  ])('protocol error for %j, then close', async (input) => {
    const replies: unknown[] = [];
    for (const port of [servers.mnemo.port, servers.redis.port]) {
      const client = await RawClient.connect(port);
      client.write(`PING\r\n${input}`);
      replies.push(await client.read(2));
      await client.waitClosed();
    }
    expect(replies[0]).toEqual(replies[1]);
  });

  it('INFO commandstats lines have the fields of Redis 7, in its order', async () => {
    const fieldsOf = async (port: number): Promise<string[]> => {
      const client = await RawClient.connect(port);
      await client.command('PING');
      const text = ((await client.command('INFO', 'commandstats')) as { value: string }).value;
      client.close();
      const line = /^cmdstat_ping:(.*)\r$/m.exec(text);
      return (line?.[1] ?? '').split(',').map((pair) => pair.split('=')[0]);
    };
    expect(await fieldsOf(servers.mnemo.port)).toEqual(await fieldsOf(servers.redis.port));
  });

  it('INFO replication has the fields of Redis 7.0, in its order (a primary without replicas)', async () => {
    const fieldsOf = async (port: number): Promise<string[]> => {
      const client = await RawClient.connect(port);
      const text = ((await client.command('INFO', 'replication')) as { value: string }).value;
      client.close();
      return text.split('\r\n').filter((line) => line.includes(':')).map((line) => line.slice(0, line.indexOf(':')));
    };
    expect(await fieldsOf(servers.mnemo.port)).toEqual(await fieldsOf(servers.redis.port));
  });

  it('keyspace notifications carry the same channels and payloads', async () => {
    const received: string[][] = [];
    for (const port of [servers.mnemo.port, servers.redis.port]) {
      const admin = await RawClient.connect(port);
      const subscriber = await RawClient.connect(port);
      await admin.command('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
      await subscriber.command('PSUBSCRIBE', '__key*__:nk*');
      for (const argv of [['SET', 'nk1', 'a'], ['SET', 'nk3', 'b', 'EX', '100'], ['SET', 'nk3', 'c', 'KEEPTTL'], ['SETEX', 'nk4', '100', 'd'], ['EXPIRE', 'nk1', '100'], ['PERSIST', 'nk1'], ['INCRBY', 'nk2', '3'], ['HSET', 'nkh', 'f', 'v'], ['HDEL', 'nkh', 'f'], ['DEL', 'nk1', 'nk2', 'nk3', 'nk4']]) {
        await admin.command(...argv);
      }
      await admin.command('PUBLISH', '__keyspace@0__:nk-end', 'end');
      const messages: string[] = [];
      for (;;) {
        const [message] = await subscriber.read();
        const items = (message as { value: Array<{ value: string }> }).value.map((v) => v.value);
        if (items[3] === 'end') break;
        messages.push(`${items[2]} ${items[3]}`);
      }
      await admin.command('CONFIG', 'SET', 'notify-keyspace-events', '');
      admin.close();
      subscriber.close();
      received.push(messages);
    }
    expect(received[0]).toEqual(received[1]);
  });
});
