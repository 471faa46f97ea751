// A listener that cannot bind names the option that chose its port, so the operator knows which
// setting to change:
//   option 'resp-port': 127.0.0.1:6380 is already in use (EADDRINUSE); stop what listens there or choose another port

import { createServer } from 'node:net';

/**
 * Fails fast when a listener's port is taken, before the database is opened or created and
 * recovered (seconds for a big dataset, and a new file for a mistyped --db): binds each non-zero
 * port once and lets it go. The real listen afterwards still reports a port taken in between.
 */
export async function checkPortsFree(host: string, ports: Array<[option: string, port: number]>): Promise<void> {
  for (const [option, port] of ports) {
    if (port === 0) continue;
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', (error) => reject(listenError(error, option, host, port)));
      probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
    });
  }
}

/** The error to report for `error`, raised by listening on host:port chosen by `option`. */
export function listenError(error: unknown, option: string, host: string, port: number): Error {
  const code = (error as { code?: string })?.code;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  let message: string;
  if (code === 'EADDRINUSE') message = `option '${option}': ${where} is already in use (EADDRINUSE); stop what listens there or choose another port`;
  else if (code === 'EACCES') message = `option '${option}': not allowed to listen on ${where} (EACCES; ports below 1024 need privileges)`;
  else if (code === 'EADDRNOTAVAIL') message = `option 'host': ${host} is not an address of this machine (EADDRNOTAVAIL)`;
  else return error instanceof Error ? error : new Error(String(error));
  return Object.assign(new Error(message), { code });
}
