// Config loading: defaults, file < env < flags precedence, and start-up errors that name the option.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, parseConfigFile } from './load-config';
import { EVICTION_POLICIES } from '@mnemo/engine';
import { MAXMEMORY_POLICIES } from '@mnemo/contracts';
import { ConfigError, OPTION_DEFINITIONS, optionsHelp, parseBytes } from './options';

describe('loadConfig', () => {
  it('gives the documented defaults with no sources', () => {
    const config = loadConfig();
    expect(config.host).toBe('127.0.0.1');
    expect(config['http-port']).toBe(8080);
    expect(config['resp-port']).toBe(6380);
    expect(config['admin-port']).toBe(3000);
    expect(config.db).toBe('./data/mnemo.db');
    expect(config.appendonly).toBe(true);
    expect(config.appendfsync).toBe('everysec');
    expect(config.save).toEqual([
      { seconds: 3600, changes: 1 },
      { seconds: 300, changes: 100 },
      { seconds: 60, changes: 10000 },
    ]);
    expect(config['maxmemory-policy']).toBe('noeviction');
  });

  it('lets flags win over env and env over the file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mnemo-config-'));
    const file = path.join(dir, 'mnemo.conf');
    writeFileSync(file, '# test\nmaxmemory 1mb\nappendfsync no\nhttp-port 9000\nsave ""\n');
    const config = loadConfig({
      env: { MNEMO_CONFIG: file, MNEMO_APPENDFSYNC: 'always', MNEMO_HTTP_PORT: '9001', PATH: '/bin' },
      argv: ['--http-port', '9002', '--maxmemory-policy=allkeys-lru'],
    });
    expect(config.maxmemory).toBe(1024 * 1024);
    expect(config.appendfsync).toBe('always');
    expect(config['http-port']).toBe(9002);
    expect(config['maxmemory-policy']).toBe('allkeys-lru');
    expect(config.save).toEqual([]);
  });

  it('adds up save lines of a config file as redis.conf does; save "" clears them; other options: the last line wins', () => {
    expect(parseConfigFile('save 900 1\nsave 300 10\nmaxmemory 1mb\nmaxmemory 2mb\n', 'm.conf')).toEqual({ save: '900 1 300 10', maxmemory: '2mb' });
    expect(parseConfigFile('save 900 1\nsave ""\n', 'm.conf')).toEqual({ save: '' });
    expect(parseConfigFile('save ""\nsave 60 5\n', 'm.conf')).toEqual({ save: '60 5' });
  });

  it('names an unknown flag, env variable or file option', () => {
    expect(() => loadConfig({ argv: ['--max-memory', '1'] })).toThrow("unknown option '--max-memory'");
    expect(() => loadConfig({ env: { MNEMO_MAXMEMORY_POLICY_X: 'a' } })).toThrow(
      "unknown environment variable 'MNEMO_MAXMEMORY_POLICY_X'",
    );
    expect(() => parseConfigFile('maxmemory 1\nbogus 2\n', 'm.conf')).toThrow("m.conf:2: unknown option 'bogus'");
  });

  it('names the option and the allowed values for a bad value', () => {
    expect(() => loadConfig({ argv: ['--appendfsync', 'sometimes'] })).toThrow(
      "option 'appendfsync': 'sometimes' is not one of always, everysec, no",
    );
    expect(() => loadConfig({ argv: ['--http-port', '70000'] })).toThrow(ConfigError);
    expect(() => loadConfig({ argv: ['--save', '3600'] })).toThrow("option 'save'");
    expect(() => loadConfig({ argv: ['--maxmemory', 'lots'] })).toThrow("option 'maxmemory': 'lots' is not a size");
    // Values the server would otherwise refuse only once running (a Nest stack trace, exit 1) or
    // take and then fail every command with (proto-max-bulk-len 1): refused here, as CONFIG SET does.
    expect(() => loadConfig({ argv: ['--notify-keyspace-events', 'Zq'] })).toThrow("option 'notify-keyspace-events': 'Zq': Invalid event class character");
    expect(loadConfig({ argv: ['--notify-keyspace-events', 'KEA'] })['notify-keyspace-events']).toBe('KEA');
    expect(() => loadConfig({ argv: ['--proto-max-bulk-len', '1'] })).toThrow("option 'proto-max-bulk-len': '1' is below the least it can be, 1048576 bytes");
    expect(() => loadConfig({ argv: ['--client-query-buffer-limit', '1kb'] })).toThrow("option 'client-query-buffer-limit'");
    expect(() => loadConfig({ argv: ['--body-limit', '0'] })).toThrow("option 'body-limit': '0' is below the least it can be");
    expect(() => loadConfig({ argv: ['--http-port'] })).toThrow("option '--http-port' needs a value");
    expect(() => loadConfig({ argv: ['stray'] })).toThrow("unexpected argument 'stray'");
  });

  it('says where a bad value came from: a flag, a MNEMO_* variable or the config file', () => {
    expect(() => loadConfig({ argv: ['--appendfsync', 'sometimes'] })).toThrow(/is not one of always, everysec, no \(from --appendfsync\)$/);
    expect(() => loadConfig({ env: { MNEMO_APPENDFSYNC: 'sometimes' } })).toThrow(/is not one of always, everysec, no \(from MNEMO_APPENDFSYNC\)$/);
    const dir = mkdtempSync(path.join(tmpdir(), 'mnemo-config-'));
    const file = path.join(dir, 'mnemo.conf');
    writeFileSync(file, 'maxmemory -5\n');
    expect(() => loadConfig({ argv: ['--config', file] })).toThrow(`option 'maxmemory': '-5' is not a size (examples: 0, 1048576, 100mb, 2gb) (from ${file} (maxmemory line))`);
  });

  it('refuses two listeners on one port, naming both options (0 picks a free port for each)', () => {
    expect(() => loadConfig({ argv: ['--http-port', '18094', '--resp-port', '18094'] })).toThrow("options 'http-port' and 'resp-port' are both 18094");
    expect(() => loadConfig({ argv: ['--resp-port', '3000'] })).toThrow("options 'resp-port' and 'admin-port' are both 3000");
    expect(loadConfig({ argv: ['--http-port', '0', '--resp-port', '0'] })).toMatchObject({ 'http-port': 0, 'resp-port': 0 });
  });

  it('reports an unreadable config file', () => {
    expect(() => loadConfig({ argv: ['--config', '/nonexistent/mnemo.conf'] })).toThrow("option 'config': cannot read");
  });
});

