// Request framing: multibulk and inline commands, pipelining, frames split at every byte,
// binary-safe bulks, Redis's protocol error texts and the memory limits.
import { ProtocolError } from './errors';
import { MAX_BULK_LENGTH, RequestParser } from './request-parser';

function encode(argv: string[]): Buffer {
  const parts = [`*${argv.length}\r\n`];
  for (const arg of argv) parts.push(`$${arg.length}\r\n`, arg, '\r\n');
  return Buffer.from(parts.join(''), 'latin1');
}

/** Feeds all chunks, draining commands after each; returns them in order. */
function parseChunks(chunks: Buffer[], parser = new RequestParser()): string[][] {
  const out: string[][] = [];
  for (const chunk of chunks) {
    parser.feed(chunk);
    for (let argv = parser.next(); argv !== null; argv = parser.next()) out.push(argv);
  }
  return out;
}

function protocolError(input: string | Buffer, parser = new RequestParser()): ProtocolError {
  parser.feed(typeof input === 'string' ? Buffer.from(input, 'latin1') : input);
  try {
    while (parser.next() !== null) {
      /* drain valid commands before the bad one */
    }
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    return error as ProtocolError;
  }
  throw new Error(`no protocol error for ${JSON.stringify(input.toString())}`);
}

const ALL_BYTES = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));

describe('RequestParser - multibulk', () => {
  it('parses one command', () => {
    expect(parseChunks([encode(['SET', 'key', 'value'])])).toEqual([['SET', 'key', 'value']]);
  });

  it('parses many pipelined commands from one read', () => {
    const commands = Array.from({ length: 100 }, (_, i) => ['INCR', `k${i}`]);
    expect(parseChunks([Buffer.concat(commands.map(encode))])).toEqual(commands);
  });

  it('gives each command its own name when names repeat, differ in one byte or case, or are binary', () => {
    // The parser reuses the last decoded name when the bytes match (commandName).
    const names = ['GET', 'GET', 'SET', 'get', 'GEt', 'GETEX', 'GETE\xff', 'GETE\xfe', '', 'x'.repeat(40), 'x'.repeat(40), 'x'.repeat(39) + 'y', 'GET'];
    const commands = names.map((name) => [name, 'key']);
    expect(parseChunks([Buffer.concat(commands.map(encode))])).toEqual(commands);
    expect(parseChunks(commands.map(encode))).toEqual(commands);
  });

  it('keeps bulk strings binary-safe (every byte value, CRLF inside, empty)', () => {
    const argv = ['SET', ALL_BYTES, 'a\r\nb\r\n', ''];
    expect(parseChunks([encode(argv)])).toEqual([argv]);
  });

  it('gives the same commands when the input is split at every byte boundary', () => {
    const commands = [['SET', 'k', 'a\r\nb'], ['GET', 'k'], ['PING'], ['ECHO', ALL_BYTES.slice(0, 40)]];
    const input = Buffer.concat([...commands.map(encode), Buffer.from('PING inline\r\nGET "x y"\n')]);
    const expected = [...commands, ['PING', 'inline'], ['GET', 'x y']];
    for (let cut = 0; cut <= input.length; cut++) {
      expect(parseChunks([input.subarray(0, cut), input.subarray(cut)])).toEqual(expected);
    }
    for (let cut = 1; cut < input.length; cut++) {
      for (let cut2 = cut; cut2 < input.length; cut2 += 7) {
        expect(parseChunks([input.subarray(0, cut), input.subarray(cut, cut2), input.subarray(cut2)])).toEqual(expected);
      }
    }
    const bytes = Array.from({ length: input.length }, (_, i) => input.subarray(i, i + 1));
    expect(parseChunks(bytes)).toEqual(expected);
  });

  it('skips empty multibulks (*0 and *-1) as Redis does', () => {
    expect(parseChunks([Buffer.from('*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n')])).toEqual([['PING']]);
  });

  it('reads a large bulk arriving in many small reads and releases the input afterwards', () => {
    const value = 'x'.repeat(3 * 1024 * 1024);
    const frame = encode(['SET', 'big', value]);
    const parser = new RequestParser();
    const chunks: Buffer[] = [];
    for (let i = 0; i < frame.length; i += 16 * 1024) chunks.push(frame.subarray(i, i + 16 * 1024));
    const started = Date.now();
    const out = parseChunks(chunks, parser);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(out).toHaveLength(1);
    expect(out[0][2]).toBe(value);
    expect(parser.bufferedBytes).toBe(0);
    expect(parser.idle).toBe(true);
  });

  it('streams a multibulk of a million elements without a limit on the count', () => {
    const parser = new RequestParser();
    parser.feed(Buffer.from('*1000000\r\n'));
    expect(parser.next()).toBeNull();
    const arg = Buffer.from('$1\r\na\r\n');
    const block = Buffer.concat(Array.from({ length: 10000 }, () => arg));
    let result: string[] | null = null;
    for (let i = 0; i < 100; i++) {
      parser.feed(block);
      result = parser.next();
      if (i < 99) expect(result).toBeNull();
    }
    expect(result).toHaveLength(1_000_000);
  });

  it('does not check the two bytes after a bulk string, like Redis', () => {
    expect(parseChunks([Buffer.from('*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n')])).toEqual([['PING'], ['PING']]);
  });
});

