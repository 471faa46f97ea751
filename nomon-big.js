const net = require('net');
const port = Number(process.argv[2]); const len = Number(process.argv[3]);
const s = net.connect(port, '127.0.0.1', () => {
  s.write(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${len}\r\n`);
  const chunk = Buffer.alloc(16 * 1024 * 1024, 0xff);
  let left = len;
  const pump = () => { while (left > 0) { const n = Math.min(left, chunk.length); left -= n; if (!s.write(n === chunk.length ? chunk : chunk.subarray(0, n))) { s.once('drain', pump); return; } } s.write('\r\nPING\r\n'); console.log('sent'); };
  pump();
});
s.on('data', (d) => { console.log('reply', JSON.stringify(d.toString().slice(0, 80))); if (d.toString().includes('PONG')) process.exit(0); });
s.on('close', () => { console.log('closed'); process.exit(0); });
