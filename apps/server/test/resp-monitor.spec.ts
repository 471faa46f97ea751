// MONITOR against redis-server 7.0.15: the same commands sent the same way to both servers must
// give the same monitor lines (timestamps and client ports masked) and the same replies to the
// monitoring client's own commands; and ioredis's monitor() works against Mnemo.

import Redis from 'ioredis';
import type { RespValue } from '@mnemo/protocol';
import { quoteArgument } from '../src/resp/commands/monitor.commands';
import { RawClient, useMnemoAndRedis } from './support/resp-support';

const servers = useMnemoAndRedis();

/** A reply as comparable text; monitor lines with their timestamp and client port masked. */
function shown(value: RespValue): string {
  if (value.type === 'simple') return value.value.replace(/^\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] /, '<time> [0 <client>] ');
  return JSON.stringify(value);
}

/** Reads replies one at a time until one satisfies `last`; returns them all, shown. */
async function readUntil(client: RawClient, last: (value: RespValue) => boolean): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const [value] = await client.read(1);
    out.push(shown(value));
    if (last(value)) return out;
  }
}

const isEndLine = (value: RespValue): boolean => value.type === 'simple' && value.value.endsWith('"end-of-run"');

/** Each command of `script` is sent by another client, its reply awaited; returns what a monitor saw. */
async function monitorSees(port: number, script: string[][]): Promise<{ lines: string[]; replies: string[] }> {
  const monitor = await RawClient.connect(port);
  const client = await RawClient.connect(port);
  try {
    expect(shown(await monitor.command('MONITOR'))).toBe('OK');
    const replies: string[] = [];
    for (const argv of script) replies.push(shown(await client.command(...argv)));
    await client.command('ECHO', 'end-of-run');
    return { lines: await readUntil(monitor, isEndLine), replies };
  } finally {
    monitor.close();
    client.close();
  }
}

const SCRIPT: string[][] = [
  ['SET', 'k', 'v'],
  ['get', 'k'],
  ['INCR', 'k'], // an error reply: still fed
  ['NOSUCH', 'a'], // unknown: not fed
  ['GET'], // wrong arity: not fed
  ['MONITOR', 'extra'], // wrong arity: not fed (and this client does not become a monitor)
  ['HSET', 'h', 'f', 'a b"c\\d'],
  ['SET', 'bin', '\x00\x01\n\r\t\x07\x08\x7f\xff ~'],
  ['CONFIG', 'GET', 'maxmemory'], // admin: not fed
  ['AUTH', 'secret'], // fed with its argument redacted
  ['HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'me'],
  ['HELLO', '2', 'SETNAME', 'auth', 'AUTH', 'default', 'pw2'], // a client named "auth": the password is still redacted
  ['CLIENT', 'LIST'], // admin subcommand: not fed
  ['CLIENT', 'GETNAME'],
  ['CLIENT', 'ID'],
  ['MULTI'],
  ['SET', 'a', '1'],
  ['GET', 'a'],
  ['EXEC'], // fed after the commands it ran
  ['MULTI'],
  ['NOSUCH'],
  ['EXEC'], // EXECABORT, fed
  ['DISCARD'],
  ['PING'],
  ['ECHO', 'hi'],
  ['DBSIZE'],
  ['PUBLISH', 'ch', 'msg'],
  ['OBJECT', 'ENCODING', 'k'],
  ['MEMORY', 'USAGE', 'k'],
  ['WATCH', 'k'],
  ['UNWATCH'],
  ['SELECT', '0'], // (Redis has 16 databases, Mnemo one: SELECT 1 would differ)
];

describe('MONITOR against redis-server 7.0.15', () => {
  it('feeds the same commands, in the same order, quoted and redacted the same way', async () => {
    const mnemo = await monitorSees(servers.mnemo.port, SCRIPT);
    const redis = await monitorSees(servers.redis.port, SCRIPT);
    expect(mnemo.lines).toEqual(redis.lines);
    expect(mnemo.lines).toContain('<time> [0 <client>] "SET" "bin" "\\x00\\x01\\n\\r\\t\\a\\b\\x7f\\xff ~"');
    expect(mnemo.lines).toContain('<time> [0 <client>] "AUTH" "(redacted)"');
    expect(mnemo.lines.some((line) => line.includes('"CONFIG"') || line.includes('"LIST"') || line.includes('NOSUCH'))).toBe(false);
  });

  it("answers the monitoring client's own commands as Redis does: keyspace refused, RESET ends it", async () => {
    const run = async (port: number): Promise<string[]> => {
      const monitor = await RawClient.connect(port);
      try {
        const seen = [shown(await monitor.command('MONITOR'))];
        for (const argv of [['PING'], ['GET', 'k'], ['SET', 'k', 'v'], ['PUBLISH', 'ch', 'm'], ['MONITOR'], ['MULTI'], ['MONITOR'], ['EXEC'], ['RESET'], ['PING'], ['ECHO', 'end']]) {
          monitor.send(...argv);
        }
        seen.push(...(await readUntil(monitor, (value) => value.type === 'bulk' && value.value === 'end')));
        return seen;
      } finally {
        monitor.close();
      }
    };
    const mnemo = await run(servers.mnemo.port);
    expect(mnemo).toEqual(await run(servers.redis.port));
    expect(mnemo).toContain(shown({ type: 'error', value: "ERR Replica can't interact with the keyspace" }));
  });
});

describe('MONITOR with ioredis', () => {
  it("streams other clients' commands to monitor(); CLIENT LIST shows the monitor's flag O", async () => {
    const client = new Redis({ port: servers.mnemo.port, lazyConnect: true });
    const watcher = new Redis({ port: servers.mnemo.port, lazyConnect: true });
    let monitor: Awaited<ReturnType<Redis['monitor']>> | undefined;
    try {
      await client.connect();
      await watcher.connect();
      monitor = await watcher.monitor();
      const seen: string[][] = [];
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`saw only ${JSON.stringify(seen)}`)), 3000);
        monitor?.on('monitor', (_time: string, args: string[]) => {
          seen.push(args);
          if (args[0] === 'del') {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      expect(String(await client.call('CLIENT', 'LIST'))).toMatch(/ flags=O /); // CLIENT LIST is not fed
      await client.set('session:1', 'x y');
      await client.hset('user:1', 'name', 'Ada');
      await client.del('session:1');
      await done;
      expect(seen).toEqual([
        ['set', 'session:1', 'x y'],
        ['hset', 'user:1', 'name', 'Ada'],
        ['del', 'session:1'],
      ]);
    } finally {
      monitor?.disconnect();
      client.disconnect();
      watcher.disconnect();
    }
  });
});

describe('quoteArgument', () => {
  it("quotes as Redis's sdscatrepr", () => {
    expect(quoteArgument('plain text')).toBe('"plain text"');
    expect(quoteArgument('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(quoteArgument('\x00\x1f\x7f\x80\xff')).toBe('"\\x00\\x1f\\x7f\\x80\\xff"');
    expect(quoteArgument('\n\r\t\x07\x08')).toBe('"\\n\\r\\t\\a\\b"');
  });
});
