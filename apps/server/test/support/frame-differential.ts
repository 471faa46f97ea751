// Malformed RESP input, Mnemo against Redis: seeded random byte sequences made by mutating
// valid requests (a byte flipped, cut short, CR or LF dropped or doubled, a length changed to a
// negative, huge or non-numeric one, the '*' or '$' replaced, inline commands with odd quotes
// and escapes) are written to a fresh connection to each server, and what comes back must be
// the same bytes, and both servers must close the connection or both keep it open. Used by
// resp-frame-differential.spec.ts (a bounded run in `npm test`) and
// bench/differential.bench.ts (--frames).
//
//   "*2\r\n$4\r\nECHO\r\n$-3\r\n"  ->  both: "-ERR Protocol error: invalid bulk length\r\n", closed
//   "*1\r\n$4\r\nPI"                ->  both: nothing yet, open (waiting for the rest)

import { connect } from 'node:net';
import { seededRandom } from '@mnemo/engine';
import { encodeCommand } from './resp-support';

type Rnd = () => number;

function pick<T>(rnd: Rnd, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)];
}

const COMMANDS: string[][] = [['PING'], ['ECHO', 'hi'], ['SET', 'fk', 'v'], ['GET', 'fk'], ['INCR', 'fc'], ['HSET', 'fh', 'a', '1'], ['DEL', 'fk'], ['MGET', 'a', 'b', 'c']];
const INLINE: string[] = ['PING', 'ECHO "a b"', "ECHO 'it\\'s'", 'SET fk "\\x41\\x4"', 'ECHO "\\u0041"', 'ECHO "a"b', 'ECHO \'a', 'GET "fk', 'ECHO "\\n\\t\\\\"', '  PING  ', 'ECHO ""', "ECHO ''x", 'ECHO "\\xZZ"'];
const NUMBERS = ['-1', '-2', '0', '99999999999', '2147483648', '1.5', 'abc', '', ' 3', '+3', '03', '-0', '9223372036854775808'];

/**
 * One malformed (or sometimes valid) request as bytes, with a PING after it now and then. Keys
 * carry the case's number: cases run concurrently, and must not see each other's writes.
 */
export function randomFrame(rnd: Rnd, id: number): Buffer {
  const own = (arg: string): string => (/^f[khc]$/.test(arg) ? `${arg}${id}` : arg);
  const r = rnd();
  let text: string;
  if (r < 0.25) {
    text = pick(rnd, INLINE).replace(/\bf([khc])\b/g, `f$1${id}`) + pick(rnd, ['\r\n', '\n', '\r', '']);
  } else {
    text = encodeCommand(pick(rnd, COMMANDS).map(own)).toString('latin1');
    const mutations = 1 + Math.floor(rnd() * 2);
    for (let m = 0; m < mutations; m++) text = mutate(rnd, text);
  }
  if (rnd() < 0.5) text += '*1\r\n$4\r\nPING\r\n';
  return Buffer.from(text, 'latin1');
}

function mutate(rnd: Rnd, text: string): string {
  const at = Math.floor(rnd() * text.length);
  switch (Math.floor(rnd() * 7)) {
    case 0:
      return text.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 256)) + text.slice(at + 1);
    case 1:
      return text.slice(0, at);
    case 2:
      return text.replace(pick(rnd, ['\r', '\n']), '');
    case 3:
      return text.slice(0, at) + pick(rnd, ['\r\n', '\r', '\n', '\r\n\r\n']) + text.slice(at);
    case 4:
      return text.replace(/([*$])(\d+)/, (_m, marker: string) => marker + pick(rnd, NUMBERS));
    case 5: {
      const lengths = [...text.matchAll(/\$(\d+)/g)];
      if (lengths.length === 0) return text;
      const chosen = pick(rnd, lengths);
      const index = chosen.index ?? 0;
      return text.slice(0, index) + '$' + pick(rnd, NUMBERS) + text.slice(index + chosen[0].length);
    }
    default:
      return text.replace(pick(rnd, ['*', '$']), pick(rnd, ['+', ':', '-', 'x', '%', '~', '']));
  }
}

/** What a server did with some bytes: everything it sent back, and whether it closed. */
export interface Exchange {
  reply: string;
  closed: boolean;
}

/** Writes `bytes` on a fresh connection; collects replies until the server closes or is quiet for `quietMs`. */
export function exchange(port: number, bytes: Buffer, quietMs = 120): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean): void => {
      if (timer) clearTimeout(timer);
      socket.destroy();
      resolve({ reply: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const arm = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => finish(false), quietMs);
    };
    socket.once('connect', () => {
      socket.write(bytes);
      arm();
    });
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      arm();
    });
    socket.on('close', () => finish(true));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') finish(true);
      else reject(error);
    });
  });
}

/**
 * The one known difference (docs/resp.md): a NUL byte in a line Redis scans with C string
 * functions (a length line, an inline command) hides the rest of the line from it, so Redis
 * waits for more input forever; Mnemo answers (a protocol error and a close, or the command).
 * What Redis answered before it stalled must still be the start of Mnemo's answer.
 */
function nulStallsRedis(input: string, mnemo: Exchange, redis: Exchange): boolean {
  return input.includes('\0') && !redis.closed && mnemo.reply.startsWith(redis.reply);
}

export interface FrameRun {
  cases: number;
  /** Cases where the servers closed the connection (protocol errors). */
  closed: number;
  differences: Array<{ input: string; mnemo: Exchange; redis: Exchange }>;
}

/** `count` random frames (seed `seed`), `concurrency` at a time, each on fresh connections to both servers. */
export async function runFrameDifferential(mnemoPort: number, redisPort: number, options: { seed: number; count: number; concurrency?: number }): Promise<FrameRun> {
  const rnd = seededRandom(options.seed);
  const frames = Array.from({ length: options.count }, (_, i) => randomFrame(rnd, options.seed * 1_000_000 + i));
  const run: FrameRun = { cases: 0, closed: 0, differences: [] };
  const concurrency = options.concurrency ?? 25;
  for (let i = 0; i < frames.length; i += concurrency) {
    const batch = frames.slice(i, i + concurrency);
    const results = await Promise.all(batch.map((bytes) => Promise.all([exchange(mnemoPort, bytes), exchange(redisPort, bytes)])));
    for (let j = 0; j < results.length; j++) {
      let [mnemo, redis] = results[j];
      const input = batch[j].toString('latin1');
      const differ = (): boolean => (mnemo.reply !== redis.reply || mnemo.closed !== redis.closed) && !nulStallsRedis(input, mnemo, redis);
      // "Quiet for 120 ms" is how an exchange decides a server is waiting for more input; on a
      // loaded machine a server can be that slow to answer. A difference is re-checked alone,
      // with a second of quiet, before it counts.
      if (differ()) [mnemo, redis] = await Promise.all([exchange(mnemoPort, batch[j], 1000), exchange(redisPort, batch[j], 1000)]);
      run.cases++;
      if (redis.closed) run.closed++;
      if (differ()) run.differences.push({ input, mnemo, redis });
    }
  }
  return run;
}
