// The root module: one line per feature module.

import { DynamicModule, Module } from '@nestjs/common';
import type { MnemoConfig } from './config/options';
import { CoreModule } from './core/core.module';
import { HealthModule } from './health/health.module';

@Module({})
export class AppModule {
  static forRoot(config: MnemoConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), HealthModule],
    };
  }
}
