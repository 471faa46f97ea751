// The Node.js floor for the RESP benchmark: the least any Node server can do per request on this
// machine. It parses nothing and keeps no data: it counts the requests in each chunk (every
// redis-benchmark request is one RESP array, so one '*' byte; its keys and values hold none) and
// writes one canned reply per request, in one write per chunk as Mnemo does. What it costs is
// Node's socket machinery (libuv, streams, one Buffer per read and per write) and nothing else,
// so Mnemo / floor is the share of Mnemo's own work, and floor / Redis is what the runtime
// itself leaves of Redis's speed. An inline PING (the bench's readiness probe) gets +PONG.
// Usage: node bench/peers/node-floor.mjs <port>
import { createServer } from 'node:net';

const port = Number(process.argv[2]);
const OK = Buffer.from('+OK\r\n');
const PONG = Buffer.from('+PONG\r\n');
const STAR = 0x2a;

const server = createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('data', (chunk) => {
    let requests = 0;
    for (let i = chunk.indexOf(STAR); i !== -1; i = chunk.indexOf(STAR, i + 1)) requests++;
    if (requests === 0) {
      if (chunk[0] === 0x50 || chunk[0] === 0x70) socket.write(PONG); // inline PING (or ping)
    } else if (requests === 1) socket.write(OK);
    else socket.write(Buffer.concat(Array(requests).fill(OK)));
  });
  socket.on('error', () => socket.destroy());
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
