// Session module: the /v1/sessions routes over sessions stored in the engine.

import { Module } from '@nestjs/common';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

@Module({ controllers: [SessionsController], providers: [SessionsService] })
export class SessionsModule {}
