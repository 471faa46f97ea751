// Routes of /v1/ratelimit handled through Nest: batch, peek and reset. The two hot routes,
// POST /v1/ratelimit/check and GET /v1/ratelimit/:policy/:key, are in ratelimit-fast-routes.ts.

import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { RateLimitBatchSchema, RateLimitTargetSchema } from '@mnemo/contracts';
import type { RateLimitBatch, RateLimitBatchResult, RateLimitTarget } from '@mnemo/contracts';
import { ApiKeyGuard } from '../common/auth.guard';
import { ZodPipe } from '../common/zod-validation.pipe';
import { RateLimitService } from './ratelimit.service';

@Controller('v1/ratelimit')
@UseGuards(ApiKeyGuard)
export class RateLimitController {
  constructor(private readonly rateLimits: RateLimitService) {}

  /** Several checks, all-or-nothing. */
  @Post('batch')
  @HttpCode(200)
  batch(@Body(new ZodPipe(RateLimitBatchSchema)) body: RateLimitBatch): Promise<RateLimitBatchResult> {
    return this.rateLimits.batch(body.checks);
  }

  /** The answer a check would give now (cost included), and the raw state; consumes nothing. */
  @Post('peek')
  @HttpCode(200)
  peek(@Body(new ZodPipe(RateLimitTargetSchema)) body: RateLimitTarget): ReturnType<RateLimitService['peek']> {
    return this.rateLimits.peek(body);
  }

  /** Forgets a limit's state: the next check starts fresh. */
  @Post('reset')
  @HttpCode(200)
  reset(@Body(new ZodPipe(RateLimitTargetSchema)) body: RateLimitTarget): Promise<{ reset: boolean }> {
    return this.rateLimits.reset(body);
  }
}
