// Metrics module: GET /metrics.

import { Module } from '@nestjs/common';
import { RateLimitModule } from '../ratelimit/ratelimit.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

@Module({ imports: [RateLimitModule], controllers: [MetricsController], providers: [MetricsService] })
export class MetricsModule {}
