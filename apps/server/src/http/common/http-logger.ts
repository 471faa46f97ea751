// The HTTP API's structured logger (pino): one line per request, one per server-side error.
// At log-level silent nothing is written and the per-request hook is not even installed.

import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import pino, { Logger } from 'pino';
import type { MnemoConfig } from '../../config/options';
import { MNEMO_CONFIG } from '../../core/tokens';

interface FastifyLike {
  addHook(
    name: 'onResponse',
    hook: (request: { method: string; url: string; id: string }, reply: { statusCode: number; elapsedTime: number }) => Promise<void>,
  ): void;
}

/**
 * The URL as the request log writes it: a session id in the path is its holder's credential
 * (whoever has it is logged in), so it is written as `<id>`: /v1/sessions/<id>/touch.
 */
export function loggedUrl(url: string): string {
  return url.startsWith('/v1/sessions/') ? url.replace(/^\/v1\/sessions\/[^/?#]+/, '/v1/sessions/<id>') : url;
}

@Injectable()
export class HttpLogger implements OnModuleInit, OnApplicationShutdown {
  readonly logger: Logger;
  private readonly flushTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(MNEMO_CONFIG) private readonly config: MnemoConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    // Buffered stdout (flushed every 4 KiB, every second and at shutdown): a line per request
    // must not cost a write system call per request, nor wait for 4 KiB of traffic to show.
    const destination = config['log-level'] === 'silent' ? undefined : pino.destination({ dest: 1, sync: false, minLength: 4096 });
    this.logger = destination
      ? pino({ name: 'mnemo-http', level: config['log-level'], base: undefined }, destination)
      : pino({ level: 'silent' });
    if (destination) {
      this.flushTimer = setInterval(() => this.logger.flush(), 1000).unref();
      // stdout failing (a log file on a full disk: ENOSPC) must cost the log, not the server: an
      // 'error' with no listener ends the process, and lines left in the buffer would be retried
      // forever at exit. So the destination is dropped, with what it holds, and logging stops.
      destination.on('error', (error: Error) => {
        this.logger.level = 'silent';
        clearInterval(this.flushTimer);
        destination.destroy();
        process.stderr.write(`mnemo: the HTTP request log stopped: stdout failed (${error.message})\n`);
      });
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.flushTimer);
    if (this.logger.isLevelEnabled('fatal')) this.logger.flush();
  }

  /** Installs the access-log hook (info level) unless info lines would be dropped anyway. */
  onModuleInit(): void {
    if (!this.logger.isLevelEnabled('info')) return;
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyLike>();
    fastify.addHook('onResponse', async (request, reply) => {
      this.logger.info(
        { method: request.method, url: loggedUrl(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 },
        'request',
      );
    });
  }
}