describe('RequestParser - inline', () => {
  it('parses telnet-style lines with \\r\\n or \\n and skips blank lines', () => {
    expect(parseChunks([Buffer.from('PING\r\n\r\n\nSET k "hello world"\nGET k\r\n')])).toEqual([
      ['PING'],
      ['SET', 'k', 'hello world'],
      ['GET', 'k'],
    ]);
  });

  it('mixes inline and multibulk commands in one read', () => {
    expect(parseChunks([Buffer.concat([Buffer.from('PING\r\n'), encode(['GET', 'k']), Buffer.from('ECHO x\n')])])).toEqual([
      ['PING'],
      ['GET', 'k'],
      ['ECHO', 'x'],
    ]);
  });

  it('waits for the end of an unterminated line', () => {
    const parser = new RequestParser();
    parser.feed(Buffer.from('GET k'));
    expect(parser.next()).toBeNull();
    parser.feed(Buffer.from('ey\r\n'));
    expect(parser.next()).toEqual(['GET', 'key']);
  });
});

describe('RequestParser - protocol errors (Redis texts)', () => {
  it.each([
    ['*abc\r\n', 'Protocol error: invalid multibulk length'],
    ['*\r\n', 'Protocol error: invalid multibulk length'],
    ['*+1\r\n', 'Protocol error: invalid multibulk length'],
    ['*01\r\n', 'Protocol error: invalid multibulk length'],
    ['*2147483648\r\n', 'Protocol error: invalid multibulk length'],
    ['*99999999999999999999999\r\n', 'Protocol error: invalid multibulk length'],
    ['*1\r\n$-1\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$abc\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$99999999999\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\nx3\r\n', "Protocol error: expected '$', got 'x'"],
    ['*2\r\n$4\r\nPING\r\n:1\r\n', "Protocol error: expected '$', got ':'"],
    ['SET k "abc\r\n', 'Protocol error: unbalanced quotes in request'],
    ['PING\r\nSET k "a"b\r\n', 'Protocol error: unbalanced quotes in request'],
  ])('%j -> %s', (input, message) => {
    const error = protocolError(input);
    expect(error.message).toBe(message);
    expect(error.toRedisText()).toBe(`ERR ${message}`);
  });

  it('refuses a bulk longer than maxBulkLength', () => {
    const parser = new RequestParser({ maxBulkLength: 100 });
    expect(protocolError('*1\r\n$101\r\n', parser).message).toBe('Protocol error: invalid bulk length');
    expect(parseChunks([encode(['x'.repeat(100)])], new RequestParser({ maxBulkLength: 100 }))).toHaveLength(1);
  });

  it('MAX_BULK_LENGTH is the longest string this runtime can make', () => {
    expect('x'.repeat(MAX_BULK_LENGTH)).toHaveLength(MAX_BULK_LENGTH);
    expect(() => 'x'.repeat(MAX_BULK_LENGTH + 1)).toThrow(RangeError);
  });

  it('refuses a bulk longer than a JS string can be (512 MB is 24 bytes over it), whatever maxBulkLength says', () => {
    const parser = new RequestParser({ maxBulkLength: 1024 * 1024 * 1024 });
    expect(protocolError(`*2\r\n$3\r\nSET\r\n$${MAX_BULK_LENGTH + 1}\r\n`, parser).message).toBe('Protocol error: invalid bulk length');
    expect(protocolError(`*1\r\n$${512 * 1024 * 1024}\r\n`, new RequestParser()).message).toBe('Protocol error: invalid bulk length');
    // Up to the limit the length line is taken (the bytes would follow).
    const atLimit = new RequestParser({ maxBulkLength: 1024 * 1024 * 1024 });
    atLimit.feed(Buffer.from(`*1\r\n$${MAX_BULK_LENGTH}\r\n`));
    expect(atLimit.next()).toBeNull();
  });

  it('applies a changed maxBulkLength to the next frame (CONFIG SET at run time)', () => {
    const parser = new RequestParser({ maxBulkLength: 10 });
    expect(parseChunks([encode(['x'.repeat(10)])], parser)).toHaveLength(1);
    parser.maxBulkLength = 5;
    expect(protocolError('*1\r\n$6\r\n', parser).message).toBe('Protocol error: invalid bulk length');
  });

  it('refuses over-long inline, count and length lines (64 KB)', () => {
    expect(protocolError('A'.repeat(70 * 1024)).message).toBe('Protocol error: too big inline request');
    expect(protocolError(`*${'1'.repeat(70 * 1024)}`).message).toBe('Protocol error: too big mbulk count string');
    expect(protocolError(`*1\r\n$${'1'.repeat(70 * 1024)}`).message).toBe('Protocol error: too big bulk count string');
  });

  it('applies the unauthenticated limits while authRequired is set', () => {
    const parser = new RequestParser();
    parser.authRequired = true;
    expect(protocolError('*11\r\n', parser).message).toBe('Protocol error: unauthenticated multibulk length');
    const other = new RequestParser();
    other.authRequired = true;
    expect(protocolError('*1\r\n$16385\r\n', other).message).toBe('Protocol error: unauthenticated bulk length');
    const ok = new RequestParser();
    ok.authRequired = true;
    expect(parseChunks([encode(['AUTH', 'x'.repeat(16384)])], ok)).toHaveLength(1);
  });

  it('enforces the query buffer limit on unparsed bytes plus pending arguments', () => {
    const parser = new RequestParser({ maxQueryBufferBytes: 1024 });
    parser.feed(Buffer.from('*1\r\n$5000\r\n'));
    expect(parser.next()).toBeNull();
    parser.feed(Buffer.alloc(2000, 0x61));
    expect(() => parser.next()).toThrow('Protocol error: client query buffer limit reached');

    const many = new RequestParser({ maxQueryBufferBytes: 64 * 1024 });
    many.feed(Buffer.from('*1000000\r\n'));
    const arg = Buffer.concat(Array.from({ length: 1000 }, () => Buffer.from('$0\r\n\r\n')));
    expect(() => {
      for (let i = 0; i < 1000; i++) {
        many.feed(arg);
        many.next();
      }
    }).toThrow(ProtocolError);
    expect(many.heldBytes).toBeLessThan(64 * 1024 + 2 * arg.length);
  });
});
