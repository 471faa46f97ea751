// The benchmark peer for the HTTP API: what a team would hand-roll instead of Mnemo, a Fastify
// service doing a fixed-window rate limit with INCR + PEXPIRE through ioredis against Redis 7
// (one round trip: both commands in a MULTI, PEXPIRE NX so the window is not pushed back).
// Usage: node bench/peers/fastify-ioredis.mjs <redis-port>   (prints "listening <port>")
import Fastify from 'fastify';
import Redis from 'ioredis';

const redisPort = Number(process.argv[2]);
const redis = new Redis({ host: '127.0.0.1', port: redisPort, enableAutoPipelining: true });
const app = Fastify({ logger: false });

app.post('/ratelimit/check', async (request, reply) => {
  const { key, limit, windowMs } = request.body ?? {};
  if (typeof key !== 'string' || !Number.isInteger(limit) || !Number.isInteger(windowMs)) {
    return reply.code(400).send({ error: { code: 'VALIDATION_ERROR', message: 'key, limit, windowMs required' } });
  }
  const redisKey = `rl:${key}`;
  const [[, count], , [, pttl]] = await redis.multi().incr(redisKey).pexpire(redisKey, windowMs, 'NX').pttl(redisKey).exec();
  const allowed = count <= limit;
  return { allowed, limit, remaining: Math.max(0, limit - count), resetMs: pttl, retryAfterMs: allowed ? 0 : pttl };
});

const address = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`listening ${new URL(address).port}`);
process.on('SIGTERM', async () => {
  await app.close();
  redis.disconnect();
  process.exit(0);
});
