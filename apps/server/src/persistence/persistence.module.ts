// Persistence module: the event log, snapshots and recovery for the keyspace (see persistence.service.ts).

import { Module } from '@nestjs/common';
import { PersistenceService } from './persistence.service';

@Module({ providers: [PersistenceService], exports: [PersistenceService] })
export class PersistenceModule {}
