// Admin module: the token-protected /v1/admin routes.

import { Module } from '@nestjs/common';
import { RateLimitModule } from '../ratelimit/ratelimit.module';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';

@Module({ imports: [RateLimitModule], controllers: [AdminController], providers: [AdminService] })
export class AdminModule {}
