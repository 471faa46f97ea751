// The server's Nest logger: no ANSI colours unless the output is a terminal (a log file or a
// journal gets plain text), and Nest's start-up chatter (a line per module, route and gateway
// subscription, ~70 lines) at debug instead of info, so the info log is what an operator reads.

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
}
