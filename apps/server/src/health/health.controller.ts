// Liveness and readiness probes.

import { Controller, Get, HttpCode, HttpException, HttpStatus } from '@nestjs/common';
import { KeyspaceService } from '../core/keyspace.service';

@Controller()
export class HealthController {
  constructor(private readonly keyspace: KeyspaceService) {}

  /** Always 200 while the process serves HTTP. */
  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 once recovery is done and writes can be logged; 503 before that or while the log fails. */
  @Get('readyz')
  readyz(): { status: 'ready' } {
    if (!this.keyspace.ready) {
      throw new HttpException({ error: { code: 'LOADING', message: 'Mnemo is loading the dataset in memory' } }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    const writeError = this.keyspace.durability.writeError();
    if (writeError) {
      throw new HttpException({ error: { code: writeError.code, message: writeError.message } }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return { status: 'ready' };
  }
}
