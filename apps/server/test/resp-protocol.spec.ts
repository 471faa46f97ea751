// The RESP listener over raw sockets: framing, RESP2 and RESP3 reply types byte for byte,
// connection commands, transactions, pub/sub context rules and AUTH.

import { RespValue } from '@mnemo/protocol';
import { bulk, error, integer, nil, RawClient, simple, startRespServer, useRespServer } from './support/resp-support';

const shared = useRespServer();
const { connect } = shared;

describe('framing', () => {
  it('answers pipelined multibulk and inline commands in order, in one write', async () => {
    const client = await connect();
    client.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\na b\r\nGET k\r\nINCR n\r\nINCR n\r\n*1\r\n$4\r\nPING\r\nECHO "x y"\n');
    expect(await client.read(6)).toEqual([simple('OK'), bulk('a b'), integer(1), integer(2), simple('PONG'), bulk('x y')]);
  });

  it('reassembles commands sent one byte at a time', async () => {
    const client = await connect();
    const bytes = Buffer.from('*3\r\n$3\r\nSET\r\n$5\r\nslow1\r\n$2\r\nok\r\nGET slow1\r\n');
    for (const byte of bytes) {
      client.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await client.read(2)).toEqual([simple('OK'), bulk('ok')]);
  });

  it('keeps bulk strings binary-safe both ways', async () => {
    const client = await connect();
    const value = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(await client.command('SET', 'bin', value)).toEqual(simple('OK'));
    expect(await client.command('GET', 'bin')).toEqual(bulk(value.toString('latin1')));
    expect(await client.command('STRLEN', 'bin')).toEqual(integer(256));
  });

  it('answers a 200-command pipeline with one reply per command', async () => {
    const client = await connect();
    let input = '';
    for (let i = 0; i < 200; i++) input += `SET pipe:${i} ${i}\r\nGET pipe:${i}\r\n`;
    client.write(input);
    const replies = await client.read(400);
    for (let i = 0; i < 200; i++) expect(replies.slice(2 * i, 2 * i + 2)).toEqual([simple('OK'), bulk(String(i))]);
  });
});

describe('RESP3 via HELLO 3', () => {
  it('switches protocol and sends RESP3 types (map, null, double, push)', async () => {
    const client = await connect();
    client.send('HELLO', '3');
    const [hello] = await client.read();
    expect(hello.type).toBe('map');
    const pairs = (hello as { value: Array<[RespValue, RespValue]> }).value;
    const fields = new Map<string, RespValue>(pairs.map(([k, v]) => [(k as { value: string }).value, v]));
    expect(fields.get('proto')).toEqual(integer(3));
    expect(fields.get('server')).toEqual(bulk('redis'));
    expect(fields.get('id')?.type).toBe('integer');
    expect(await client.command('GET', 'resp3:missing')).toEqual({ type: 'null', kind: 'resp3' });
    await client.command('HSET', 'resp3:h', 'f', 'v');
    expect(await client.command('HGETALL', 'resp3:h')).toEqual({ type: 'map', value: [[bulk('f'), bulk('v')]] });
    expect(await client.command('INCRBYFLOAT', 'resp3:f', '1.5')).toEqual(bulk('1.5'));
    const config = await client.command('CONFIG', 'GET', 'maxmemory-policy');
    expect(config).toEqual({ type: 'map', value: [[bulk('maxmemory-policy'), bulk('noeviction')]] });
    // Globs are Redis's, not a RegExp: "[" is an unclosed class (no match, no error), and classes work.
    expect(await client.command('CONFIG', 'GET', '[')).toEqual({ type: 'map', value: [] });
    expect(await client.command('CONFIG', 'GET', 'appendfsyn[a-c]')).toEqual({ type: 'map', value: [[bulk('appendfsync'), bulk('everysec')]] });
    expect(await client.command('SUBSCRIBE', 'r3')).toEqual({ type: 'push', value: [bulk('subscribe'), bulk('r3'), integer(1)] });
    // RESP3 clients may run any command while subscribed.
    expect(await client.command('GET', 'resp3:missing')).toEqual({ type: 'null', kind: 'resp3' });
    const publisher = await connect();
    expect(await publisher.command('PUBLISH', 'r3', 'hi')).toEqual(integer(1));
    expect(await client.read()).toEqual([{ type: 'push', value: [bulk('message'), bulk('r3'), bulk('hi')] }]);
    expect(await client.command('CLIENT', 'INFO')).toMatchObject({ type: 'verbatim', format: 'txt' });
  });

  it('sends pushes raised by the client\'s own writes after the reply, never inside an EXEC array', async () => {
    const client = await connect();
    await client.command('HELLO', '3');
    await client.command('CONFIG', 'SET', 'notify-keyspace-events', 'E$');
    await client.command('SUBSCRIBE', '__keyevent@0__:set');
    client.write('MULTI\r\nSET own:a 1\r\nSET own:b 2\r\nEXEC\r\n');
    const replies = await client.read(6);
    expect(replies.slice(0, 4)).toEqual([simple('OK'), simple('QUEUED'), simple('QUEUED'), { type: 'array', value: [simple('OK'), simple('OK')] }]);
    expect(replies.slice(4)).toEqual([
      { type: 'push', value: [bulk('message'), bulk('__keyevent@0__:set'), bulk('own:a')] },
      { type: 'push', value: [bulk('message'), bulk('__keyevent@0__:set'), bulk('own:b')] },
    ]);
    await client.command('CONFIG', 'SET', 'notify-keyspace-events', '');
  });

  it('refuses unknown protocol versions like Redis', async () => {
    const client = await connect();
    expect(await client.command('HELLO', '4')).toEqual(error('NOPROTO unsupported protocol version'));
    expect(await client.command('HELLO', 'x')).toEqual(error('ERR Protocol version is not an integer or out of range'));
    expect(await client.command('HELLO', '3', 'FOO')).toEqual(error("ERR Syntax error in HELLO option 'FOO'"));
    expect(await client.command('GET', 'nothing')).toEqual(nil);
  });
});

