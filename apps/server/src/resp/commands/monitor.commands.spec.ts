// MONITOR's argument quoting: Redis's sdscatrepr, byte for byte, and cheap for huge values.
import { quoteArgument } from './monitor.commands';

/** sdscatrepr as Redis writes it (sds.c), one byte at a time: the reference. */
function sdscatrepr(arg: string): string {
  let out = '"';
  for (let i = 0; i < arg.length; i++) {
    const c = arg.charCodeAt(i);
    if (c === 0x5c || c === 0x22) out += `\\${arg[i]}`;
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x07) out += '\\a';
    else if (c === 0x08) out += '\\b';
    else if (c >= 0x20 && c <= 0x7e) out += arg[i];
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

describe('quoteArgument', () => {
  it('prints every byte as sdscatrepr does', () => {
    const all = Array.from({ length: 256 }, (_, c) => String.fromCharCode(c)).join('');
    expect(quoteArgument(all)).toBe(sdscatrepr(all));
    for (const arg of ['', 'plain', 'a"b\\c', 'tab\there\r\n', '\u0000\u00ff\u0080x', 'é']) expect(quoteArgument(arg)).toBe(sdscatrepr(arg));
  });

  it('handles a 64 MB value (it used to grow a string char by char: ~33 bytes of heap per byte)', () => {
    const big = 'v'.repeat(64 * 1024 * 1024);
    const quoted = quoteArgument(big);
    expect(quoted.length).toBe(big.length + 2);
    expect(quoted.startsWith('"vvv') && quoted.endsWith('vv"')).toBe(true);
    const mixed = quoteArgument(`${'x'.repeat(8 * 1024 * 1024)}\n`);
    expect(mixed.endsWith('x\\n"')).toBe(true);
  });
});
