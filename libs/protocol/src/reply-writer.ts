// Encoder for replies in RESP2 or RESP3 into one growable buffer, flushed once per batch.
//
// Design note: one write per batch. A pipelined read of 16 commands yields 16 replies; writing
// each with socket.write() would cost 16 syscalls and 16 Buffer allocations. Instead the replies
// of one read are appended to a reusable scratch buffer and `take()` copies the bytes out once
// (a small copy comes from Node's shared pool), so a batch costs one allocation and one write:
//
//   writer.status('OK'); writer.bulk('v'); writer.integer(3);
//   writer.take()  ->  "+OK\r\n$1\r\nv\r\n:3\r\n"   (scratch reset, ready for the next batch)
//
// RESP3-only types degrade the way Redis degrades them for RESP2 clients: map -> flat array,
// set/push -> array, double -> bulk string, boolean -> integer 1/0, null -> $-1 or *-1.

export type ProtocolVersion = 2 | 3;

const CRLF = '\r\n';

type Latin1Write = (this: Buffer, text: string, offset: number) => number;

/** Buffer's native latin1 encoder (what write(text, offset, 'latin1') calls after argument checks), if present. */
const nativeLatin1Write = (Buffer.prototype as unknown as { latin1Write?: Latin1Write }).latin1Write;

/** Strings up to this length are copied byte by byte; longer ones go through the native encoder. */
const SHORT_STRING = 24;
/** Encoded simple strings (+OK, +QUEUED, +PONG, ...) kept for reuse; bounded. */
const STATUS_CACHE_LIMIT = 64;
const SHRINK_ABOVE = 4 * 1024 * 1024;

export class ReplyWriter {
  /** Version the next replies are encoded for; set per connection before writing its replies. */
  protocol: ProtocolVersion = 2;
  private scratch: Buffer;
  private length = 0;

