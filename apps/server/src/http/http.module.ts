// The HTTP API: sessions, rate limits, counters, keys, admin, metrics and docs, with the shared
// exception filter, structured logger and clock.

import { Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { systemClock } from '../core/keyspace.service';
import { AdminModule } from './admin/admin.module';
import { ApiKeyGuard, AdminTokenGuard } from './common/auth.guard';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { HttpLogger } from './common/http-logger';
import { HTTP_CLOCK } from './common/tokens';
import { CountersModule } from './counters/counters.module';
import { DocsModule } from './docs/docs.module';
import { KeysModule } from './keys/keys.module';
import { MetricsModule } from './metrics/metrics.module';
import { RateLimitModule } from './ratelimit/ratelimit.module';
import { SessionsModule } from './sessions/sessions.module';

/** Providers every HTTP feature module uses. */
@Global()
@Module({
  providers: [{ provide: HTTP_CLOCK, useValue: systemClock }, HttpLogger, ApiKeyGuard, AdminTokenGuard],
  exports: [HTTP_CLOCK, HttpLogger, ApiKeyGuard, AdminTokenGuard],
})
export class HttpCommonModule {}

@Module({
  imports: [HttpCommonModule, SessionsModule, RateLimitModule, CountersModule, KeysModule, AdminModule, MetricsModule, DocsModule],
  providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
})
export class HttpApiModule {}
