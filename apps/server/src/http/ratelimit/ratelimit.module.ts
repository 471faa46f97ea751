// Rate-limit module: the /v1/ratelimit routes (Nest controller + the hot routes on Fastify),
// the policy registry and the limiter service.

import { Logger, Module } from '@nestjs/common';
import type { MnemoConfig } from '../../config/options';
import { MNEMO_CONFIG } from '../../core/tokens';
import { PolicyRegistry } from './policy-registry';
import { RateLimitFastRoutes } from './ratelimit-fast-routes';
import { RateLimitController } from './ratelimit.controller';
import { RateLimitService } from './ratelimit.service';

@Module({
  controllers: [RateLimitController],
  providers: [
    {
      provide: PolicyRegistry,
      inject: [MNEMO_CONFIG],
      useFactory: (config: MnemoConfig) => PolicyRegistry.open(config['ratelimit-policies'], config.db, (message) => new Logger('RateLimitPolicies').warn(message)),
    },
    RateLimitService,
    RateLimitFastRoutes,
  ],
  exports: [RateLimitService, PolicyRegistry],
})
export class RateLimitModule {}
