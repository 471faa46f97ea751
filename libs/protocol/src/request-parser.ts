// Incremental parser for client requests: RESP multibulk frames and inline command lines.
//
// Design note: framing across TCP reads.
// A read may hold many commands (pipelining), half a command, or a few bytes of a huge bulk
// string. The parser keeps the unparsed bytes and resumes where it stopped:
//
//   read 1: "*2\r\n$3\r\nGET\r\n$3\r\nke"      -> argv so far ['GET'], waiting for 3+2 bytes of arg 2
//   read 2: "y\r\n*1\r\n$4\r\nPING\r\n"        -> next() = ['GET', 'key'], next() = ['PING'], next() = null
//
// Incoming chunks are only queued until enough bytes are buffered to make progress (`needed`),
// so a 100 MB bulk string arriving in 64 KB reads is concatenated once, not once per read.
// Completed arguments are copied out as latin1 strings (one char per byte), so the socket's
// buffers are not retained. Limits follow Redis: a count or length line longer than 64 KB, a
// multibulk count above 2^31-1, a bulk length above `maxBulkLength`, or more than
// `maxQueryBufferBytes` of unparsed input plus argument bytes all throw a ProtocolError, after
// which the caller replies the error and closes the connection.

import { splitInlineArgs } from './inline';
import { ProtocolError } from './errors';

/**
 * The longest bulk string this parser can hand over: arguments become JS strings, and V8's
 * longest string is 2^29 - 24 characters (536,870,888), 24 bytes short of Redis's default
 * proto-max-bulk-len (512 MB). A longer bulk is refused as over the limit, whatever
 * proto-max-bulk-len says, instead of failing to decode (which threw out of the socket handler).
 */
export const MAX_BULK_LENGTH = 2 ** 29 - 24; // V8's String::kMaxLength on 64-bit (node:buffer's constants.MAX_STRING_LENGTH)

/** Redis's PROTO_INLINE_MAX_SIZE: longest inline command or count/length line. */
export const INLINE_MAX_SIZE = 64 * 1024;
const INT_MAX = 2 ** 31 - 1;
/** Bytes charged per argument on top of its length, so a million empty arguments still count. */
const ARG_OVERHEAD = 16;
const EMPTY = Buffer.alloc(0);

export interface RequestParserOptions {
  /** Largest bulk string accepted (proto-max-bulk-len). Default 512 MiB. */
  maxBulkLength?: number;
  /** Most unparsed bytes plus bytes of the arguments of the command being read. Default 1 GiB. */
  maxQueryBufferBytes?: number;
}

type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

/** Node's native latin1 decoder (what toString('latin1') calls after its argument checks). */
const HAS_LATIN1_SLICE = typeof (Buffer.prototype as Partial<Latin1Buffer>).latin1Slice === 'function';

/** Decodes bytes [start, end) as a latin1 byte string: one char per byte, so binary-safe. */
function latin1(buffer: Buffer, start: number, end: number): string {
  return HAS_LATIN1_SLICE ? (buffer as Latin1Buffer).latin1Slice(start, end) : buffer.toString('latin1', start, end);
}

/**
 * Parses Redis's string2ll subset: optional '-', no '+', no leading zeros, digits only.
 * Returns NaN for anything else (including an empty string or more than 19 digits).
 */
