// Bad input and limits on the RESP listener: protocol errors, oversized frames, the query
// buffer limit, max clients, idle timeout, a million-element multibulk and random garbage.
// Each misbehaving client gets an error and/or a disconnect; the others notice nothing.

import { connect as connectTcp } from 'node:net';
import { bulk, error, integer, RawClient, simple, startRespServer, useRespServer } from './support/resp-support';

const shared = useRespServer(['--maxclients', '20', '--client-query-buffer-limit', '1mb', '--proto-max-bulk-len', '1mb'], { awaitDisconnects: true });
const { connect } = shared;

/** A bystander that must keep working through every test. */
async function expectHealthy(): Promise<void> {
  const probe = await connect();
  expect(await probe.command('SET', 'healthy', 'yes')).toEqual(simple('OK'));
  expect(await probe.command('GET', 'healthy')).toEqual(bulk('yes'));
}

describe('protocol errors: Redis texts, then the connection closes', () => {
  it.each([
    ['*1\r\n$-5\r\n', 'ERR Protocol error: invalid bulk length'],
    ['*1\r\n$99999999999999\r\n', 'ERR Protocol error: invalid bulk length'],
    ['*1\r\n$1048577\r\n', 'ERR Protocol error: invalid bulk length'],
    ['*x\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['*3000000000\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['*1\r\nx\r\n', "ERR Protocol error: expected '$', got 'x'"],
    ['SET k "unterminated\r\n', 'ERR Protocol error: unbalanced quotes in request'],
  ])('%j', async (input, message) => {
    const bystander = await connect();
    const bad = await connect();
    bad.write(`PING\r\n${input}`);
    expect(await bad.read(2)).toEqual([simple('PONG'), error(message)]);
    await bad.waitClosed();
    expect(await bystander.command('PING')).toEqual(simple('PONG'));
  });

  it('survives random garbage from many clients (bounded fuzz) and keeps serving others', async () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let round = 0; round < 30; round++) {
      const bad = await connect();
      const garbage = Buffer.alloc(1 + Math.floor(random() * 3000));
      for (let i = 0; i < garbage.length; i++) garbage[i] = random() < 0.3 ? '*$\r\n-0123456789"'.charCodeAt(Math.floor(random() * 16)) : Math.floor(random() * 256);
      bad.write(garbage);
      bad.close();
    }
    await expectHealthy();
  });
});

describe('an HTTP request sent to the RESP port (cross-protocol scripting)', () => {
  it.each([
    ['a form POST', 'POST / HTTP/1.1\r\nHost: 127.0.0.1:6380\r\nContent-Type: text/plain\r\n\r\nSET xproto pwned\r\nCONFIG SET requirepass x\r\n'],
    ['a GET', 'GET / HTTP/1.1\r\nHost: 127.0.0.1:6380\r\n\r\nSET xproto pwned\r\n'],
  ])('%s: closed at its POST or Host: line, and nothing after it runs', async (_what, request) => {
    const bystander = await connect();
    const attacker = await connect();
    attacker.write(request);
    await attacker.waitClosed();
    expect(await bystander.command('GET', 'xproto')).toEqual({ type: 'null', kind: 'bulk' });
    expect(await bystander.command('CONFIG', 'GET', 'requirepass')).toEqual({ type: 'array', value: [bulk('requirepass'), bulk('')] });
  });
});

