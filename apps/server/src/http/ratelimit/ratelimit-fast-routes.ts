// The two hot rate-limit routes, registered on Fastify directly instead of through Nest's router
// (and, with http-fast-lane on, answered even earlier by fast-lane.ts):
//   POST /v1/ratelimit/check            GET /v1/ratelimit/:policy/:key
//
// Design note. A gateway calls these once per proxied request, so their cost is the product.
// Measured on this machine (bench/http.bench.ts), Nest's per-request pipeline (router proxy,
// guard and pipe contexts, interceptor chain, response controller) cost more CPU than the whole
// check; registered here they run the very same steps by hand, in the same order and with the
// same contract:
//   ApiKeyGuard.authorize (503 LOADING, 401, 403) -> ZodPipe (400 naming the field)
//   -> RateLimitService (atomic check under the durability contract) -> mapError on failure,
//   and the 200 answer is serialized by fast-json-stringify from a response schema.
// The other /v1/ratelimit routes (batch, peek, reset) stay in RateLimitController.

import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpErrorCode, RateLimitGatewayQuerySchema, RateLimitTargetSchema } from '@mnemo/contracts';
import type { MnemoConfig } from '../../config/options';
import { MNEMO_CONFIG } from '../../core/tokens';
import { ApiKeyGuard } from '../common/auth.guard';
import { bodyErrors } from '../common/http-error';
import { mapError } from '../common/http-exception.filter';
import { HttpLogger } from '../common/http-logger';
import { formBodies } from '../common/json-body';
import { ZodPipe } from '../common/zod-validation.pipe';
import { RateLimitFastLane } from './fast-lane';
import { rateLimitHeaders } from './ratelimit-headers';
import { RateLimitService } from './ratelimit.service';

const DECISION_PROPERTIES = {
  allowed: { type: 'boolean' },
  limit: { type: 'integer' },
  remaining: { type: 'integer' },
  resetMs: { type: 'integer' },
  retryAfterMs: { type: 'integer' },
  policy: { type: 'string' },
  shadowDenied: { type: 'boolean' },
};

const CHECK_RESPONSE = {
  200: { type: 'object', required: ['allowed', 'limit', 'remaining', 'resetMs', 'retryAfterMs'], properties: DECISION_PROPERTIES },
};

@Injectable()
export class RateLimitFastRoutes implements OnModuleInit, OnApplicationShutdown {
  private readonly checkPipe = new ZodPipe(RateLimitTargetSchema);
  private readonly queryPipe = new ZodPipe(RateLimitGatewayQuerySchema, 'query');
  private uninstallLane: (() => void) | undefined;

  constructor(
    @Inject(MNEMO_CONFIG) private readonly config: MnemoConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly guard: ApiKeyGuard,
    private readonly rateLimits: RateLimitService,
    private readonly log: HttpLogger,
  ) {}

  /** Registers the two routes on Fastify and, unless http-fast-lane is no, the fast lane in front. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (this.config['http-fast-lane']) {
      this.uninstallLane = new RateLimitFastLane(this.config, this.guard, this.rateLimits, this.log).install(fastify.server);
    }
    fastify.route({
      method: 'POST',
      url: '/v1/ratelimit/check',
      schema: { response: CHECK_RESPONSE },
      handler: (request, reply) => this.run(reply, () => this.check(request)),
    });
    fastify.route({
      method: 'GET',
      url: '/v1/ratelimit/:policy/:key',
      handler: (request, reply) => this.run(reply, () => this.gateway(request, reply)),
    });
  }

  onApplicationShutdown(): void {
    this.uninstallLane?.();
  }

  /** POST /v1/ratelimit/check: 200 with the decision, allowed or not. */
  private check(request: FastifyRequest): Promise<unknown> {
    this.guard.authorize(request);
    // JSON only, as in the fast lane: a request the lane passed over (its URL has a query
    // string, or the lane is off) must not be answered differently here.
    if (typeof request.body === 'object' && request.body !== null && formBodies.has(request.body)) {
      throw bodyErrors.unsupportedType(request.headers['content-type'] ?? null, 'JSON (application/json)');
    }
    return this.rateLimits.check(this.checkPipe.transform(request.body));
  }

  /**
   * GET /v1/ratelimit/:policy/:key: 200, or 429 (?denyStatus=403) with the IETF headers. HEAD
   * (Fastify routes it here too) answers the same status and headers without consuming: a HEAD
   * is a safe request (RFC 9110 9.3.2), and uptime checkers send it.
   */
  private async gateway(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    this.guard.authorize(request);
    const params = request.params as { policy: string; key: string };
    const query = this.queryPipe.transform(request.query);
    const { result, policy } =
      request.method === 'HEAD' ? this.rateLimits.peekPolicy(params.policy, params.key) : await this.rateLimits.checkPolicy(params.policy, params.key);
    void reply.headers(rateLimitHeaders(policy, result));
    if (result.allowed) return result;
    void reply.code(Number(query.denyStatus));
    return { error: { code: HttpErrorCode.rateLimited, message: `rate limit of policy '${policy.name}' exceeded` }, ...result };
  }

  /** Sends the handler's result, or maps its error exactly as the global exception filter does. */
  private async run(reply: FastifyReply, handler: () => Promise<unknown>): Promise<unknown> {
    try {
      return await handler();
    } catch (error) {
      const mapped = mapError(error);
      if (mapped.status >= 500) {
        const failure = error instanceof Error ? error : new Error(String(error));
        this.log.logger.error({ err: failure, status: mapped.status, code: mapped.body.error.code }, failure.message);
      }
      void reply.code(mapped.status);
      for (const [name, value] of Object.entries(mapped.headers ?? {})) void reply.header(name, value);
      return mapped.body;
    }
  }
}
