// The root module: one line per feature module.

import { DynamicModule, Module } from '@nestjs/common';
import type { MnemoConfig } from './config/options';
import { AdminGatewayModule } from './admin-gateway/admin-gateway.module';
import { CoreModule } from './core/core.module';
import { HealthModule } from './health/health.module';
import { HttpApiModule } from './http/http.module';
import { PersistenceModule } from './persistence/persistence.module';
import { RespModule } from './resp/resp.module';

@Module({})
export class AppModule {
  static forRoot(config: MnemoConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), PersistenceModule, HealthModule, AdminGatewayModule, HttpApiModule, RespModule],
    };
  }
}
