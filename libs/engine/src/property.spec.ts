// Property test: thousands of random commands (with time moving) against a plain-Map model;
// same replies, same state; the record stream rebuilds the state; replaying suffixes converges.
import { Engine } from './engine';
import { MnemoError } from './errors';
import { MapReply, StatusReply, type Reply } from './reply';
import { dump, harness, seededRandom, type DumpedValue } from './test-support';

type ModelValue = { type: 'string'; value: string; exp: number | null } | { type: 'hash'; fields: Map<string, string>; exp: number | null };

/** The simplest possible keyspace: Maps and explicit expiry checks. */
class Model {
  readonly keys = new Map<string, ModelValue>();
  now = 0;

  private live(key: string): ModelValue | undefined {
    const v = this.keys.get(key);
    if (v !== undefined && v.exp !== null && v.exp < this.now) {
      this.keys.delete(key);
      return undefined;
    }
    return v;
  }

  run(argv: string[]): Reply | { error: string } {
    const [cmd, key] = argv;
    const WRONG = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
    const v = key === undefined ? undefined : this.live(key);
    switch (cmd) {
      case 'GET':
        if (v === undefined) return null;
        return v.type === 'string' ? v.value : WRONG;
      case 'SET': {
        const opts = argv.slice(3);
        if (opts.includes('NX') && v !== undefined) return null;
        if (opts.includes('XX') && v === undefined) return null;
        const px = opts.indexOf('PX');
        const exp = px >= 0 ? this.now + Number(opts[px + 1]) : opts.includes('KEEPTTL') ? (v?.exp ?? null) : null;
        this.keys.set(key, { type: 'string', value: argv[2], exp });
        return new StatusReply('OK');
      }
      case 'DEL':
        return this.keys.delete(key) && v !== undefined ? 1 : 0;
      case 'EXISTS':
        return v === undefined ? 0 : 1;
      case 'INCRBY': {
        if (v !== undefined && v.type !== 'string') return WRONG;
        const cur = v === undefined ? 0 : /^(0|-?[1-9]\d{0,14})$/.test(v.value) ? Number(v.value) : NaN;
        if (Number.isNaN(cur)) return { error: 'ERR value is not an integer or out of range' };
        const next = cur + Number(argv[2]);
        this.keys.set(key, { type: 'string', value: String(next), exp: v?.exp ?? null });
        return next;
      }
      case 'APPEND': {
        if (v !== undefined && v.type !== 'string') return WRONG;
        const value = (v?.value ?? '') + argv[2];
        this.keys.set(key, { type: 'string', value, exp: v?.exp ?? null });
        return value.length;
      }
      case 'HSET': {
        if (v !== undefined && v.type !== 'hash') return WRONG;
        const h = v ?? { type: 'hash' as const, fields: new Map<string, string>(), exp: null };
        let added = 0;
        for (let i = 2; i < argv.length; i += 2) {
          if (!h.fields.has(argv[i])) added++;
          h.fields.set(argv[i], argv[i + 1]);
        }
        this.keys.set(key, h);
        return added;
      }
      case 'HDEL': {
        if (v === undefined) return 0;
        if (v.type !== 'hash') return WRONG;
        let n = 0;
        for (const f of argv.slice(2)) if (v.fields.delete(f)) n++;
        if (v.fields.size === 0) this.keys.delete(key);
        return n;
      }
      case 'HGET':
        if (v === undefined) return null;
        return v.type === 'hash' ? (v.fields.get(argv[2]) ?? null) : WRONG;
      case 'HGETALL':
        if (v === undefined) return new MapReply([]);
        return v.type === 'hash' ? new MapReply([...v.fields].flat()) : WRONG;
      case 'PEXPIRE': {
        if (v === undefined) return 0;
        const at = this.now + Number(argv[2]);
        if (at <= this.now) this.keys.delete(key);
        else v.exp = at;
        return 1;
      }
      case 'PERSIST':
        if (v === undefined || v.exp === null) return 0;
        v.exp = null;
        return 1;
      case 'PTTL':
        if (v === undefined) return -2;
        return v.exp === null ? -1 : Math.max(0, v.exp - this.now);
      case 'RENAME': {
        if (v === undefined) return { error: 'ERR no such key' };
        this.keys.delete(key);
        this.keys.set(argv[2], v);
        return new StatusReply('OK');
      }
      case 'GETDEL':
        if (v === undefined) return null;
        if (v.type !== 'string') return WRONG;
        this.keys.delete(key);
        return v.value;
      default:
        throw new Error(`model lacks ${cmd}`);
    }
  }

