// The Redis-protocol listener module (RESP2/RESP3 over TCP).

import { Module } from '@nestjs/common';
import { RespService } from './resp.service';

@Module({ providers: [RespService], exports: [RespService] })
export class RespModule {}
