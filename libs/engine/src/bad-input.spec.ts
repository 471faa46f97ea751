// Bad input: arity, unknown commands, oversized values, invalid options, constructor options.
import { ManualClock } from './clock';
import { Engine } from './engine';
import { MnemoError } from './errors';
import { harness } from './test-support';

describe('bad input', () => {
  test('unknown command - Redis\'s exact text with the first args', () => {
    const { err } = harness();
    expect(err('x', 'a', 'b')).toBe("ERR unknown command 'x', with args beginning with: 'a' 'b' ");
    expect(err('NOPE')).toBe("ERR unknown command 'NOPE', with args beginning with: ");
    const long = 'y'.repeat(200);
    expect(err('x', long, 'z')).toBe(`ERR unknown command 'x', with args beginning with: '${'y'.repeat(128)}' `);
    expect(err()).toBe("ERR unknown command '', with args beginning with: ");
  });

  test('wrong arity - per command, with the lower-case name', () => {
    const { err } = harness();
    expect(err('GET')).toBe("ERR wrong number of arguments for 'get' command");
    expect(err('GET', 'a', 'b')).toBe("ERR wrong number of arguments for 'get' command");
    expect(err('SET', 'a')).toBe("ERR wrong number of arguments for 'set' command");
    expect(err('HSET', 'h', 'f')).toBe("ERR wrong number of arguments for 'hset' command");
    expect(err('DEL')).toBe("ERR wrong number of arguments for 'del' command");
    expect(err('OBJECT', 'FREQ')).toBe("ERR wrong number of arguments for 'object|freq' command");
    expect(err('OBJECT', 'FOO', 'k')).toBe("ERR unknown subcommand 'FOO'. Try OBJECT HELP.");
  });

  test('oversized values - proto-max-bulk-len error, state untouched', () => {
    const { run, err, records } = harness({ protoMaxBulkLen: 16 });
    run('SET', 'k', 'small');
    expect(err('SET', 'k', 'x'.repeat(17))).toBe('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    expect(err('APPEND', 'k', 'x'.repeat(12))).toBe('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    expect(err('MSET', 'a', '1', 'b', 'x'.repeat(17))).toBe('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    expect(err('HSET', 'h', 'f', 'x'.repeat(17))).toBe('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    expect(run('GET', 'k')).toBe('small');
    expect(run('EXISTS', 'a', 'h')).toBe(0);
    expect(records).toHaveLength(1);
  });

  test('errors are MnemoError with a code', () => {
    const { engine } = harness();
    engine.execute(['HSET', 'h', 'f', 'v']);
    try {
      engine.execute(['GET', 'h']);
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(MnemoError);
      expect((e as MnemoError).code).toBe('WRONGTYPE');
    }
  });

  test('constructor - invalid options name the option', () => {
    const clock = new ManualClock();
    expect(() => new Engine({ clock, maxmemorySamples: 0 })).toThrow('maxmemorySamples');
    expect(() => new Engine({ clock, maxmemory: -1 })).toThrow('maxmemory');
    expect(() => new Engine({ clock, maxmemoryPolicy: 'lru' as never })).toThrow('maxmemoryPolicy');
    expect(() => new Engine({ clock, activeExpireBudgetMs: 0 })).toThrow('activeExpireBudgetMs');
    expect(() => new Engine({} as never)).toThrow('clock');
  });

  test('commands accept any case', () => {
    const { run } = harness();
    expect(run('sEt', 'k', 'v', 'ex', '5')).toEqual({ status: 'OK' });
    expect(run('GeT', 'k')).toBe('v');
  });
});
