// Global module that provides the config and the keyspace to every other module.

import { DynamicModule, Global, Module } from '@nestjs/common';
import type { MnemoConfig } from '../config/options';
import { KeyspaceService } from './keyspace.service';
import { ServerCounters } from './server-counters';
import { MNEMO_CONFIG } from './tokens';

@Global()
@Module({})
export class CoreModule {
  static forRoot(config: MnemoConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [{ provide: MNEMO_CONFIG, useValue: config }, KeyspaceService, ServerCounters],
      exports: [MNEMO_CONFIG, KeyspaceService, ServerCounters],
    };
  }
}
