// The rate-limit fast lane: POST /v1/ratelimit/check and GET /v1/ratelimit/:policy/:key served
// straight from Node's HTTP server, ahead of the Nest/Fastify request pipeline.
//
// Design note. A gateway calls these once per proxied request, so their cost is the product's
// cost (the issue asks for >= 1.5x the requests/s of Fastify + ioredis + Redis). Profiles of the
// Nest app here (bench/http.bench.ts, docs/http-api.md) showed the check itself (validation,
// engine, durability) at ~12% of the CPU of a request and the shared pipeline (Fastify hooks,
// Nest's onRequest hooks and middie, Nest's buffering JSON parser, the socket.io request
// wrapper) at most of the rest. So these two routes are answered from the server's 'request'
// event, with the same contract step by step, and everything else falls through untouched:
//
//   request ──▶ fast lane? ── no ──▶ socket.io / Fastify / Nest as usual
//                  │ yes
//                  ▼
//   body (body-limit 413, JSON only 415, bad JSON or __proto__ 400 INVALID_JSON)
//   -> ApiKeyGuard.authorize (503 LOADING, 401, 403) -> ZodPipe (400 naming the field)
//   -> RateLimitService (atomic check + durability) -> JSON, or mapError's envelope
//
// `http-fast-lane no` turns it off; the same routes are then served by RateLimitFastRoutes on
// Fastify (and the HTTP tests run against both).

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { HttpErrorCode, RateLimitGatewayQuerySchema, RateLimitTargetSchema } from '@mnemo/contracts';
import { adHocTarget } from './fast-validate';
import type { MnemoConfig } from '../../config/options';
import type { ApiKeyGuard } from '../common/auth.guard';
import { bodyErrors, HttpApiError } from '../common/http-error';
import { checkCharset, parseJsonBody, utf8Text } from '../common/json-body';
import { requestProblem } from '../common/request-checks';
import { mapError } from '../common/http-exception.filter';
import type { HttpLogger } from '../common/http-logger';
import { ZodPipe } from '../common/zod-validation.pipe';
import { rateLimitHeaders } from './ratelimit-headers';
import type { RateLimitService } from './ratelimit.service';

