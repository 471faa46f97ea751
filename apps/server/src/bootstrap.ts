// Creates and starts a Mnemo server from a config: used by main.ts and by end-to-end tests.

import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AdminIoAdapter } from './admin-gateway/admin-io.adapter';
import { AppModule } from './app.module';
import type { MnemoConfig } from './config/options';
import { KeyspaceService } from './core/keyspace.service';
import { clientErrorHandler } from './http/common/client-error';
import { frameworkErrorHandler } from './http/common/http-exception.filter';
import type { FrameworkErrorReply } from './http/common/http-exception.filter';
import { useBodyParsers } from './http/common/json-body';
import { useRequestChecks } from './http/common/request-checks';
import { useReadFence } from './http/common/write-gate';
import { checkPortsFree, listenError } from './config/listen-error';
import { ServerLogger } from './server-logger';
import { defaultPolicyFile } from './http/ratelimit/policy-registry';
import { MNEMO_VERSION } from './version';

export interface RunningServer {
  app: NestFastifyApplication;
  config: MnemoConfig;
  keyspace: KeyspaceService;
  /** http://host:port with the port actually bound (useful with http-port 0). */
  httpUrl: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Print start-up lines (URLs, generated token). Default true. */
  announce?: boolean;
}

/**
 * Starts the HTTP API (and every module's listeners) on config.host/config['http-port'].
 * An empty admin-token is replaced by a random one, printed once when `announce` is on.
 * Rejects if a module fails to start (database cannot be opened, port taken, ...).
 */
/** Nest's own log lines (start-up, errors) at the levels log-level lets through. */
export function nestLogLevels(level: MnemoConfig['log-level']): LogLevel[] | false {
  const order: Array<[MnemoConfig['log-level'], LogLevel]> = [
    ['fatal', 'fatal'],
    ['error', 'error'],
    ['warn', 'warn'],
    ['info', 'log'],
    ['debug', 'debug'],
    ['trace', 'verbose'],
  ];
  const last = order.findIndex(([name]) => name === level);
  return last === -1 ? false : order.slice(0, last + 1).map(([, nest]) => nest);
}

/** Nest's logger for `level`: false (none) for silent. */
function serverLogger(level: MnemoConfig['log-level']): ServerLogger | false {
  const logLevels = nestLogLevels(level);
  return logLevels === false ? false : new ServerLogger({ logLevels });
}

/**
 * The start-up warning for a server reachable from other machines (host not loopback) while a
 * door is open: no admin token of the operator's, no API keys, no requirepass. Null otherwise.
 */
export function exposureWarning(config: Pick<MnemoConfig, 'host' | 'api-keys' | 'requirepass'>, generatedToken: boolean): string | null {
  if (['127.0.0.1', 'localhost', '::1'].includes(config.host)) return null;
  const missing = [
    generatedToken ? 'no admin token set (a generated one is in use)' : '',
    config['api-keys'] ? '' : 'no API keys (data endpoints are open)',
    config.requirepass ? '' : 'no requirepass (the Redis port is open to anyone who reaches it)',
  ].filter(Boolean);
  return missing.length === 0 ? null : `Warning: bound to ${config.host} with ${missing.join(' and ')}`;
}

export async function startServer(config: MnemoConfig, options: StartOptions = {}): Promise<RunningServer> {
  const announce = options.announce ?? true;
  if (announce) {
    const policies = config['ratelimit-policies'] || defaultPolicyFile(config.db);
    console.log(`Mnemo ${MNEMO_VERSION} (Node ${process.version}) starting: database ${path.resolve(config.db)}, rate-limit policies ${path.resolve(policies)}, config file ${config.config ? path.resolve(config.config) : 'none'}`);
  }
  await checkPortsFree(config.host, [
    ['resp-port', config['resp-port']],
    ['http-port', config['http-port']],
  ]);
  let generatedToken = false;
  if (!config['admin-token']) {
    config['admin-token'] = randomBytes(24).toString('base64url');
    generatedToken = true;
  }
  const adapter = new FastifyAdapter({
    bodyLimit: config['body-limit'],
    trustProxy: false,
    // Fastify's default of 100 (decoded) characters per path parameter cut off keys the API takes
    // (max-key-length bytes); with twice that, a key somewhat over the limit still reaches the
    // routes, which answer 400 naming params.key.
    routerOptions: { maxParamLength: Math.max(100, 2 * config['max-key-length']) },
    // Errors Fastify answers before routing (bad URL encoding) get the API's error envelope.
    frameworkErrors: (error: Error & { statusCode?: number; code?: string }, _request: unknown, reply: unknown) =>
      frameworkErrorHandler(error, reply as FrameworkErrorReply),
    // So do requests Node's HTTP parser refuses before Fastify sees them (431, malformed HTTP).
    clientErrorHandler,
    // A request must arrive whole within http-request-timeout (Fastify's default is no limit:
    // a body sent one byte a second held its connection forever); Node answers it 408 through
    // clientErrorHandler. Node checks every connectionsCheckingInterval, so a short timeout (tests)
    // is checked more often. Its headers timeout may not exceed the request timeout.
    requestTimeout: config['http-request-timeout'],
    // And an HTTP/1.1 request without Host, which Node would answer with an empty 400: the
    // onRequest hook of request-checks.ts refuses it instead.
    http: {
      requireHostHeader: false,
      ...(config['http-request-timeout'] > 0
        ? {
            headersTimeout: Math.min(60_000, config['http-request-timeout']),
            connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(config['http-request-timeout'] / 4))),
          }
        : {}),
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bodyParser: false, // useBodyParsers below
    logger: serverLogger(config['log-level']),
    abortOnError: false,
  });
  useRequestChecks(app.getHttpAdapter().getInstance(), config);
  useReadFence(app.getHttpAdapter().getInstance(), app.get(KeyspaceService));
  useBodyParsers(app.getHttpAdapter().getInstance());
  app.enableShutdownHooks();
  app.useWebSocketAdapter(new AdminIoAdapter(app, config));
  // init() first (it opens the RESP listener, which names its own port when that fails), then the
  // HTTP listen; either failure closes the app, so persistence flushes and frees the database.
  const closeAndThrow = async (error: unknown): Promise<never> => {
    await app.close().catch(() => undefined);
    throw error;
  };
  await app.init().catch(closeAndThrow);
  await app.listen(config['http-port'], config.host).catch((error: unknown) => closeAndThrow(listenError(error, 'http-port', config.host, config['http-port'])));
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config['http-port'];
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const httpUrl = `http://${host}:${port}`;
  if (announce) {
    console.log(`Mnemo HTTP API listening on ${httpUrl}`);
    if (generatedToken) console.log(`Admin token (generated for this run, set MNEMO_ADMIN_TOKEN to fix it): ${config['admin-token']}`);
    const warning = exposureWarning(config, generatedToken);
    if (warning) console.warn(warning);
  }
  return {
    app,
    config,
    keyspace: app.get(KeyspaceService),
    httpUrl,
    close: () => app.close(),
  };
}