describe('connection commands', () => {
  it('PING, ECHO, SELECT, TIME, CLIENT SETNAME/GETNAME/ID/LIST, QUIT', async () => {
    const client = await connect();
    expect(await client.command('PING')).toEqual(simple('PONG'));
    expect(await client.command('PING', 'hi')).toEqual(bulk('hi'));
    expect(await client.command('ECHO', 'e')).toEqual(bulk('e'));
    expect(await client.command('SELECT', '0')).toEqual(simple('OK'));
    expect(await client.command('SELECT', '1')).toEqual(error('ERR DB index is out of range'));
    expect(await client.command('SELECT', 'x')).toEqual(error('ERR value is not an integer or out of range'));
    expect(await client.command('SELECT', '00')).toEqual(error('ERR value is not an integer or out of range')); // string2ll, as Redis
    expect(await client.command('HELLO', '03')).toEqual(error('ERR Protocol version is not an integer or out of range'));
    const time = await client.command('TIME');
    expect(time.type).toBe('array');
    const [seconds] = (time as { value: Array<{ value: string }> }).value;
    expect(Math.abs(Number(seconds.value) - Date.now() / 1000)).toBeLessThan(5);
    expect(await client.command('CLIENT', 'GETNAME')).toEqual(nil);
    expect(await client.command('CLIENT', 'SETNAME', 'worker-1')).toEqual(simple('OK'));
    expect(await client.command('CLIENT', 'SETNAME', 'a b')).toEqual(error('ERR Client names cannot contain spaces, newlines or special characters.'));
    expect(await client.command('CLIENT', 'GETNAME')).toEqual(bulk('worker-1'));
    const id = await client.command('CLIENT', 'ID');
    expect(id.type).toBe('integer');
    const list = (await client.command('CLIENT', 'LIST')) as { value: string };
    expect(list.value).toMatch(new RegExp(`id=${(id as { value: number }).value} addr=127\\.0\\.0\\.1:\\d+ .*name=worker-1 .*cmd=client\\|list `));
    expect(await client.command('CLIENT', 'NOPE')).toEqual(error("ERR unknown subcommand 'NOPE'. Try CLIENT HELP."));
    expect(await client.command('QUIT')).toEqual(simple('OK'));
    await client.waitClosed();
  });

  it('CLIENT SETINFO (sent by client libraries) shows in CLIENT INFO; odd values refused as Redis 7.2 does', async () => {
    const client = await connect();
    expect(await client.command('CLIENT', 'SETINFO', 'LIB-NAME', 'ioredis')).toEqual(simple('OK'));
    expect(await client.command('CLIENT', 'SETINFO', 'lib-ver', '5.4.1')).toEqual(simple('OK'));
    expect(((await client.command('CLIENT', 'INFO')) as { value: string }).value).toMatch(/ lib-name=ioredis lib-ver=5\.4\.1\n$/);
    expect(await client.command('CLIENT', 'SETINFO', 'lib-name', 'a b')).toEqual(error('ERR lib-name cannot contain spaces, newlines or special characters.'));
    expect(await client.command('CLIENT', 'SETINFO', 'lib-ver', 'v\u00e9')).toEqual(error('ERR lib-ver cannot contain spaces, newlines or special characters.'));
    expect(await client.command('CLIENT', 'SETINFO', 'lib-os', 'x')).toEqual(error("ERR Unrecognized option 'lib-os'"));
    expect(await client.command('CLIENT', 'SETINFO', 'lib-name')).toEqual(error("ERR wrong number of arguments for 'client|setinfo' command"));
    const help = (await client.command('CLIENT', 'HELP')) as { value: Array<{ value: string }> };
    expect(help.value.map((line) => line.value)).toEqual(expect.arrayContaining(['SETINFO <LIB-NAME|LIB-VER> <value>', 'NO-EVICT (ON|OFF)', 'NO-TOUCH (ON|OFF)']));
  });

  it('CLIENT NO-TOUCH: that client leaves LRU/LFU alone except through TOUCH; CLIENT LIST flags T and e; RESET clears them', async () => {
    const admin = await connect();
    const quiet = await connect();
    const configValue = async (name: string): Promise<string> => ((await admin.command('CONFIG', 'GET', name)) as { value: Array<{ value: string }> }).value[1].value;
    const previous = { 'maxmemory-policy': await configValue('maxmemory-policy'), 'lfu-log-factor': await configValue('lfu-log-factor'), 'lfu-decay-time': await configValue('lfu-decay-time') };
    // Every access counts (log factor 0) and nothing decays on a minute boundary (decay time 0).
    expect(await admin.command('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu')).toEqual(simple('OK'));
    expect(await admin.command('CONFIG', 'SET', 'lfu-log-factor', '0')).toEqual(simple('OK'));
    expect(await admin.command('CONFIG', 'SET', 'lfu-decay-time', '0')).toEqual(simple('OK'));
    try {
      await admin.command('SET', 'nt:k', '1');
      const freq = async (): Promise<number> => ((await admin.command('OBJECT', 'FREQ', 'nt:k')) as { value: number }).value;
      const initial = await freq();
      expect(await quiet.command('CLIENT', 'NO-TOUCH', 'ON')).toEqual(simple('OK'));
      expect(await quiet.command('CLIENT', 'NO-EVICT', 'on')).toEqual(simple('OK'));
      expect(await quiet.command('GET', 'nt:k')).toEqual(bulk('1'));
      expect(await quiet.command('INCR', 'nt:k')).toEqual(integer(2));
      quiet.write('MULTI\r\nGET nt:k\r\nEXEC\r\n');
      await quiet.read(3);
      expect(await freq()).toBe(initial);
      expect(await quiet.command('TOUCH', 'nt:k')).toEqual(integer(1));
      expect(await freq()).toBe(initial + 1);
      expect(((await quiet.command('CLIENT', 'INFO')) as { value: string }).value).toMatch(/ flags=eT /);
      expect(await quiet.command('CLIENT', 'NO-TOUCH', 'maybe')).toEqual(error('ERR syntax error'));
      expect(await quiet.command('RESET')).toEqual(simple('RESET'));
      expect(((await quiet.command('CLIENT', 'INFO')) as { value: string }).value).toMatch(/ flags=N /);
      await quiet.command('GET', 'nt:k');
      expect(await freq()).toBe(initial + 2);
    } finally {
      for (const [name, value] of Object.entries(previous)) await admin.command('CONFIG', 'SET', name, value);
    }
  });

  it('INFO commandstats: calls, rejected_calls and failed_calls per command (not in the default INFO, as Redis)', async () => {
    const client = await connect();
    const stats = async (): Promise<Map<string, Record<string, number>>> => {
      const text = ((await client.command('INFO', 'commandstats')) as { value: string }).value;
      const out = new Map<string, Record<string, number>>();
      for (const match of text.matchAll(/^cmdstat_([a-z|-]+):(.*)\r$/gm)) {
        out.set(match[1], Object.fromEntries(match[2].split(',').map((pair) => [pair.split('=')[0], Number(pair.split('=')[1])])));
      }
      return out;
    };
    const before = await stats();
    const of = (map: Map<string, Record<string, number>>, name: string, field: string): number => map.get(name)?.[field] ?? 0;
    await client.command('SET', 'cs:s', '1');
    await client.command('GET', 'cs:s');
    await client.command('GET', 'cs:s');
    await client.command('HSET', 'cs:h', 'f', 'v');
    expect((await client.command('GET', 'cs:h')).type).toBe('error'); // WRONGTYPE: failed
    expect((await client.command('GET')).type).toBe('error'); // arity: rejected
    await client.command('PING');
    await client.command('CLIENT', 'SETNAME', 'cs-client');
    await client.command('CLIENT', 'GETNAME');
    expect((await client.command('CLIENT', 'SETNAME')).type).toBe('error'); // arity of client|setname: rejected
    const after = await stats();
    expect(of(after, 'get', 'calls') - of(before, 'get', 'calls')).toBe(3);
    expect(of(after, 'get', 'failed_calls') - of(before, 'get', 'failed_calls')).toBe(1);
    expect(of(after, 'get', 'rejected_calls') - of(before, 'get', 'rejected_calls')).toBe(1);
    expect(of(after, 'ping', 'calls') - of(before, 'ping', 'calls')).toBe(1);
    expect(of(after, 'info', 'calls') - of(before, 'info', 'calls')).toBe(1);
    // Subcommands count apart, under Redis 7's names.
    expect(of(after, 'client|setname', 'calls') - of(before, 'client|setname', 'calls')).toBe(1);
    expect(of(after, 'client|setname', 'rejected_calls') - of(before, 'client|setname', 'rejected_calls')).toBe(1);
    expect(of(after, 'client|getname', 'calls') - of(before, 'client|getname', 'calls')).toBe(1);
    expect(after.has('client')).toBe(before.has('client'));
    expect(((await client.command('INFO')) as { value: string }).value).not.toContain('# Commandstats');
    const all = ((await client.command('INFO', 'all')) as { value: string }).value;
    expect(all).toMatch(/# Commandstats\r\n(cmdstat_[a-z|-]+:calls=\d+,usec=0,usec_per_call=0\.00,rejected_calls=\d+,failed_calls=\d+\r\n)+\r\n# Errorstats\r\n(errorstat_[A-Z]+:count=\d+\r\n)*\r\n# Keyspace/);
    expect(all).toContain('\r\n# CPU\r\n'); // Redis's title, not "Cpu"
    // `default` adds its sections to the others named, as in Redis 7.
    const both = ((await client.command('INFO', 'default', 'commandstats')) as { value: string }).value;
    expect(both.match(/^# \w+/gm)).toEqual(['# Server', '# Clients', '# Memory', '# Persistence', '# Stats', '# Replication', '# CPU', '# Commandstats', '# Errorstats', '# Keyspace']);
    // Errorstats: error replies by code, counted with total_error_replies; CONFIG RESETSTAT clears them.
    const errorstat = async (code: string): Promise<number> => {
      const text = ((await client.command('INFO', 'errorstats')) as { value: string }).value;
      return Number(new RegExp(`^errorstat_${code}:count=(\\d+)\r$`, 'm').exec(text)?.[1] ?? 0);
    };
    const wrongTypeBefore = await errorstat('WRONGTYPE');
    await client.command('HSET', 'es:h', 'f', 'v');
    expect(await client.command('GET', 'es:h')).toMatchObject({ type: 'error' });
    expect(await client.command('NOSUCHCOMMAND')).toMatchObject({ type: 'error' });
    expect(await errorstat('WRONGTYPE')).toBe(wrongTypeBefore + 1);
    expect(await errorstat('ERR')).toBeGreaterThan(0);
    expect(await client.command('CONFIG', 'RESETSTAT')).toEqual(simple('OK'));
    expect(await errorstat('WRONGTYPE')).toBe(0);
  });

  it('answers unknown commands and wrong arity with Redis texts', async () => {
    const client = await connect();
    expect(await client.command('FOO', 'a', 'b')).toEqual(error("ERR unknown command 'FOO', with args beginning with: 'a' 'b' "));
    expect(await client.command('FOO')).toEqual(error("ERR unknown command 'FOO', with args beginning with: "));
    expect(await client.command('GET')).toEqual(error("ERR wrong number of arguments for 'get' command"));
    expect(await client.command('get', 'a', 'b')).toEqual(error("ERR wrong number of arguments for 'get' command"));
  });

  it('INFO has the Redis sections and field names', async () => {
    const client = await connect();
    const info = ((await client.command('INFO')) as { value: string }).value;
    for (const section of ['# Server', '# Clients', '# Memory', '# Persistence', '# Stats', '# Keyspace']) expect(info).toContain(section);
    for (const field of ['redis_version:', 'connected_clients:', 'used_memory:', 'maxmemory_policy:', 'keyspace_hits:', 'keyspace_misses:', 'evicted_keys:', 'expired_keys:', 'rdb_last_save_time:', 'total_commands_processed:']) {
      expect(info).toContain(field);
    }
    const stats = ((await client.command('INFO', 'stats')) as { value: string }).value;
    expect(stats.startsWith('# Stats\r\n')).toBe(true);
    expect(stats).not.toContain('# Server');
  });

  it('INFO reports the fields monitoring tools read: run_id, instantaneous rates, system memory', async () => {
    const client = await connect();
    const field = (text: string, name: string): string => new RegExp(`^${name}:(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '(missing)';
    // A burst of commands, then the 100 ms samples that see it (the mean of 16 counts them).
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 200; j++) client.send('SET', `rate:${j}`, 'v');
      await client.read(200);
      await new Promise((resolve) => setTimeout(resolve, 110));
    }
    const info = ((await client.command('INFO')) as { value: string }).value;
    expect(field(info, 'run_id')).toMatch(/^[0-9a-f]{40}$/);
    expect(field(info, 'configured_hz')).toBe('100');
    expect(Number(field(info, 'instantaneous_ops_per_sec'))).toBeGreaterThan(0);
    expect(Number(field(info, 'instantaneous_input_kbps'))).toBeGreaterThan(0);
    expect(field(info, 'mem_fragmentation_ratio')).toBe('(missing)');
    expect(Number(field(info, 'total_system_memory'))).toBeGreaterThan(0);
  });

  it('CONFIG GET/SET/RESETSTAT, DBSIZE, MEMORY USAGE, OBJECT', async () => {
    const client = await connect();
    expect(await client.command('CONFIG', 'SET', 'maxmemory', '10mb')).toEqual(simple('OK'));
    expect(await client.command('CONFIG', 'GET', 'maxmemory')).toEqual({ type: 'array', value: [bulk('maxmemory'), bulk('10485760')] });
    expect(await client.command('CONFIG', 'SET', 'maxmemory', '0')).toEqual(simple('OK'));
    expect(await client.command('CONFIG', 'SET', 'nosuch', '1')).toEqual(error("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"));
    expect(await client.command('CONFIG', 'SET', 'timeout', 'abc')).toEqual(
      error("ERR CONFIG SET failed (possibly related to argument 'timeout') - argument couldn't be parsed into an integer"),
    );
    expect(await client.command('CONFIG', 'SET', 'notify-keyspace-events', 'Q')).toEqual(
      error("ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'."),
    );
    // Several pairs are all or nothing, as in Redis 7: a bad later pair leaves the earlier ones unset.
    expect(await client.command('CONFIG', 'SET', 'maxmemory', '20mb', 'timeout', '7')).toEqual(simple('OK'));
    expect(await client.command('CONFIG', 'SET', 'maxmemory', '30mb', 'maxmemory-policy', 'bogus')).toMatchObject({
      type: 'error',
      value: expect.stringContaining("argument 'maxmemory-policy'"),
    });
    expect(await client.command('CONFIG', 'SET', 'timeout', '9', 'nosuch', '1')).toEqual(error("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"));
    expect(await client.command('CONFIG', 'SET', 'timeout', '9', 'TIMEOUT', '8')).toEqual(
      error("ERR CONFIG SET failed (possibly related to argument 'timeout') - duplicate parameter"),
    );
    expect(await client.command('CONFIG', 'GET', 'maxmemory')).toEqual({ type: 'array', value: [bulk('maxmemory'), bulk('20971520')] });
    expect(await client.command('CONFIG', 'GET', 'timeout')).toEqual({ type: 'array', value: [bulk('timeout'), bulk('7')] });
    expect(await client.command('CONFIG', 'SET', 'maxmemory', '0', 'timeout', '0')).toEqual(simple('OK'));
    const all = (await client.command('CONFIG', 'GET', '*')) as { value: Array<{ value: string }> };
    const names = all.value.filter((_, i) => i % 2 === 0).map((v) => v.value);
    for (const name of ['maxmemory', 'maxmemory-policy', 'maxmemory-samples', 'appendonly', 'appendfsync', 'save', 'requirepass', 'notify-keyspace-events', 'timeout']) {
      expect(names).toContain(name);
    }
    expect(new Set(names).size).toBe(names.length);
    await client.command('SET', 'obj', '12345');
    expect(await client.command('OBJECT', 'ENCODING', 'obj')).toEqual(bulk('int'));
    expect(await client.command('OBJECT', 'ENCODING', 'missing')).toEqual(nil);
    expect(((await client.command('OBJECT', 'IDLETIME', 'obj')) as { type: string }).type).toBe('integer');
    expect(((await client.command('MEMORY', 'USAGE', 'obj')) as { type: string }).type).toBe('integer');
    expect(await client.command('MEMORY', 'USAGE', 'missing')).toEqual(nil);
    expect(((await client.command('DBSIZE')) as { type: string }).type).toBe('integer');
    expect(await client.command('CONFIG', 'RESETSTAT')).toEqual(simple('OK'));
    const stats = ((await client.command('INFO', 'stats')) as { value: string }).value;
    expect(stats).toContain('keyspace_hits:0');
  });

  it('COMMAND, COMMAND COUNT, COMMAND INFO, COMMAND DOCS', async () => {
    const client = await connect();
    const count = (await client.command('COMMAND', 'COUNT')) as { value: number };
    const all = (await client.command('COMMAND')) as { value: unknown[] };
    expect(all.value).toHaveLength(count.value);
    const [info] = ((await client.command('COMMAND', 'INFO', 'get')) as { value: Array<{ value: RespValue[] }> }).value;
    expect(info.value.slice(0, 2)).toEqual([bulk('get'), integer(2)]);
    expect(info.value[3]).toEqual(integer(1));
    const docs = (await client.command('COMMAND', 'DOCS', 'set')) as { value: RespValue[] };
    expect(docs.value[0]).toEqual(bulk('set'));
    const names = async (...argv: string[]): Promise<string[]> =>
      ((await client.command('COMMAND', 'LIST', ...argv)) as { value: Array<{ value: string }> }).value.map((item) => item.value).sort();
    expect(await names()).toHaveLength(count.value);
    expect(await names('FILTERBY', 'PATTERN', 'hget*')).toEqual(['hget', 'hgetall']);
    expect(await names('FILTERBY', 'PATTERN', 'config|*')).toEqual(['config|get', 'config|help', 'config|resetstat', 'config|rewrite', 'config|set']);
    expect(await names('FILTERBY', 'ACLCAT', 'hash')).toContain('hset');
    expect(await names('FILTERBY', 'ACLCAT', 'hash')).not.toContain('set');
    expect(await client.command('COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2')).toEqual({ type: 'array', value: [bulk('a'), bulk('b')] });
    expect(((await client.command('COMMAND', 'HELP')) as { value: RespValue[] }).value[0]).toEqual(simple('COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:'));
  });
});

describe('MULTI / EXEC / WATCH', () => {
  it('queues, executes and reports runtime errors per command', async () => {
    const client = await connect();
    expect(await client.command('MULTI')).toEqual(simple('OK'));
    expect(await client.command('SET', 'tx:s', 'abc')).toEqual(simple('QUEUED'));
    expect(await client.command('INCR', 'tx:s')).toEqual(simple('QUEUED'));
    expect(await client.command('GET', 'tx:s')).toEqual(simple('QUEUED'));
    expect(await client.command('EXEC')).toEqual({
      type: 'array',
      value: [simple('OK'), error('ERR value is not an integer or out of range'), bulk('abc')],
    });
  });

  it('aborts with EXECABORT after a queuing error, and refuses nesting and WATCH inside MULTI', async () => {
    const client = await connect();
    await client.command('MULTI');
    expect(await client.command('MULTI')).toEqual(error('ERR MULTI calls can not be nested'));
    expect(await client.command('WATCH', 'x')).toEqual(error('ERR WATCH inside MULTI is not allowed'));
    expect(await client.command('SAVE')).toEqual(error('ERR Command not allowed inside a transaction'));
    expect(await client.command('NOPE')).toEqual(error("ERR unknown command 'NOPE', with args beginning with: "));
    expect(await client.command('EXEC')).toEqual(error('EXECABORT Transaction discarded because of previous errors.'));
    expect(await client.command('EXEC')).toEqual(error('ERR EXEC without MULTI'));
    expect(await client.command('DISCARD')).toEqual(error('ERR DISCARD without MULTI'));
  });

  it('WATCH makes EXEC return nil when another client writes the key; UNWATCH forgets it', async () => {
    const a = await connect();
    const b = await connect();
    await a.command('SET', 'w:k', '1');
    await a.command('WATCH', 'w:k');
    await b.command('SET', 'w:k', '2');
    await a.command('MULTI');
    await a.command('SET', 'w:k', '3');
    expect(await a.command('EXEC')).toEqual({ type: 'null', kind: 'array' });
    expect(await a.command('GET', 'w:k')).toEqual(bulk('2'));
    await a.command('WATCH', 'w:k');
    await a.command('UNWATCH');
    await b.command('SET', 'w:k', '4');
    await a.command('MULTI');
    await a.command('GET', 'w:k');
    expect(await a.command('EXEC')).toEqual({ type: 'array', value: [bulk('4')] });
    await a.command('DISCARD');
  });

  it('FLUSHALL makes EXEC answer nil for watchers of keys it removed, not of keys that were absent (Redis 7.0)', async () => {
    const [a, b, other] = [await connect(), await connect(), await connect()];
    await other.command('SET', 'fw:present', '1');
    await a.command('WATCH', 'fw:present');
    await b.command('WATCH', 'fw:absent');
    await other.command('FLUSHALL');
    for (const client of [a, b]) {
      await client.command('MULTI');
      await client.command('PING');
    }
    expect(await a.command('EXEC')).toEqual({ type: 'null', kind: 'array' });
    expect(await b.command('EXEC')).toEqual({ type: 'array', value: [simple('PONG')] });
  });

  it('runs commands that finish in the writer thread in their place, and answers once they are done', async () => {
    const client = await connect();
    client.write('MULTI\r\nSET tx:cfg 1\r\nCONFIG SET appendfsync always\r\nBGREWRITEAOF\r\nCONFIG SET appendfsync bogus\r\nGET tx:cfg\r\nEXEC\r\n');
    const replies = await client.read(7);
    expect(replies[6]).toEqual({
      type: 'array',
      value: [
        simple('OK'),
        simple('OK'),
        simple('Background append only file rewriting started'),
        error("ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be one of the following: everysec, always, no"),
        bulk('1'),
      ],
    });
    expect(await client.command('CONFIG', 'GET', 'appendfsync')).toEqual({ type: 'array', value: [bulk('appendfsync'), bulk('always')] });
    expect(await client.command('CONFIG', 'SET', 'appendfsync', 'everysec')).toEqual(simple('OK'));
    // The rewrite it started must be done before other tests snapshot.
    for (let i = 0; i < 500 && /aof_rewrite_in_progress:1/.test(((await client.command('INFO', 'persistence')) as { value: string }).value); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
});

describe('pub/sub context in RESP2', () => {
  it('allows only (P)SUBSCRIBE, (P)UNSUBSCRIBE, PING, QUIT, RESET while subscribed', async () => {
    const client = await connect();
    expect(await client.command('SUBSCRIBE', 'a')).toEqual({ type: 'array', value: [bulk('subscribe'), bulk('a'), integer(1)] });
    expect(await client.command('GET', 'x')).toEqual(
      error("ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"),
    );
    expect(await client.command('CLIENT', 'INFO')).toEqual(
      error("ERR Can't execute 'client|info': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"),
    );
    expect(await client.command('PING')).toEqual({ type: 'array', value: [bulk('pong'), bulk('')] });
    expect(await client.command('PSUBSCRIBE', 'b*')).toEqual({ type: 'array', value: [bulk('psubscribe'), bulk('b*'), integer(2)] });
    const publisher = await connect();
    expect(await publisher.command('PUBLISH', 'bee', 'buzz')).toEqual(integer(1));
    expect(await client.read()).toEqual([{ type: 'array', value: [bulk('pmessage'), bulk('b*'), bulk('bee'), bulk('buzz')] }]);
    client.send('UNSUBSCRIBE');
    client.send('PUNSUBSCRIBE');
    expect(await client.read(2)).toEqual([
      { type: 'array', value: [bulk('unsubscribe'), bulk('a'), integer(1)] },
      { type: 'array', value: [bulk('punsubscribe'), bulk('b*'), integer(0)] },
    ]);
    expect(await client.command('GET', 'x')).toEqual(nil);
    expect(await client.command('SUBSCRIBE', 'c')).toEqual({ type: 'array', value: [bulk('subscribe'), bulk('c'), integer(1)] });
    expect(await client.command('RESET')).toEqual(simple('RESET'));
    expect(await publisher.command('PUBLISH', 'c', 'x')).toEqual(integer(0));
  });
});

describe('AUTH with requirepass', () => {
  it('refuses commands before AUTH, accepts the password, and keeps others authenticated', async () => {
    const client = await connect();
    expect(await client.command('AUTH', 'x')).toEqual(
      error('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?'),
    );
    expect(await client.command('CONFIG', 'SET', 'requirepass', 's3cret')).toEqual(simple('OK'));
    const other = await connect();
    expect(await other.command('GET', 'a')).toEqual(error('NOAUTH Authentication required.'));
    expect(await other.command('AUTH', 'wrong')).toEqual(error('WRONGPASS invalid username-password pair or user is disabled.'));
    expect(await other.command('AUTH', 'default', 's3cret')).toEqual(simple('OK'));
    expect(await other.command('GET', 'auth:none')).toEqual(nil);
    // A HELLO refused for its name authenticates nobody (its name is checked first, as in Redis).
    const badName = await connect();
    expect(await badName.command('HELLO', '3', 'SETNAME', 'bad name', 'AUTH', 'default', 's3cret')).toEqual(
      error('ERR Client names cannot contain spaces, newlines or special characters.'),
    );
    expect(await badName.command('PING')).toEqual(error('NOAUTH Authentication required.'));
    const hello = await connect();
    expect(await hello.command('HELLO', '3')).toEqual(
      error(
        'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
      ),
    );
    expect((await hello.command('HELLO', '3', 'AUTH', 'default', 's3cret', 'SETNAME', 'h')).type).toBe('map');
    expect(await hello.command('CLIENT', 'GETNAME')).toEqual(bulk('h'));
    const unauthenticated = await connect();
    unauthenticated.write('*20\r\n');
    expect(await unauthenticated.read()).toEqual([error('ERR Protocol error: unauthenticated multibulk length')]);
    await unauthenticated.waitClosed();
    expect(await client.command('CONFIG', 'SET', 'requirepass', '')).toEqual(simple('OK'));
  });
});

describe('a requirepass given at start that is not ASCII', () => {
  it('is the UTF-8 bytes a client sends, not the low byte of each character', async () => {
    const server = await startRespServer(['--requirepass', 'пароль']);
    try {
      const client = await RawClient.connect(server.port);
      // The low bytes of п, а, р, о, л, ь: what the password was compared with before.
      expect(await client.command('AUTH', '?0@>;L')).toEqual(error('WRONGPASS invalid username-password pair or user is disabled.'));
      const utf8 = Buffer.from('пароль', 'utf8'); // what a Redis client sends
      expect(await client.command('AUTH', utf8)).toEqual(simple('OK'));
      expect(await client.command('CONFIG', 'GET', 'requirepass')).toEqual({ type: 'array', value: [bulk('requirepass'), bulk(utf8.toString('latin1'))] });
      client.close();
    } finally {
      await server.close();
    }
  });
});

describe('persistence commands (through the persistence service)', () => {
  it('SAVE, LASTSAVE, BGSAVE, BGREWRITEAOF, INFO persistence, CONFIG SET appendfsync', async () => {
    const client = await connect();
    await client.command('SET', 'persist:k', 'v');
    expect(await client.command('SAVE')).toEqual(simple('OK'));
    const lastSave = (await client.command('LASTSAVE')) as { type: string; value: number };
    expect(lastSave.type).toBe('integer');
    expect(Math.abs(lastSave.value - Date.now() / 1000)).toBeLessThan(60);
    const bgsave = await client.command('BGSAVE');
    expect(bgsave.type).toMatch(/simple|error/);
    if (bgsave.type === 'simple') expect(bgsave.value).toMatch(/Background saving started|scheduled/);
    const rewrite = await client.command('BGREWRITEAOF');
    expect(rewrite.type).toMatch(/simple|error/);
    const persistence = ((await client.command('INFO', 'persistence')) as { value: string }).value;
    expect(persistence).toMatch(/rdb_last_save_time:\d+/);
    expect(persistence).toContain('aof_enabled:1');
    expect(persistence).toContain('loading:0');
    expect(await client.command('CONFIG', 'SET', 'appendfsync', 'always')).toEqual(simple('OK'));
    expect(await client.command('CONFIG', 'GET', 'appendfsync')).toEqual({ type: 'array', value: [bulk('appendfsync'), bulk('always')] });
    expect(await client.command('SET', 'persist:always', '1')).toEqual(simple('OK'));
    expect(await client.command('CONFIG', 'SET', 'appendfsync', 'everysec')).toEqual(simple('OK'));
    expect(await client.command('CONFIG', 'SET', 'appendfsync', 'sometimes')).toMatchObject({ type: 'error' });
    // A persistence option failing after an engine option: the engine option is rolled back too.
    expect(await client.command('CONFIG', 'SET', 'maxmemory-samples', '9', 'appendfsync', 'sometimes')).toMatchObject({ type: 'error' });
    expect(await client.command('CONFIG', 'GET', 'maxmemory-samples')).toEqual({ type: 'array', value: [bulk('maxmemory-samples'), bulk('5')] });
    expect(await client.command('CONFIG', 'SET', 'maxmemory-samples', '9', 'appendfsync', 'no')).toEqual(simple('OK'));
    expect(await client.command('CONFIG', 'GET', 'appendfsync')).toEqual({ type: 'array', value: [bulk('appendfsync'), bulk('no')] });
    expect(await client.command('CONFIG', 'SET', 'maxmemory-samples', '5', 'appendfsync', 'everysec')).toEqual(simple('OK'));
  });
});

describe('eviction notifications', () => {
  it('publishes __keyevent@0__:evicted when maxmemory evicts keys', async () => {
    const admin = await connect();
    const subscriber = await connect();
    await admin.command('CONFIG', 'SET', 'notify-keyspace-events', 'Ee');
    expect(await subscriber.command('SUBSCRIBE', '__keyevent@0__:evicted')).toMatchObject({ type: 'array' });
    await admin.command('FLUSHALL');
    await admin.command('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    await admin.command('CONFIG', 'SET', 'maxmemory', '200kb');
    const value = 'x'.repeat(1000);
    for (let i = 0; i < 400; i++) admin.send('SET', `evict:${i}`, value);
    const replies = await admin.read(400);
    expect(replies.every((r) => r.type === 'simple')).toBe(true);
    const [message] = await subscriber.read();
    expect(message).toMatchObject({ type: 'array', value: [bulk('message'), bulk('__keyevent@0__:evicted'), { type: 'bulk' }] });
    const stats = ((await admin.command('INFO', 'stats')) as { value: string }).value;
    expect(stats).toMatch(/evicted_keys:[1-9]/);
    await admin.command('CONFIG', 'SET', 'maxmemory', '0');
    await admin.command('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    await admin.command('CONFIG', 'SET', 'notify-keyspace-events', '');
  });
});
