// Routes of /v1/admin (bearer admin token): info, config, persistence actions, flush, and the
// named rate-limit policies.

import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { burstProblem, ConfigSetSchema, FlushSchema, KEY_TYPES, PolicyName, RateLimitPolicySchema } from '@mnemo/contracts';
import type { AdminInfo, KeyCountView, RateLimitPolicy, RateLimitPolicyView } from '@mnemo/contracts';
import { AdminTokenGuard } from '../common/auth.guard';
import { HttpApiError, namingField, notFound, validationError } from '../common/http-error';
import { ZodPipe } from '../common/zod-validation.pipe';
import { PolicyRegistry, policyEtag } from '../ratelimit/policy-registry';
import { AdminService } from './admin.service';

const ConfigQuery = z.object({ pattern: z.string().min(1).max(256).default('*') }).strict();
const KeyCountQuery = z.object({ pattern: z.string().min(1).max(1024).default('*'), type: z.enum(KEY_TYPES).optional() }).strict();
/** A policy without its name, which the path gives; a `name` in the body must be that one. */
const PolicyBody = RateLimitPolicySchema.omit({ name: true }).extend({ name: PolicyName.optional() }).strict();
const ConfigName = z.string().regex(/^[a-z0-9-]{1,64}$/i, 'is not a parameter name');

/** 412 unless the policy's current state meets If-Match / If-None-Match (400 for a header this route does not read). */
function checkPolicyPreconditions(name: string, current: RateLimitPolicy | undefined, ifMatch: string | undefined, ifNoneMatch: string | undefined): void {
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') throw validationError('headers.if-none-match', 'must be * (create the policy only if it does not exist)');
    if (current) throw new HttpApiError(412, 'PRECONDITION_FAILED', `headers.if-none-match: policy '${name}' exists already`, 'headers.if-none-match');
  }
  if (ifMatch !== undefined) {
    const tags = ifMatch.split(',').map((tag) => tag.trim());
    const met = current !== undefined && (tags.includes('*') || tags.includes(policyEtag(current)));
    if (!met) {
      const now = current ? `it is now ${policyEtag(current)}` : 'it does not exist';
      throw new HttpApiError(412, 'PRECONDITION_FAILED', `headers.if-match: policy '${name}' was changed or deleted since that version (${now})`, 'headers.if-match');
    }
  }
}

@Controller('v1/admin')
@UseGuards(AdminTokenGuard)
export class AdminController {
  constructor(
    private readonly admin: AdminService,
    private readonly policies: PolicyRegistry,
  ) {}

  @Get('info')
  info(): AdminInfo {
    return this.admin.info();
  }

  /** `?pattern=session:*&type=hash` -> { pattern, type, count, ms }: a whole SCAN, server side. */
  @Get('keys/count')
  countKeys(@Query(new ZodPipe(KeyCountQuery, 'query')) query: z.infer<typeof KeyCountQuery>): Promise<KeyCountView> {
    return this.admin.countKeys(query.pattern, query.type);
  }

  /** `?pattern=max*` -> { maxmemory: "0", "maxmemory-policy": "noeviction", ... }. */
  @Get('config')
  configGet(@Query(new ZodPipe(ConfigQuery, 'query')) query: z.infer<typeof ConfigQuery>): Record<string, string> {
    return this.admin.configGet(query.pattern);
  }

  /** Sets one parameter (maxmemory, maxmemory-policy, maxmemory-samples, appendfsync, save, ...). */
  @Put('config/:name')
  configSet(
    @Param('name', new ZodPipe(ConfigName, 'params.name')) name: string,
    @Body(new ZodPipe(ConfigSetSchema)) body: z.infer<typeof ConfigSetSchema>,
  ): Promise<Record<string, string>> {
    // A value the engine or persistence refuses (ERR ...) names the field it came from.
    return this.admin.configSet(name, body.value).catch((error: unknown) => {
      throw namingField(error, 'body.value', ['ERR']);
    });
  }

  @Post('save')
  @HttpCode(200)
  save(): Promise<{ status: string }> {
    return this.admin.save();
  }

  @Post('bgsave')
  @HttpCode(202)
  bgsave(): Promise<{ status: string }> {
    return this.admin.bgsave();
  }

  @Post('rewrite')
  @HttpCode(202)
  rewrite(): Promise<{ status: string }> {
    return this.admin.rewrite();
  }

  /** Needs `{ "confirm": "FLUSHALL" }`. */
  @Post('flush')
  @HttpCode(200)
  flush(@Body(new ZodPipe(FlushSchema)) _body: z.infer<typeof FlushSchema>): Promise<{ flushed: number }> {
    return this.admin.flush();
  }

  /** Every policy with its counters. */
  @Get('ratelimit/policies')
  listPolicies(): { policies: RateLimitPolicyView[] } {
    return { policies: this.policies.list() };
  }

  /**
   * Creates or replaces a policy at run time; answered once the policy file holds it (503 MISCONF
   * if it cannot be written). Conditional, as a PUT of RFC 9110: `If-None-Match: *` creates only
   * (412 if the policy exists), `If-Match: <etag>` replaces only the version it names (412 if
   * another edit came first), so a dashboard never overwrites what it has not seen.
   */
  @Put('ratelimit/policies/:name')
  putPolicy(
    @Param('name') name: string,
    @Body(new ZodPipe(PolicyBody)) body: z.infer<typeof PolicyBody>,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
  ): RateLimitPolicyView {
    if (body.name !== undefined && body.name !== name) throw validationError('body.name', `must be the name in the path ('${name}') or be left out`);
    const parsed = RateLimitPolicySchema.safeParse({ ...body, name });
    if (!parsed.success) throw validationError('params.name', parsed.error.issues[0].message);
    const problem = burstProblem(parsed.data);
    if (problem !== null) throw validationError('body.burst', problem);
    checkPolicyPreconditions(name, this.policies.get(name), ifMatch, ifNoneMatch);
    const policy = this.policies.put(parsed.data);
    return { ...policy, counters: { ...this.policies.countersOf(policy.name) }, etag: policyEtag(policy) };
  }

  @Delete('ratelimit/policies/:name')
  @HttpCode(204)
  deletePolicy(@Param('name') name: string): void {
    if (!this.policies.delete(name)) throw notFound(`policy '${name}'`, 'params.name');
  }
}

