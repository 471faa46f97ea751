import { AddressInfo, createServer, Server, Socket, connect } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { TurnWrites } from './turn-writes';

/** A connected pair of real TCP sockets on 127.0.0.1. */
async function socketPair(server: Server): Promise<{ local: Socket; remote: Socket }> {
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const local = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await new Promise((resolve) => local.once('connect', resolve));
  return { local, remote: await accepted };
}

function collect(socket: Socket): { text: () => string; chunks: () => number } {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { text: () => Buffer.concat(chunks).toString(), chunks: () => chunks.length };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('TurnWrites', () => {
  let server: Server;
  const sockets: Socket[] = [];

  beforeEach(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  /** A registered socket pair (closed after the test) and what its client end receives. */
  async function connected(): Promise<{ local: Socket; remote: Socket; received: ReturnType<typeof collect> }> {
    const pair = await socketPair(server);
    sockets.push(pair.local, pair.remote);
    return { ...pair, received: collect(pair.local) };
  }

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('holds every write of a turn and sends them together when the turn ends', async () => {
    const writes = new TurnWrites();
    const a = await connected();
    const b = await connected();
    const atA = a.received;
    const atB = b.received;

    writes.write(a.remote, Buffer.from('+one\r\n'));
    writes.write(b.remote, Buffer.from('+two\r\n'));
    writes.write(a.remote, Buffer.from('+three\r\n'));
    // Still this turn: nothing has been handed to the kernel.
    expect(a.remote.writableCorked).toBe(1);
    expect(a.remote.writableLength).toBe('+one\r\n+three\r\n'.length);
    expect(b.remote.writableCorked).toBe(1);

    await nextTurn();
    expect(a.remote.writableCorked).toBe(0);
    expect(b.remote.writableCorked).toBe(0);
    await until(() => atA.text().length === 14 && atB.text().length === 6);
    expect(atA.text()).toBe('+one\r\n+three\r\n');
    expect(atB.text()).toBe('+two\r\n');
    // One system call carried both of a's replies, so they arrive in one read.
    expect(atA.chunks()).toBe(1);

    // The next turn corks again.
    writes.write(a.remote, Buffer.from('+four\r\n'));
    expect(a.remote.writableCorked).toBe(1);
    await nextTurn();
    await until(() => atA.text().endsWith('+four\r\n'));
    expect(atA.text()).toBe('+one\r\n+three\r\n+four\r\n');
  });

  it('flushNow sends what this turn wrote at once (before a shutdown destroys the sockets)', async () => {
    const writes = new TurnWrites();
    const { remote, received } = await connected();
    writes.write(remote, Buffer.from('+OK\r\n'));
    writes.flushNow();
    expect(remote.writableCorked).toBe(0);
    remote.destroy();
    await until(() => received.text().length === 5);
    expect(received.text()).toBe('+OK\r\n');
  });

  it('sends what a socket ended in the same turn had written, and its end after it', async () => {
    const writes = new TurnWrites();
    const { local, remote, received } = await connected();
    const ended = new Promise((resolve) => local.once('end', resolve));

    writes.write(remote, Buffer.from('-ERR Protocol error\r\n'));
    remote.end();
    await nextTurn();
    await ended;
    expect(received.text()).toBe('-ERR Protocol error\r\n');
  });

  it('a socket that fails to flush is destroyed, and the other sockets of the turn still go', async () => {
    const writes = new TurnWrites();
    const { remote, received } = await connected();
    const broken = new Socket();
    const destroyed = jest.spyOn(broken, 'destroy');
    jest.spyOn(broken, 'write').mockReturnValue(true);
    jest.spyOn(broken, 'uncork').mockImplementation(() => {
      throw new Error('flush failed');
    });
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);

    writes.write(broken, Buffer.from('lost'));
    writes.write(remote, Buffer.from('+OK\r\n'));
    await nextTurn();
    await until(() => received.text().length === 5);
    expect(received.text()).toBe('+OK\r\n');
    expect(destroyed).toHaveBeenCalled();
    expect(logged).toHaveBeenCalledWith('RESP reply flush failed:', expect.any(Error));
    logged.mockRestore();
  });
});