const CHECK_PATH = '/v1/ratelimit/check';
const GATEWAY_PATH = /^\/v1\/ratelimit\/([^/?]+)\/([^/?]+)(?:\?(.*))?$/;

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export class RateLimitFastLane {
  private readonly checkPipe = new ZodPipe(RateLimitTargetSchema);
  private readonly queryPipe = new ZodPipe(RateLimitGatewayQuerySchema, 'query');

  constructor(
    private readonly config: MnemoConfig,
    private readonly guard: ApiKeyGuard,
    private readonly rateLimits: RateLimitService,
    private readonly log: HttpLogger,
  ) {}

  /**
   * Puts the lane in front of every 'request' listener of `server` (whoever attaches them,
   * before or after). Returns a function that takes it out again.
   */
  install(server: Server): () => void {
    const original = server.emit as Emit;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    // A plain function passing `arguments` through: no array per emitted event.
    const lane = function (this: Server, event: string | symbol, request?: unknown, response?: unknown): boolean {
      if (event === 'request' && self.handles(request as IncomingMessage)) {
        self.serve(request as IncomingMessage, response as ServerResponse);
        return true;
      }
      // eslint-disable-next-line prefer-rest-params
      return original.apply(this, arguments as unknown as Parameters<Emit>);
    };
    server.emit = lane as Server['emit'];
    return () => {
      if (server.emit === (lane as Server['emit'])) server.emit = original as Server['emit'];
    };
  }

  private handles(request: IncomingMessage): boolean {
    const url = request.url ?? '';
    const route = request.method === 'POST' ? url === CHECK_PATH : request.method === 'GET' && url.startsWith('/v1/ratelimit/') && GATEWAY_PATH.test(url);
    // A request with a problem every route refuses (request-checks.ts) takes the common path.
    return route && requestProblem(request, this.config) === null;
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    const started = this.logRequests ? process.hrtime.bigint() : 0n;
    // Answering should not throw; if it did, that request's connection goes, not the process.
    const broken = (error: unknown): void => {
      console.error('rate-limit fast lane: could not answer:', error);
      response.destroy();
    };
    if (request.method === 'GET') {
      this.gateway(request)
        .then(
          (result) => this.answer(request, response, result, started),
          (error: unknown) => this.fail(request, response, error, started),
        )
        .catch(broken);
      return;
    }
    this.readJson(request)
      .then(
        (body) =>
          this.check(request, body).then(
            (result) => this.answer(request, response, result, started),
            (error: unknown) => this.fail(request, response, error, started),
          ),
        (error: unknown) => {
          this.fail(request, response, error, started);
          // Do not read the rest of a refused body; close once the answer is out.
          if (!request.complete) response.once('finish', () => request.destroy());
        },
      )
      .catch(broken);
  }

  private get logRequests(): boolean {
    return this.log.logger.isLevelEnabled('info');
  }

  private answer(request: IncomingMessage, response: ServerResponse, result: Answer, started: bigint): void {
    if (response.headersSent || response.destroyed) return;
    const json = JSON.stringify(result.body);
    response.writeHead(result.status, {
      ...result.headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(json),
    });
    response.end(json);
    if (this.logRequests) {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      this.log.logger.info({ method: request.method, url: request.url, status: result.status, ms: Math.round(ms * 100) / 100 }, 'request');
    }
  }

  /** Maps an error exactly as the global exception filter does. */
  private fail(request: IncomingMessage, response: ServerResponse, error: unknown, started: bigint): void {
    const mapped = mapError(error);
    if (mapped.status >= 500) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.log.logger.error({ err: failure, status: mapped.status, code: mapped.body.error.code }, failure.message);
    }
    this.answer(request, response, { status: mapped.status, body: mapped.body, headers: mapped.headers }, started);
  }

  private async check(request: IncomingMessage, body: unknown): Promise<Answer> {
    this.guard.authorize(request);
    const target = adHocTarget(body) ?? this.checkPipe.transform(body);
    return { status: 200, body: await this.rateLimits.check(target) };
  }

  private async gateway(request: IncomingMessage): Promise<Answer> {
    this.guard.authorize(request);
    const match = GATEWAY_PATH.exec(request.url ?? '');
    if (!match) throw new HttpApiError(404, HttpErrorCode.notFound, 'route not found');
    let policyName: string;
    let key: string;
    try {
      [policyName, key] = [decodeURIComponent(match[1]), decodeURIComponent(match[2])];
    } catch {
      throw new HttpApiError(400, HttpErrorCode.validation, 'url: malformed percent-encoding', 'url');
    }
    const query = this.queryPipe.transform(parseQuery(match[3] ?? ''));
    const { result, policy } = await this.rateLimits.checkPolicy(policyName, key);
    const headers = rateLimitHeaders(policy, result);
    if (result.allowed) return { status: 200, body: result, headers };
    return {
      status: Number(query.denyStatus),
      body: { error: { code: HttpErrorCode.rateLimited, message: `rate limit of policy '${policy.name}' exceeded` }, ...result },
      headers,
    };
  }

  /** Reads a JSON body under body-limit; undefined when there is none. */
  private readJson(request: IncomingMessage): Promise<unknown> {
    const limit = this.config['body-limit'];
    const declared = Number(request.headers['content-length'] ?? 0);
    const type = request.headers['content-type'] ?? '';
    if (declared > limit) return Promise.reject(bodyErrors.tooLarge());
    if (declared > 0 && !/^application\/json\s*(;|$)/i.test(type)) {
      return Promise.reject(bodyErrors.unsupportedType(type, 'JSON (application/json)'));
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          request.removeAllListeners('data');
          reject(bodyErrors.tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      request.on('error', reject);
      request.on('end', () => {
        if (size > limit) return;
        if (size === 0) return resolve(undefined);
        if (!/^application\/json\s*(;|$)/i.test(type)) {
          return reject(bodyErrors.unsupportedType(type, 'JSON (application/json)'));
        }
        try {
          checkCharset(type);
          resolve(parseJsonBody(utf8Text(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size))));
        } catch (error) {
          reject(error);
        }
      });
    });
  }
}

