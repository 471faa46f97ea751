// Redis's LFU counter (evict.c): a logarithmic 8-bit access counter plus a 16-bit decay clock.
//
// Design note. Redis packs both into the object's 24-bit lru field; we pack them the same way
// into one small integer (a V8 Smi, so updating it never allocates):
//
//        16 bits               8 bits
//   +------------------+-----------------+
//   | last decrement   |   counter       |     ldt = minutes since epoch & 0xffff
//   | time (minutes)   | (log, 0..255)   |
//   +------------------+-----------------+
//
// A new key starts at LFU_INIT_VAL (5) so it is not evicted before it had a chance to be used.
// On each access the counter first decays by one per `lfu-decay-time` minutes elapsed, then grows
// with probability 1 / ((counter - 5) * lfu-log-factor + 1). Worked example, factor 10: from 5 it
// grows on every access, from 6 on every 11th access on average, from 15 on every 101st, so 255
// means roughly a million accesses (Redis's table in redis.conf).

export const LFU_INIT_VAL = 5;

/** Minutes since epoch in 16 bits, Redis's LFUGetTimeInMinutes. */
export function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60000) & 0xffff;
}

/** The packed value of a key created at nowMs. */
export function lfuInit(nowMs: number): number {
  return (lfuMinutes(nowMs) << 8) | LFU_INIT_VAL;
}

/** Minutes elapsed since ldt, with the 16-bit wrap-around (Redis's LFUTimeElapsed). */
export function lfuTimeElapsed(ldt: number, nowMinutes: number): number {
  return nowMinutes >= ldt ? nowMinutes - ldt : 65535 - ldt + nowMinutes;
}

/** Redis's LFUDecrAndReturn: the counter after decay, without storing it. */
export function lfuDecrAndReturn(packed: number, nowMs: number, decayTime: number): number {
  const ldt = packed >>> 8;
  let counter = packed & 255;
  const periods = decayTime > 0 ? Math.floor(lfuTimeElapsed(ldt, lfuMinutes(nowMs)) / decayTime) : 0;
  if (periods > 0) counter = periods > counter ? 0 : counter - periods;
  return counter;
}

/** Redis's LFULogIncr: r is a uniform random number in [0, 1). */
export function lfuLogIncr(counter: number, logFactor: number, r: number): number {
  if (counter === 255) return 255;
  let base = counter - LFU_INIT_VAL;
  if (base < 0) base = 0;
  const p = 1 / (base * logFactor + 1);
  return r < p ? counter + 1 : counter;
}

/** Redis's updateLFU: decay, then a logarithmic increment; returns the new packed value. */
export function lfuAccess(packed: number, nowMs: number, decayTime: number, logFactor: number, random: () => number): number {
  let counter = lfuDecrAndReturn(packed, nowMs, decayTime);
  if (counter < 255) counter = lfuLogIncr(counter, logFactor, random());
  return (lfuMinutes(nowMs) << 8) | counter;
}
