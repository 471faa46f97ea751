// The server's Nest logger: no ANSI colours unless the output is a terminal (a log file or a
// journal gets plain text), and Nest's start-up chatter (a line per module, route and gateway
// subscription, ~70 lines) at debug instead of info, so the info log is what an operator reads.
// A start-up failure is reported once, as one line, by main.ts: Nest's own report of it (the
// ExceptionHandler context, with the stack trace) goes to debug too: `--log-level debug` shows it.

import { ConsoleLogger, type ConsoleLoggerOptions } from '@nestjs/common';

/** Contexts whose info lines only describe Nest wiring itself. */
const STARTUP_CHATTER = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'WebSocketsController']);

export class ServerLogger extends ConsoleLogger {
  constructor(options: ConsoleLoggerOptions) {
    super({ colors: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, ...options });
  }

  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1] ?? this.context;
    if (typeof context === 'string' && STARTUP_CHATTER.has(context)) super.debug(message, ...rest);
    else super.log(message, ...rest);
  }

  override error(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1] ?? this.context;
    if (context === 'ExceptionHandler') super.debug(message, ...rest);
    else super.error(message, ...rest);
  }
}
