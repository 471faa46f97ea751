// Protocol errors: what the request parser throws on a malformed or over-limit frame.

/**
 * A frame the parser cannot accept. `message` is Redis's text after `-ERR ` (for example
 * `Protocol error: invalid bulk length`); the connection must be closed after replying, as Redis
 * does, because the parser cannot resynchronise with the stream.
 */
export class ProtocolError extends Error {
  readonly code = 'ERR' as const;

  constructor(
    message: string,
    /** Short reason for logs (Redis's setProtocolError text), e.g. 'invalid bulk length'. */
    readonly reason: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }

  /** The whole error reply line without the leading '-' and trailing CRLF. */
  toRedisText(): string {
    return `${this.code} ${this.message}`;
  }
}
