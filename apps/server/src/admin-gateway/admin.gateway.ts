// The /admin socket.io namespace: authenticates dashboards, hands them to the streams, and maps
// command events to the commands service (validation in, ack out; it never throws).

import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { Inject } from '@nestjs/common';
import { ADMIN_NAMESPACE, AdminCommand } from '@mnemo/contracts';
import type { AdminAck, AdminCommandShapes } from '@mnemo/contracts';
import type { Namespace, Socket } from 'socket.io';
import type { MnemoConfig } from '../config/options';
import { MNEMO_CONFIG } from '../core/tokens';
import { errorAck } from './admin-ack';
import { adminAuthMiddleware } from './admin-auth';
import { AdminCommandsService } from './admin-commands.service';
import { parseDeleteKey, parseSetConfig, parseSubscribe, parseUnsubscribe } from './admin-payloads';
import { AdminStreamsService } from './admin-streams.service';

type Ack<C extends keyof AdminCommandShapes> = AdminAck<AdminCommandShapes[C]['ok']>;

const COMMANDS: ReadonlySet<string> = new Set(Object.values(AdminCommand));

@WebSocketGateway({ namespace: ADMIN_NAMESPACE })
export class AdminGateway implements OnGatewayInit<Namespace>, OnGatewayConnection<Socket>, OnGatewayDisconnect<Socket> {
  constructor(
    private readonly streams: AdminStreamsService,
    private readonly commands: AdminCommandsService,
    @Inject(MNEMO_CONFIG) private readonly config: MnemoConfig,
  ) {}

  afterInit(namespace: Namespace): void {
    namespace.use(adminAuthMiddleware(() => this.config['admin-token']));
    this.streams.attach(namespace);
  }

  handleConnection(socket: Socket): void {
    // Events no handler knows would otherwise leave the client's ack waiting forever.
    socket.onAny((event: string, ...args: unknown[]) => {
      if (COMMANDS.has(event)) return;
      const ack = args[args.length - 1];
      if (typeof ack === 'function') ack(errorAck('UNKNOWN_COMMAND', `unknown command '${String(event).slice(0, 64)}'`));
    });
    // Nest calls these outside any handler's try: a throw would surface as an uncaught error.
    try {
      this.streams.welcome(socket);
    } catch (error) {
      console.error('admin gateway: could not welcome a dashboard:', error);
      socket.disconnect(true);
    }
  }

  handleDisconnect(socket: Socket): void {
    try {
      this.streams.forget(socket);
    } catch (error) {
      console.error('admin gateway: could not forget a dashboard:', error);
    }
  }

  @SubscribeMessage(AdminCommand.subscribeKeyspace)
  subscribeKeyspace(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Ack<'keyspace:subscribe'> {
    const request = parseSubscribe(body);
    if (!request.ok) return request.ack;
    const patterns = this.streams.subscribe(socket, request.value.pattern);
    if (!Array.isArray(patterns)) return errorAck('INVALID_PAYLOAD', patterns.error, 'pattern');
    return { status: 'ok', pattern: request.value.pattern, patterns };
  }

  @SubscribeMessage(AdminCommand.unsubscribeKeyspace)
  unsubscribeKeyspace(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Ack<'keyspace:unsubscribe'> {
    const request = parseUnsubscribe(body);
    if (!request.ok) return request.ack;
    return { status: 'ok', patterns: this.streams.unsubscribe(socket, request.value.pattern) };
  }

  @SubscribeMessage(AdminCommand.setConfig)
  async setConfig(@MessageBody() body: unknown): Promise<Ack<'config:set'>> {
    const request = parseSetConfig(body);
    return request.ok ? this.commands.setConfig(request.value) : request.ack;
  }

  @SubscribeMessage(AdminCommand.bgsave)
  bgsave(): Promise<Ack<'persistence:bgsave'>> {
    return this.commands.bgsave();
  }

  @SubscribeMessage(AdminCommand.rewrite)
  rewrite(): Promise<Ack<'persistence:rewrite'>> {
    return this.commands.rewrite();
  }

  @SubscribeMessage(AdminCommand.deleteKey)
  async deleteKey(@MessageBody() body: unknown): Promise<Ack<'key:delete'>> {
    const request = parseDeleteKey(body);
    return request.ok ? this.commands.deleteKey(request.value) : request.ack;
  }
}
