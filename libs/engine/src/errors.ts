// Typed command errors. `code` is the uppercase word Redis starts its error reply with;
// adapters map it to their dialect (RESP `-CODE message`, HTTP status + JSON, socket.io ack).

export type ErrorCode =
  | 'ERR'
  | 'WRONGTYPE'
  | 'OOM'
  | 'MISCONF'
  | 'NOAUTH'
  | 'WRONGPASS'
  | 'EXECABORT'
  | 'NOSCRIPT'
  | 'BUSY'
  | 'NOTBUSY'
  | 'NOPROTO'
  | 'LOADING';

/**
 * An argument as Redis quotes it in an error text: up to its first NUL byte. Redis formats these
 * texts with printf's %s, which stops there:
 *   unknown command 'PIN\0G'  ->  "ERR unknown command 'PIN', with args beginning with: "
 */
export function quoted(arg: string): string {
  const nul = arg.indexOf('\0');
  return nul === -1 ? arg : arg.slice(0, nul);
}

export class MnemoError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MnemoError';
  }

  /** The text after the code, as Redis sends it: `-${code} ${message}`. */
  toRedisText(): string {
    return `${this.code} ${this.message}`;
  }
}

export const WRONGTYPE_MESSAGE = 'Operation against a key holding the wrong kind of value';
export const OOM_MESSAGE = "command not allowed when used memory > 'maxmemory'.";

export function wrongType(): MnemoError {
  return new MnemoError('WRONGTYPE', WRONGTYPE_MESSAGE);
}

export function syntaxError(): MnemoError {
  return new MnemoError('ERR', 'syntax error');
}

export function notAnInteger(): MnemoError {
  return new MnemoError('ERR', 'value is not an integer or out of range');
}

export function wrongArity(command: string): MnemoError {
  return new MnemoError('ERR', `wrong number of arguments for '${command.toLowerCase()}' command`);
}