  constructor(private readonly initialSize = 64 * 1024) {
    this.scratch = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written since the last take(). */
  get size(): number {
    return this.length;
  }

  /** Returns a copy of the bytes written since the last take() and resets the writer. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    this.scratch.copy(out, 0, 0, this.length);
    this.length = 0;
    // Give back memory after one huge reply instead of keeping it for the process's lifetime.
    if (this.scratch.length > SHRINK_ABOVE) this.scratch = Buffer.allocUnsafe(this.initialSize);
    return out;
  }

  /** A copy of the bytes written between two marks (previous `size`s). */
  copy(from: number, to: number): Buffer {
    return Buffer.from(this.scratch.subarray(from, to));
  }

  /** Drops everything written since `mark` (a previous `size`). */
  truncate(mark: number): void {
    this.length = mark;
  }

  private readonly statusCache = new Map<string, Buffer>();

  /** `+text` (text must not contain CR or LF). */
  status(text: string): void {
    let encoded = this.statusCache.get(text);
    if (encoded === undefined) {
      encoded = Buffer.from(`+${text}${CRLF}`, 'latin1');
      if (this.statusCache.size < STATUS_CACHE_LIMIT) this.statusCache.set(text, encoded);
    }
    this.raw(encoded);
  }

  /** `-CODE message`: `text` is the line after '-', e.g. "ERR syntax error". CR/LF become spaces. */
  error(text: string): void {
    this.latin1(`-${text.replace(/[\r\n]/g, ' ')}${CRLF}`);
  }

  integer(value: number | bigint): void {
    if (typeof value === 'number' && value >= 0 && value <= 0x7fffffff && Number.isInteger(value)) {
      this.reserve(16);
      this.scratch[this.length++] = 0x3a;
      this.length = this.digits(value, this.length);
      this.scratch[this.length++] = 0x0d;
      this.scratch[this.length++] = 0x0a;
      return;
    }
    this.ascii(`:${value}${CRLF}`);
  }

  /** A bulk string of bytes (a latin1 byte string: one char per byte). */
  bulk(bytes: string): void {
    const n = bytes.length;
    this.reserve(n + 24);
    const scratch = this.scratch;
    let at = this.length;
    scratch[at++] = 0x24;
    at = this.digits(n, at);
    scratch[at++] = 0x0d;
    scratch[at++] = 0x0a;
    if (n <= SHORT_STRING || nativeLatin1Write === undefined) {
      if (n <= SHORT_STRING) for (let i = 0; i < n; i++) scratch[at++] = bytes.charCodeAt(i);
      else at += scratch.write(bytes, at, 'latin1');
    } else {
      at += nativeLatin1Write.call(scratch, bytes, at);
    }
    scratch[at++] = 0x0d;
    scratch[at++] = 0x0a;
    this.length = at;
  }

  /** Writes the decimal digits of a non-negative integer below 2^31 at `at`; returns the end. */
  private digits(value: number, at: number): number {
    const scratch = this.scratch;
    if (value < 10) {
      scratch[at] = 0x30 + value;
      return at + 1;
    }
    let width = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) width++;
    let rest = value;
    for (let i = at + width - 1; i >= at; i--) {
      scratch[i] = 0x30 + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    return at + width;
  }

  /** A bulk string holding `text` encoded as UTF-8 (INFO, CLIENT LIST, COMMAND DOCS). */
  bulkText(text: string): void {
    const n = Buffer.byteLength(text, 'utf8');
    this.reserve(n + 24);
    this.length += this.scratch.write(`$${n}${CRLF}`, this.length, 'latin1');
    this.length += this.scratch.write(text, this.length, 'utf8');
    this.scratch[this.length++] = 0x0d;
    this.scratch[this.length++] = 0x0a;
  }

  /** RESP3 verbatim string (`=len\r\ntxt:...`), a bulk string in RESP2. */
  verbatim(text: string, format = 'txt'): void {
    if (this.protocol === 2) return this.bulkText(text);
    const body = `${format}:${text}`;
    this.ascii(`=${Buffer.byteLength(body, 'utf8')}${CRLF}`);
    this.reserve(Buffer.byteLength(body, 'utf8') + 2);
    this.length += this.scratch.write(body, this.length, 'utf8');
    this.ascii(CRLF);
  }

  /** Nil in a bulk-string position: `$-1` (RESP2) or `_` (RESP3). */
  nullBulk(): void {
    this.ascii(this.protocol === 3 ? `_${CRLF}` : `$-1${CRLF}`);
  }

  /** Nil in an array position (EXEC aborted by WATCH): `*-1` (RESP2) or `_` (RESP3). */
  nullArray(): void {
    this.ascii(this.protocol === 3 ? `_${CRLF}` : `*-1${CRLF}`);
  }

  arrayHeader(count: number): void {
    this.ascii(`*${count}${CRLF}`);
  }

  /** A map of `pairs` entries; RESP2 gets a flat array of 2 × pairs elements. */
  mapHeader(pairs: number): void {
    this.ascii(this.protocol === 3 ? `%${pairs}${CRLF}` : `*${pairs * 2}${CRLF}`);
  }

  setHeader(count: number): void {
    this.ascii(this.protocol === 3 ? `~${count}${CRLF}` : `*${count}${CRLF}`);
  }

  /** Out-of-band push (pub/sub messages); a plain array in RESP2. */
  pushHeader(count: number): void {
    this.ascii(this.protocol === 3 ? `>${count}${CRLF}` : `*${count}${CRLF}`);
  }

  /** A double; `text` is how Redis prints it (RESP2 sends it as a bulk string). */
  double(value: number, text?: string): void {
    const printed = text ?? formatDouble(value);
    if (this.protocol === 3) this.ascii(`,${printed}${CRLF}`);
    else this.bulk(printed);
  }

  boolean(value: boolean): void {
    if (this.protocol === 3) this.ascii(value ? `#t${CRLF}` : `#f${CRLF}`);
    else this.ascii(value ? `:1${CRLF}` : `:0${CRLF}`);
  }

  /** Appends already-encoded bytes. */
  raw(bytes: Buffer): void {
    this.reserve(bytes.length);
    bytes.copy(this.scratch, this.length);
    this.length += bytes.length;
  }

  private ascii(text: string): void {
    this.reserve(text.length);
    this.length += nativeLatin1Write ? nativeLatin1Write.call(this.scratch, text, this.length) : this.scratch.write(text, this.length, 'latin1');
  }

  private latin1(text: string): void {
    this.reserve(text.length);
    this.length += this.scratch.write(text, this.length, 'latin1');
  }

  private reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.scratch.length) return;
    let size = this.scratch.length * 2;
    while (size < need) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.scratch.copy(grown, 0, 0, this.length);
    this.scratch = grown;
  }
}

/** Formats a double the way Redis's RESP3 does: inf, -inf, nan, else the shortest round-trip text. */
export function formatDouble(value: number): string {
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Number.isNaN(value)) return 'nan';
  return String(value);
}
