// Incremental decoder for server replies (RESP2 and RESP3): what a client does with our output.
// Used by the end-to-end tests and the benchmark to check frames byte for byte.

export type RespValue =
  | { type: 'simple'; value: string }
  | { type: 'error'; value: string }
  | { type: 'integer'; value: number | bigint }
  | { type: 'bulk'; value: string }
  | { type: 'null'; kind: 'bulk' | 'array' | 'resp3' }
  | { type: 'array' | 'set' | 'push'; value: RespValue[] }
  | { type: 'map' | 'attribute'; value: Array<[RespValue, RespValue]> }
  | { type: 'double'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'verbatim'; format: string; value: string }
  | { type: 'bignum'; value: bigint };

/** Thrown by the decoder on bytes that are not a RESP reply. */
export class ReplyFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplyFormatError';
  }
}

const INCOMPLETE = Symbol('incomplete');

/**
 * Feed bytes with `feed`, take whole replies with `next` (null until one is complete).
 * Bulk strings come back as latin1 byte strings. A reply split across reads is re-parsed from
 * its start when more bytes arrive, which is fine for tests and clients of modest replies.
 */
export class ReplyParser {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;

  feed(chunk: Buffer): void {
    this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), chunk]) : chunk;
    this.pos = 0;
  }

  /** Bytes buffered and not yet returned as replies. */
  get pending(): number {
    return this.buf.length - this.pos;
  }

  next(): RespValue | null {
    const start = this.pos;
    try {
      return this.value();
    } catch (error) {
      if (error === INCOMPLETE) {
        this.pos = start;
        return null;
      }
      throw error;
    }
  }

  /** Every complete reply buffered so far. */
  all(): RespValue[] {
    const out: RespValue[] = [];
    for (let value = this.next(); value !== null; value = this.next()) out.push(value);
    return out;
  }

  private line(): string {
    const cr = this.buf.indexOf('\r\n', this.pos, 'latin1');
    if (cr === -1) throw INCOMPLETE;
    const text = this.buf.toString('latin1', this.pos, cr);
    this.pos = cr + 2;
    return text;
  }

  private count(text: string): number {
    if (!/^-?\d+$/.test(text)) throw new ReplyFormatError(`bad length '${text}'`);
    return Number(text);
  }

  private bytes(length: number): string {
    if (this.buf.length - this.pos < length + 2) throw INCOMPLETE;
    const text = this.buf.toString('latin1', this.pos, this.pos + length);
    if (this.buf[this.pos + length] !== 0x0d || this.buf[this.pos + length + 1] !== 0x0a) {
      throw new ReplyFormatError('bulk string not followed by CRLF');
    }
    this.pos += length + 2;
    return text;
  }

  private value(): RespValue {
    if (this.pos >= this.buf.length) throw INCOMPLETE;
    const marker = String.fromCharCode(this.buf[this.pos++]);
    const text = this.line();
    switch (marker) {
      case '+':
        return { type: 'simple', value: text };
      case '-':
        return { type: 'error', value: text };
      case ':': {
        this.count(text);
        const n = BigInt(text);
        return { type: 'integer', value: Number.isSafeInteger(Number(n)) ? Number(n) : n };
      }
      case '$': {
        const length = this.count(text);
        if (length === -1) return { type: 'null', kind: 'bulk' };
        return { type: 'bulk', value: this.bytes(length) };
      }
      case '=': {
        const body = this.bytes(this.count(text));
        return { type: 'verbatim', format: body.slice(0, 3), value: Buffer.from(body.slice(4), 'latin1').toString('utf8') };
      }
      case '_':
        return { type: 'null', kind: 'resp3' };
      case ',':
        return { type: 'double', value: text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text) };
      case '#':
        if (text !== 't' && text !== 'f') throw new ReplyFormatError(`bad boolean '${text}'`);
        return { type: 'boolean', value: text === 't' };
      case '(':
        return { type: 'bignum', value: BigInt(text) };
      case '*':
      case '~':
      case '>': {
        const length = this.count(text);
        if (length === -1 && marker === '*') return { type: 'null', kind: 'array' };
        const items: RespValue[] = [];
        for (let i = 0; i < length; i++) items.push(this.value());
        return { type: marker === '*' ? 'array' : marker === '~' ? 'set' : 'push', value: items };
      }
      case '%':
      case '|': {
        const length = this.count(text);
        const pairs: Array<[RespValue, RespValue]> = [];
        for (let i = 0; i < length; i++) pairs.push([this.value(), this.value()]);
        return { type: marker === '%' ? 'map' : 'attribute', value: pairs };
      }
      default:
        throw new ReplyFormatError(`unknown reply type '${marker}'`);
    }
  }
}
