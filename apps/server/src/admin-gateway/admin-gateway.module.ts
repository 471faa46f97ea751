// The live admin gateway: socket.io namespace /admin with the stats, keyspace, removal and
// persistence streams, and the dashboard's commands.

import { Module } from '@nestjs/common';
import { AdminCommandsService } from './admin-commands.service';
import { AdminGateway } from './admin.gateway';
import { AdminStreamsService } from './admin-streams.service';

@Module({ providers: [AdminGateway, AdminStreamsService, AdminCommandsService], exports: [AdminStreamsService] })
export class AdminGatewayModule {}