describe('limits', () => {
  it('holds about 1 MB of replies for a client that pipelines big reads and reads none, then sends them all once it reads', async () => {
    const bystander = await connect();
    const value = 'v'.repeat(100_000);
    expect(await bystander.command('SET', 'big', value)).toEqual(simple('OK'));
    const count = 600; // 13 KB of requests, 60 MB of replies
    const socket = connectTcp(shared.mnemo.port, '127.0.0.1');
    try {
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.pause();
      socket.write('*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n'.repeat(count));
      let peak = 0;
      for (let i = 0; i < 50; i++) {
        for (const client of shared.mnemo.resp.ctx.clients.values()) peak = Math.max(peak, client.pendingOutputBytes);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThan(3 * 1024 * 1024);
      expect(await bystander.command('GET', 'healthy')).toBeDefined(); // others are served meanwhile
      // Reading now gets every reply, whole and in order.
      const reply = Buffer.from(`$100000\r\n${value}\r\n`);
      const expected = reply.length * count;
      let received = 0;
      let wrong = 0;
      let carry = Buffer.alloc(0);
      await new Promise<void>((resolve) => {
        socket.on('data', (chunk: Buffer) => {
          received += chunk.length;
          carry = Buffer.concat([carry, chunk]);
          for (; carry.length >= reply.length; carry = carry.subarray(reply.length)) {
            if (!carry.subarray(0, reply.length).equals(reply)) wrong++;
          }
          if (received >= expected) resolve();
        });
        socket.resume();
      });
      expect({ received, wrong }).toEqual({ received: expected, wrong: 0 });
    } finally {
      socket.destroy(); // a failed expectation must not leave a client behind for the maxclients test
    }
  });

  it('closes a client over the query buffer limit with an error; others are unaffected', async () => {
    const bystander = await connect();
    bystander.send('SET', 'before', '1');
    const greedy = await connect();
    // A bulk under proto-max-bulk-len but an endless stream of small pipelined-but-unfinished data.
    greedy.write('*2\r\n$4\r\nECHO\r\n$100000\r\n');
    greedy.write(Buffer.alloc(90_000, 0x61));
    // Inline data with no newline: refused at 64 KB, like Redis.
    const inline = await connect();
    inline.write(Buffer.alloc(70_000, 0x62));
    expect(await inline.read()).toEqual([error('ERR Protocol error: too big inline request')]);
    await inline.waitClosed();
    // Many argument bytes that never complete one command: the query buffer limit (1 MB).
    const flood = await connect();
    flood.write('*100000\r\n');
    const arg = Buffer.from(`$90000\r\n${'c'.repeat(90_000)}\r\n`);
    for (let i = 0; i < 14; i++) flood.write(arg);
    expect(await flood.read()).toEqual([error('ERR Protocol error: client query buffer limit reached')]);
    await flood.waitClosed();
    expect(await bystander.read()).toEqual([simple('OK')]);
    greedy.write(Buffer.alloc(10_000, 0x61));
    greedy.write('\r\n');
    const [echoed] = await greedy.read();
    expect((echoed as { value: string }).value).toHaveLength(100_000);
  });

  it('applies CONFIG SET proto-max-bulk-len to connected clients at once', async () => {
    const client = await connect();
    const admin = await connect();
    expect(await admin.command('CONFIG', 'SET', 'proto-max-bulk-len', '2mb', 'client-query-buffer-limit', '4mb')).toEqual(simple('OK'));
    expect(await admin.command('CONFIG', 'GET', 'proto-max-bulk-len')).toEqual({ type: 'array', value: [bulk('proto-max-bulk-len'), bulk('2097152')] });
    const value = 'v'.repeat(1_500_000); // over the 1mb the server started with
    expect(await client.command('SET', 'bulk:1500k', value)).toEqual(simple('OK'));
    expect(await admin.command('CONFIG', 'SET', 'proto-max-bulk-len', '1mb', 'client-query-buffer-limit', '1mb')).toEqual(simple('OK'));
    client.write(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${2 * 1024 * 1024}\r\n`);
    expect(await client.read()).toEqual([error('ERR Protocol error: invalid bulk length')]);
    await client.waitClosed();
  });

  it('applies a CONFIG SET proto-max-bulk-len to the commands after it in the same read', async () => {
    const client = await connect();
    expect(await client.command('CONFIG', 'SET', 'proto-max-bulk-len', '1mb', 'client-query-buffer-limit', '4mb')).toEqual(simple('OK'));
    const big = 'b'.repeat(1_500_000); // over 1mb, under 2mb
    client.write(`CONFIG SET proto-max-bulk-len 2mb\r\n*3\r\n$3\r\nSET\r\n$8\r\nbulk:big\r\n$${big.length}\r\n${big}\r\nCONFIG SET proto-max-bulk-len 1mb\r\n`);
    expect(await client.read(3)).toEqual([simple('OK'), simple('OK'), simple('OK')]);
    expect(await client.command('CONFIG', 'SET', 'client-query-buffer-limit', '1mb')).toEqual(simple('OK'));
  });

  it('refuses a bulk longer than a JS string can hold even when proto-max-bulk-len allows it (it used to end the process)', async () => {
    const client = await connect();
    const admin = await connect();
    expect(await admin.command('CONFIG', 'SET', 'proto-max-bulk-len', '1gb')).toEqual(simple('OK'));
    try {
      client.write(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${512 * 1024 * 1024}\r\n`);
      expect(await client.read()).toEqual([error('ERR Protocol error: invalid bulk length')]);
      await client.waitClosed();
      await expectHealthy();
    } finally {
      expect(await admin.command('CONFIG', 'SET', 'proto-max-bulk-len', '1mb')).toEqual(simple('OK'));
    }
  });

  it('refuses clients over maxclients with Redis\'s error; existing clients keep working', async () => {
    const held: RawClient[] = [];
    for (let i = 0; i < 20; i++) held.push(await connect());
    expect(await held[0].command('PING')).toEqual(simple('PONG'));
    const extra = await connect();
    expect(await extra.read()).toEqual([error('ERR max number of clients reached')]);
    await extra.waitClosed();
    expect(await held[held.length - 1].command('PING')).toEqual(simple('PONG'));
    const info = ((await held[0].command('INFO', 'stats')) as { value: string }).value;
    expect(info).toMatch(/rejected_connections:[1-9]/);
  });

  it('closes clients idle longer than timeout, except subscribers (clock moved, no sleep)', async () => {
    const idle = await connect();
    const subscriber = await connect();
    await subscriber.command('SUBSCRIBE', 'keepalive');
    expect(await idle.command('CONFIG', 'SET', 'timeout', '10')).toEqual(simple('OK'));
    shared.mnemo.resp.closeIdleClients(Date.now() + 5_000);
    expect(await idle.command('PING')).toEqual(simple('PONG'));
    shared.mnemo.resp.closeIdleClients(Date.now() + 11_000);
    await idle.waitClosed();
    expect(subscriber.closed).toBe(false);
    const admin = await connect();
    expect(await admin.command('CONFIG', 'SET', 'timeout', '0')).toEqual(simple('OK'));
    shared.mnemo.resp.closeIdleClients(Date.now() + 1_000_000);
    expect(await admin.command('PING')).toEqual(simple('PONG'));
  });

  it('takes a multibulk of a million elements without trouble for others', async () => {
    // Arguments count against the query buffer limit (bounded memory), so raise it for this client.
    const admin = await connect();
    expect(await admin.command('CONFIG', 'SET', 'client-query-buffer-limit', '64mb')).toEqual(simple('OK'));
    const big = await connect();
    await big.command('SET', 'a', '1');
    const header = Buffer.from('*1000001\r\n$6\r\nEXISTS\r\n');
    const arg = Buffer.from('$1\r\na\r\n');
    const block = Buffer.concat(Array.from({ length: 10_000 }, () => arg));
    big.write(header);
    for (let i = 0; i < 100; i++) big.write(block);
    const bystander = await connect();
    expect(await bystander.command('PING')).toEqual(simple('PONG'));
    expect(await big.read(1, 20_000)).toEqual([integer(1_000_000)]);
    expect(await admin.command('CONFIG', 'SET', 'client-query-buffer-limit', '1mb')).toEqual(simple('OK'));
  });

  it('serves others while a slow client trickles a command byte by byte', async () => {
    const slow = await connect();
    const fast = await connect();
    const command = Buffer.from('*2\r\n$3\r\nGET\r\n$7\r\nhealthy\r\n');
    for (let i = 0; i < command.length; i++) {
      slow.write(command.subarray(i, i + 1));
      if (i % 5 === 0) expect(await fast.command('PING')).toEqual(simple('PONG'));
    }
    expect((await slow.read())[0].type).toMatch(/bulk|null/);
  });
});

