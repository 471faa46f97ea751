// A listener that cannot bind names the option that chose its port, so the operator knows which
// setting to change:
//   option 'resp-port': 127.0.0.1:6380 is already in use (EADDRINUSE); stop what listens there or choose another port

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