  dump(): Record<string, DumpedValue> {
    const out: Record<string, DumpedValue> = {};
    for (const key of [...this.keys.keys()]) {
      const v = this.live(key);
      if (v === undefined) continue;
      out[key] = v.type === 'string' ? { type: 'string', value: v.value, expiresAt: v.exp } : { type: 'hash', fields: Object.fromEntries(v.fields), expiresAt: v.exp };
    }
    return out;
  }
}

function randomCommand(rnd: () => number): string[] {
  const key = `k${Math.floor(rnd() * 30)}`;
  const field = `f${Math.floor(rnd() * 6)}`;
  const val = `v${Math.floor(rnd() * 1000)}`;
  const r = rnd();
  if (r < 0.12) {
    const opts: string[][] = [[], ['PX', String(1 + Math.floor(rnd() * 3000))], ['NX'], ['XX'], ['KEEPTTL']];
    return ['SET', key, val, ...opts[Math.floor(rnd() * opts.length)]];
  }
  if (r < 0.22) return ['GET', key];
  if (r < 0.27) return ['DEL', key];
  if (r < 0.32) return ['EXISTS', key];
  if (r < 0.42) return ['INCRBY', key, String(Math.floor(rnd() * 200) - 100)];
  if (r < 0.46) return ['APPEND', key, val];
  if (r < 0.58) return ['HSET', key, field, val, ...(rnd() < 0.3 ? [`f${Math.floor(rnd() * 6)}`, 'x'] : [])];
  if (r < 0.65) return ['HDEL', key, field];
  if (r < 0.7) return ['HGET', key, field];
  if (r < 0.73) return ['HGETALL', key];
  if (r < 0.81) return ['PEXPIRE', key, String(Math.floor(rnd() * 4000) - 200)];
  if (r < 0.84) return ['PERSIST', key];
  if (r < 0.9) return ['PTTL', key];
  if (r < 0.95) return ['RENAME', key, `k${Math.floor(rnd() * 30)}`];
  return ['GETDEL', key];
}

function normalize(reply: Reply): unknown {
  if (reply instanceof StatusReply) return { status: reply.status };
  if (reply instanceof MapReply) return { map: reply.flat };
  return reply;
}

describe('property: engine vs model', () => {
  test.each([1, 2, 3])('random commands with moving time (seed %i) - same replies, same state, records rebuild and converge', (seed) => {
    const rnd = seededRandom(seed);
    const { engine, clock, records } = harness({ random: seededRandom(seed + 100) });
    const model = new Model();
    for (let i = 0; i < 4000; i++) {
      model.now = clock.now();
      const argv = randomCommand(rnd);
      const expected = model.run(argv);
      let actual: unknown;
      try {
        actual = normalize(engine.execute(argv));
      } catch (e) {
        if (!(e instanceof MnemoError)) throw e;
        actual = { error: e.toRedisText() };
      }
      expect({ argv, reply: actual }).toEqual({ argv, reply: normalize(expected as Reply) });
      clock.advance(Math.floor(rnd() * 40));
      if (i % 50 === 0) engine.tick();
      if (i % 500 === 0) {
        model.now = clock.now();
        expect(dump(engine)).toEqual(model.dump());
      }
    }
    model.now = clock.now();
    const finalState = dump(engine);
    expect(finalState).toEqual(model.dump());

    // The record stream rebuilds the state in a fresh engine (same clock).
    const replica = new Engine({ clock });
    for (const r of records) replica.apply(r);
    expect(dump(replica)).toEqual(finalState);
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));

    // Replaying any suffix, twice, over the later state converges to the same state.
    for (let t = 0; t < 20; t++) {
      const from = Math.floor(rnd() * records.length);
      for (let pass = 0; pass < 2; pass++) {
        for (const r of records.slice(from)) replica.apply(r);
        expect(dump(replica)).toEqual(finalState);
      }
    }
  });
});
