// Random Lua expressions (numbers, strings, string.format, the string library) sent as EVAL to
// Mnemo and to redis-server, replies compared. Scripts written for Redis run on its Lua 5.1,
// Mnemo's VM is Lua 5.3 patched to compute and print as 5.1 does: this is how the patches were
// found and how they are kept honest.
//
// `exact: false` leaves out what still differs: NaN and the infinities (the sign bit of a NaN,
// printed "nan" or "-nan", comes from the CPU's arithmetic, and JS's pow(-1, inf) is NaN where
// C's is 1), and negative zero (an integer 0 in 5.3, from 0 * -1 or math.ceil(-0.5), is -0.0 in
// 5.1). The scripts keep to 5.1's grammar (no //, no bitwise operators, no goto).

import { pick, type Rnd } from './command-stream';
import type { RawClient } from './resp-support';
import type { RespValue } from '@mnemo/protocol';

const FINITE = ['0', '1', '-1', '2', '3', '7', '10', '0.5', '-2.5', '1e15', '1e16', '2^31', '2^53', '2^63', '-2^31', '2147483647', '-2147483648', '4294967296', '1764000000', '1/3', '0.1', '100', '1e-5', '123456789', '3.0', '65536', '46341', '99999999999999', '0.125', '2.5', '1e300'];
const NOT_FINITE = ['(0/0)', '(1/0)', '(-1/0)', '-0.0'];
const STRINGS = ["'abc'", "''", "'a.b.c'", "'Hello World'", "'%d'", "'x\\0y'", "'  12  '", "'a,b,,c'", "'[]'", "'\\255\\128'", "'aaa'", "'%a+'", "'(%w+)=(%w+)'", "'k=v, x=y'", "'0x1F'", "' 1e2 '", "'inf'", "'12abc'"];

export class LuaExpressions {
  constructor(
    private readonly rnd: Rnd,
    private readonly exact: boolean,
  ) {}

  /** A script body: `return <expression>`. */
  script(): string {
    return `return ${this.rnd() < 0.5 ? this.string(3) : this.formatted()}`;
  }

  private number(depth: number): string {
    if (depth <= 0 || this.rnd() < 0.3) return pick(this.rnd, this.exact ? [...FINITE, ...NOT_FINITE] : FINITE);
    const a = this.number(depth - 1);
    const b = this.number(depth - 1);
    const forms = this.exact
      ? [`(${a} + ${b})`, `(${a} - ${b})`, `(${a} * ${b})`, `(${a} / ${b})`, `(${a} % ${b})`, `(${a} ^ ${b})`, `(- ${a})`, `math.floor(${a})`, `math.ceil(${a})`, `math.fmod(${a}, ${b})`, `math.sqrt(${a})`]
      : [`(${a} + ${b})`, `(${a} - ${b})`, `(${a} * 3)`, `(${a} / 4)`, `(${a} % 7)`]; // nothing that makes -0, NaN or an infinity
    return pick(this.rnd, [...forms, `math.abs(${a})`, `math.max(${a}, ${b})`, `math.min(${a}, ${b})`, `tonumber(tostring(${a}))`]);
  }

  private formatted(): string {
    const n = this.number(3);
    return pick(this.rnd, [
      `tostring(${n})`,
      `${n}`,
      `string.format('%d', ${n})`,
      `string.format('%g|%.3f|%5.1e|%G|%.0f', ${n}, ${n}, ${n}, ${n}, ${n})`,
      `string.format('%x|%5.2s|%-6d|%+.2f', ${n}, ${n}, ${n}, ${n})`,
      `string.format('%s|%q', ${n}, ${n})`,
      `string.format('[%c|%3c|%-2c]', ${n}, ${n} + 65, 256 + ${n})`,
      `${n} .. ''`,
      `tostring(${n} == ${this.number(2)})`,
      `tostring(${n} < ${this.number(2)})`,
      `string.sub('abcdef', ${n}, ${this.number(1)})`,
      `select('#', string.byte('abc', ${n}, ${this.number(1)}))`,
      `tostring(tonumber(${pick(this.rnd, STRINGS)}))`,
    ]);
  }

  private string(depth: number): string {
    if (depth <= 0 || this.rnd() < 0.3) return pick(this.rnd, STRINGS);
    const a = this.string(depth - 1);
    const b = this.string(depth - 1);
    const n = pick(this.rnd, ['1', '2', '-1', '0', '3', '-3', '10', '2.5']);
    return pick(this.rnd, [
      `(${a} .. ${b})`, `string.upper(${a})`, `string.lower(${a})`, `string.rep(${a}, ${n})`, `string.sub(${a}, ${n}, ${pick(this.rnd, ['1', '2', '-1', '-2', '5'])})`,
      `string.reverse(${a})`, `(string.gsub(${a}, ${pick(this.rnd, ["'a'", "'%s'", "'.'", "'%w+'", "'(%w+)=(%w+)'", "'b'"])}, ${pick(this.rnd, ["'X'", "'%1%1'", "''", "'%0-'"])}))`,
      `string.format('%q', ${a})`, `string.format('%5s|%-5s|%.2s', ${a}, ${b}, ${a})`, `tostring(string.find(${a}, ${b}, 1, true))`,
      `tostring(string.find(${a}, ${pick(this.rnd, ["'%a+'", "'b'", "'%d'", "'[,=]'"])}))`, `tostring(string.match(${a}, ${pick(this.rnd, ["'(%w+)'", "'%s*(%d+)'", "'(.)(.)'", "'^a'"])}))`,
      `table.concat({${a}, ${b}}, ${pick(this.rnd, ["','", "''", "'--'"])})`, `string.char(string.byte(${a}, 1, -1))`, `tostring(#${a})`, `tostring(${a} < ${b})`,
      `tostring(tonumber(${a}))`, `string.format('%s', ${a})`,
    ]);
  }
}

export interface LuaMismatch {
  script: string;
  mnemo: RespValue;
  redis: RespValue;
}

/** The script hash in an error text differs with nothing else; the line the same. */
const comparable = (reply: RespValue): RespValue => (reply.type === 'error' ? { ...reply, value: reply.value.replace(/script: [0-9a-f]{40}/, 'script: <sha>') } : reply);

/** Sends `count` random scripts to both servers; returns the ones whose replies differ. */
export async function runLuaDifferential(mnemo: RawClient, redis: RawClient, rnd: Rnd, count: number, exact: boolean): Promise<LuaMismatch[]> {
  const expressions = new LuaExpressions(rnd, exact);
  const mismatches: LuaMismatch[] = [];
  for (let i = 0; i < count; i++) {
    const script = expressions.script();
    const [a, b] = await Promise.all([mnemo.command('EVAL', script, '0'), redis.command('EVAL', script, '0')]);
    if (JSON.stringify(comparable(a), bigints) !== JSON.stringify(comparable(b), bigints)) mismatches.push({ script, mnemo: a, redis: b });
  }
  return mismatches;
}

const bigints = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? String(value) : value);
