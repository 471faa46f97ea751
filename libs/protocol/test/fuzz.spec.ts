// Bounded fuzz runs of the request parser: random bytes and mutated valid frames must end in a
// command, a wait for more bytes or a ProtocolError, never another exception, a hang or
// unbounded buffering. (bench/ has a longer run.)
import { ProtocolError, RequestParser } from '../src';

/** Small seeded PRNG (mulberry32) so a failure can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function encode(argv: string[]): Buffer {
  return Buffer.from(`*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`, 'latin1');
}

function randomArg(random: () => number): string {
  const length = Math.floor(random() * (random() < 0.1 ? 3000 : 20));
  const bytes = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes.toString('latin1');
}

/** Splits `input` into random chunks. */
function chunks(input: Buffer, random: () => number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < input.length; ) {
    const size = 1 + Math.floor(random() * (random() < 0.5 ? 8 : 2000));
    out.push(input.subarray(i, i + size));
    i += size;
  }
  return out;
}

const LIMITS = { maxBulkLength: 1024 * 1024, maxQueryBufferBytes: 256 * 1024 };

/** Feeds every chunk; returns the commands and the error, checking the invariants on the way. */
function run(input: Buffer, random: () => number): { commands: string[][]; error: ProtocolError | null } {
  const parser = new RequestParser(LIMITS);
  const commands: string[][] = [];
  for (const chunk of chunks(input, random)) {
    parser.feed(chunk);
    try {
      for (let argv = parser.next(); argv !== null; argv = parser.next()) {
        if (argv.length === 0) throw new Error('empty command returned');
        commands.push(argv);
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      return { commands, error };
    }
    if (parser.heldBytes > LIMITS.maxQueryBufferBytes + chunk.length) throw new Error(`held ${parser.heldBytes} bytes`);
  }
  return { commands, error: null };
}

describe('RequestParser fuzz', () => {
  it('survives random bytes (2,000 inputs)', () => {
    const random = prng(0xc0ffee);
    const alphabet = Buffer.from('*$\r\n0123456789-+ "\'\\xabcPING');
    for (let round = 0; round < 2000; round++) {
      const length = Math.floor(random() * 400);
      const input = Buffer.alloc(length);
      const biased = random() < 0.5;
      for (let i = 0; i < length; i++) {
        input[i] = biased ? alphabet[Math.floor(random() * alphabet.length)] : Math.floor(random() * 256);
      }
      run(input, random);
    }
  });

  it('parses random valid pipelines back exactly, in random chunks (150 pipelines)', () => {
    const random = prng(42);
    for (let round = 0; round < 150; round++) {
      const commands = Array.from({ length: 1 + Math.floor(random() * 20) }, () =>
        Array.from({ length: 1 + Math.floor(random() * 5) }, () => randomArg(random)),
      );
      const result = run(Buffer.concat(commands.map(encode)), random);
      expect(result.error).toBeNull();
      expect(result.commands).toEqual(commands);
    }
  });

  it('on a mutated valid pipeline, yields a prefix of valid commands then at most one error (600 runs)', () => {
    const random = prng(7);
    for (let round = 0; round < 600; round++) {
      const commands = Array.from({ length: 1 + Math.floor(random() * 8) }, () => ['SET', randomArg(random), randomArg(random)]);
      const input = Buffer.concat(commands.map(encode));
      const mutations = 1 + Math.floor(random() * 3);
      for (let m = 0; m < mutations; m++) input[Math.floor(random() * input.length)] = Math.floor(random() * 256);
      const { commands: parsed } = run(input, random);
      expect(parsed.length).toBeLessThanOrEqual(commands.length * 3 + 50);
    }
  });
});
