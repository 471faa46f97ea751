// socket.io on the HTTP server, with CORS for the dashboard's origins (it connects directly to
// the server's HTTP port from http://127.0.0.1:<admin-port> or http://localhost:<admin-port>).

import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import type { MnemoConfig } from '../config/options';

/** Largest message a dashboard may send (commands are small). */
export const ADMIN_MAX_MESSAGE_BYTES = 64 * 1024;

/** The origins allowed to open the admin socket: the dashboard on loopback, and on config.host. */
export function adminOrigins(config: Pick<MnemoConfig, 'admin-port' | 'host'>): string[] {
  const port = config['admin-port'];
  const hosts = new Set(['127.0.0.1', 'localhost']);
  if (!['0.0.0.0', '::', '::1', ''].includes(config.host)) hosts.add(config.host);
  return [...hosts].map((host) => `http://${host}:${port}`);
}

export class AdminIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: MnemoConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    return super.createIOServer(port, {
      ...options,
      cors: { origin: adminOrigins(this.config), methods: ['GET', 'POST'] },
      maxHttpBufferSize: ADMIN_MAX_MESSAGE_BYTES,
    });
  }
}