/** Sends `input`, half-closes (FIN, as `nc -N` does) and returns every byte the server sends until it closes. */
function sendAndHalfClose(port: number, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(port, '127.0.0.1', () => socket.end(input));
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

describe('connections that end their side', () => {
  it('a client that half-closes still gets every reply, those waiting for an fsync or a SAVE included', async () => {
    const mnemo = await startRespServer(['--appendfsync', 'always']);
    try {
      expect(await sendAndHalfClose(mnemo.port, 'SET hc 1\r\nPING\r\n')).toBe('+OK\r\n+PONG\r\n');
      expect(await sendAndHalfClose(mnemo.port, 'PING\r\nSAVE\r\nGET hc\r\n')).toBe('+PONG\r\n+OK\r\n$1\r\n1\r\n');
    } finally {
      await mnemo.close();
    }
  });

  it('a client refused over maxclients after sending a command does not hold up shutdown', async () => {
    const mnemo = await startRespServer(['--maxclients', '1']);
    const held = await RawClient.connect(mnemo.port);
    expect(await held.command('PING')).toEqual(simple('PONG'));
    const refused = await RawClient.connect(mnemo.port);
    refused.write('PING\r\n');
    expect(await refused.read()).toEqual([error('ERR max number of clients reached')]);
    await refused.waitClosed();
    const stopped = mnemo.close().then(() => 'stopped');
    const timedOut = new Promise((resolve) => setTimeout(() => resolve('still running after 10 s'), 10_000).unref());
    expect(await Promise.race([stopped, timedOut])).toBe('stopped');
    held.close();
  });
});
