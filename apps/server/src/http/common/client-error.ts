// Requests Node's HTTP parser refuses before any route sees them (headers over Node's 16 KiB
// limit, a malformed request line, `Content-Length: abc`, Content-Length with Transfer-Encoding,
// a header timeout) still get the API's error envelope, then the connection is closed, as Node
// and Fastify do. Installed as Fastify's clientErrorHandler (the server's 'clientError' event).
//
//   GET /v1/counters/<20 KB of key>  ->  431 { error: { code: 'HEADERS_TOO_LARGE', field: 'headers', ... } }
//   Content-Length: abc              ->  400 { error: { code: 'BAD_REQUEST', field: 'request', ... } }

import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpErrorCode } from '@mnemo/contracts';

interface ParserError extends Error {
  code?: string;
  reason?: string;
}

function envelope(error: ParserError): { status: number; code: string; field: string; message: string } {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, code: HttpErrorCode.headersTooLarge, field: 'headers', message: 'headers: the request line and headers are larger than the server accepts (16 KiB)' };
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, code: HttpErrorCode.requestTimeout, field: 'request', message: 'request: the request was not received in time' };
  }
  const why = error.reason ?? error.message;
  return { status: 400, code: HttpErrorCode.badRequest, field: 'request', message: `request: not a valid HTTP/1.1 request (${error.code ?? 'parse error'}: ${why})` };
}

export function clientErrorHandler(error: ParserError, socket: Duplex): void {
  // A reset connection is gone: nothing to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const { status, code, field, message } = envelope(error);
    const body = JSON.stringify({ error: { code, message, field } });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