function parseInteger(buffer: Buffer, start: number, end: number): number {
  if (start >= end || end - start > 20) return NaN;
  let i = start;
  let negative = false;
  if (end - start === 1 && buffer[i] === 0x30) return 0;
  if (buffer[i] === 0x2d) {
    negative = true;
    i++;
    if (i >= end) return NaN;
  }
  if (buffer[i] < 0x31 || buffer[i] > 0x39) return NaN;
  let value = 0;
  for (; i < end; i++) {
    const digit = buffer[i] - 0x30;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

export class RequestParser {
  /** When true, Redis's limits for unauthenticated clients apply (≤ 10 arguments, ≤ 16384-byte bulks). */
  authRequired = false;
  /** Largest bulk string accepted; may be changed between next() calls (CONFIG SET proto-max-bulk-len). */
  maxBulkLength: number;
  /** Most bytes held (unparsed input plus pending arguments); may be changed between next() calls. */
  maxQueryBufferBytes: number;
  private buf: Buffer = EMPTY;
  private pos = 0;
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  /** Bytes (counted from pos) that must be buffered before parsing can progress. */
  private needed = 0;
  /** Arguments still to read in the current multibulk; 0 when between commands. */
  private multibulk = 0;
  /** Length of the bulk being read, or -1 when its `$len` line is not read yet. */
  private bulkLength = -1;
  private argv: string[] = [];
  private argvBytes = 0;
  /** The last command name decoded (see commandName). */
  private lastName = '';

  constructor(options: RequestParserOptions = {}) {
    this.maxBulkLength = options.maxBulkLength ?? 512 * 1024 * 1024;
    this.maxQueryBufferBytes = options.maxQueryBufferBytes ?? 1024 * 1024 * 1024;
  }

  /** Bytes received but not yet parsed into arguments. */
  get bufferedBytes(): number {
    return this.buf.length - this.pos + this.chunkBytes;
  }

  /** Bytes of input held: unparsed bytes plus arguments of the command in progress (CLIENT LIST qbuf). */
  get heldBytes(): number {
    return this.bufferedBytes + this.argvBytes;
  }

  /** True when no partial command is pending (nothing buffered, no multibulk in progress). */
  get idle(): boolean {
    return this.multibulk === 0 && this.bufferedBytes === 0;
  }

  /** Queues bytes read from the socket. Never throws; limits are checked by next(). */
  feed(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.pos >= this.buf.length && this.chunks.length === 0) {
      this.buf = chunk;
      this.pos = 0;
    } else {
      this.chunks.push(chunk);
      this.chunkBytes += chunk.length;
    }
  }

  /**
   * Returns the next complete command (argv, latin1 byte strings, never empty), or null when more
   * bytes are needed. Empty commands (`*0`, `*-1`, blank inline lines) are skipped.
   * Throws ProtocolError on malformed input or an exceeded limit; the parser is then unusable.
   */
  next(): string[] | null {
    if (this.heldBytes > this.maxQueryBufferBytes) {
      throw new ProtocolError('Protocol error: client query buffer limit reached', 'query buffer limit');
    }
    if (this.bufferedBytes < this.needed) return null;
    this.needed = 0;
    if (this.chunks.length > 0) this.merge();
    for (;;) {
      if (this.multibulk === 0) {
        if (this.pos >= this.buf.length) return this.release();
        if (this.buf[this.pos] !== 0x2a) {
          const inline = this.readInline();
          if (inline === null) return null;
          if (inline.length > 0) return inline;
          continue;
        }
        const count = this.readCountLine();
        if (count === null) return null;
        if (count <= 0) continue;
        this.multibulk = count;
      }
      while (this.multibulk > 0) {
        if (this.bulkLength < 0 && !this.readBulkLengthLine()) return null;
        const length = this.bulkLength;
        if (this.buf.length - this.pos < length + 2) {
          this.needed = length + 2;
          return null;
        }
        this.argv.push(this.argv.length === 0 ? this.commandName(this.pos, length) : latin1(this.buf, this.pos, this.pos + length));
        this.argvBytes += length + ARG_OVERHEAD;
        this.pos += length + 2;
        this.bulkLength = -1;
        this.multibulk--;
      }
      const argv = this.argv;
      this.argv = [];
      this.argvBytes = 0;
      if (this.pos >= this.buf.length) this.release();
      return argv;
    }
  }

  /**
   * The command name: the first argument of a multibulk. A client mostly repeats a few commands,
   * so the last name is kept and returned again when the bytes match. Comparing a few bytes costs
   * less than decoding them, and the dispatcher's lookup then meets the same string every time.
   */
  private commandName(start: number, length: number): string {
    const last = this.lastName;
    if (last.length === length) {
      let i = 0;
      while (i < length && last.charCodeAt(i) === this.buf[start + i]) i++;
      if (i === length) return last;
    }
    const name = latin1(this.buf, start, start + length);
    if (length <= 32) this.lastName = name;
    return name;
  }

  /** Joins the current buffer's tail and the queued chunks into one buffer. */
  private merge(): void {
    const parts = this.pos < this.buf.length ? [this.buf.subarray(this.pos), ...this.chunks] : this.chunks;
    this.buf = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    this.pos = 0;
    this.chunks = [];
    this.chunkBytes = 0;
  }

  /** Drops the fully consumed buffer (so the socket chunk can be collected); returns null. */
  private release(): null {
    this.buf = EMPTY;
    this.pos = 0;
    return null;
  }

  /** Index of the '\r' ending the line at pos, or -1 if the line and its '\n' are not all buffered. */
  private findLineEnd(tooLongMessage: string, reason: string): number {
    // Count and length lines are a few bytes: a plain loop beats indexOf's call overhead.
    const buf = this.buf;
    const end = Math.min(buf.length, this.pos + INLINE_MAX_SIZE + 2);
    let cr = -1;
    for (let i = this.pos; i < end; i++) {
      if (buf[i] === 0x0d) {
        cr = i;
        break;
      }
    }
    if (cr === -1 || cr + 1 >= buf.length) {
      if (this.buf.length - this.pos > INLINE_MAX_SIZE) throw new ProtocolError(tooLongMessage, reason);
      this.needed = this.buf.length - this.pos + 1;
      return -1;
    }
    return cr;
  }

  /** Reads `*<count>\r\n`; returns the count (≤ 0 means an empty command) or null if incomplete. */
  private readCountLine(): number | null {
    const cr = this.findLineEnd('Protocol error: too big mbulk count string', 'too big mbulk count string');
    if (cr === -1) return null;
    const count = parseInteger(this.buf, this.pos + 1, cr);
    if (Number.isNaN(count) || count > INT_MAX) {
      throw new ProtocolError('Protocol error: invalid multibulk length', 'invalid mbulk count');
    }
    if (count > 10 && this.authRequired) {
      throw new ProtocolError('Protocol error: unauthenticated multibulk length', 'unauth mbulk count');
    }
    this.pos = cr + 2;
    return count;
  }

  /** Reads `$<length>\r\n` into bulkLength; false if incomplete. */
  private readBulkLengthLine(): boolean {
    const cr = this.findLineEnd('Protocol error: too big bulk count string', 'too big bulk count string');
    if (cr === -1) return false;
    const first = this.buf[this.pos];
    if (first !== 0x24) {
      throw new ProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(first)}'`, 'expected $ but got something else');
    }
    const length = parseInteger(this.buf, this.pos + 1, cr);
    if (Number.isNaN(length) || length < 0 || length > this.maxBulkLength || length > MAX_BULK_LENGTH) {
      throw new ProtocolError('Protocol error: invalid bulk length', 'invalid bulk length');
    }
    if (length > 16384 && this.authRequired) {
      throw new ProtocolError('Protocol error: unauthenticated bulk length', 'unauth bulk length');
    }
    this.pos = cr + 2;
    this.bulkLength = length;
    return true;
  }

  /** Reads one inline line (ends at '\n', optional '\r' before it); null if incomplete. */
  private readInline(): string[] | null {
    const lf = this.buf.indexOf(0x0a, this.pos);
    if (lf === -1) {
      if (this.buf.length - this.pos > INLINE_MAX_SIZE) {
        throw new ProtocolError('Protocol error: too big inline request', 'too big inline request');
      }
      this.needed = this.buf.length - this.pos + 1;
      return null;
    }
    const end = lf > this.pos && this.buf[lf - 1] === 0x0d ? lf - 1 : lf;
    const args = splitInlineArgs(latin1(this.buf, this.pos, end));
    if (args === null) {
      throw new ProtocolError('Protocol error: unbalanced quotes in request', 'unbalanced quotes in inline request');
    }
    this.pos = lf + 1;
    if (this.pos >= this.buf.length) this.release();
    return args;
  }
}