describe('--help', () => {
  it('lists every option with its environment variable and its default as a config value', () => {
    const help = optionsHelp();
    for (const name of Object.keys(OPTION_DEFINITIONS)) expect(help).toContain(`  --${name} `);
    expect(help).toMatch(/--appendfsync +log fsync policy\n.*\n +default: everysec; env: MNEMO_APPENDFSYNC/);
    expect(help).toContain('default: "3600 1 300 100 60 10000"; env: MNEMO_SAVE');
    expect(help).toContain('default: yes; env: MNEMO_APPENDONLY');
    expect(help).toContain('default: none; env: MNEMO_REQUIREPASS');
    expect(help).toContain('env: MNEMO_MIGRATIONS_DIR');
    // Options with a fixed set of values list them.
    expect(help).toMatch(/--appendfsync +log fsync policy\n +one of: always, everysec, no\n/);
    expect(help).toMatch(/--maxmemory-policy +eviction policy\n +one of: noeviction, allkeys-lru, /);
    expect(help).toMatch(/--log-level +log level\n +one of: fatal, error, warn, info, debug, trace, silent\n/);
  });
});

describe('parseBytes', () => {
  it('reads redis.conf units', () => {
    expect(parseBytes('100', 'x')).toBe(100);
    expect(parseBytes('1k', 'x')).toBe(1000);
    expect(parseBytes('1kb', 'x')).toBe(1024);
    expect(parseBytes('64MB', 'x')).toBe(64 * 1024 * 1024);
    expect(parseBytes('2gb', 'x')).toBe(2 * 1024 ** 3);
    expect(() => parseBytes('-1', 'x')).toThrow(ConfigError);
  });
});

describe('maxmemory-policy names', () => {
  it('are the same in the engine and in the contracts the dashboard reads', () => {
    expect([...MAXMEMORY_POLICIES]).toEqual([...EVICTION_POLICIES]);
  });
});
