// Which of Nest's own log lines each log-level lets through; the release Mnemo reports.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { exposureWarning, nestLogLevels } from './bootstrap';
import { MNEMO_VERSION } from './version';

it("reports package.json's version (INFO mnemo_version, /v1/admin/info, OpenAPI, the start-up line)", () => {
  expect(MNEMO_VERSION).toBe(JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')).version);
});

describe('nestLogLevels', () => {
  it('maps log-level onto Nest levels, silent to none', () => {
    expect(nestLogLevels('silent')).toBe(false);
    expect(nestLogLevels('error')).toEqual(['fatal', 'error']);
    expect(nestLogLevels('warn')).toEqual(['fatal', 'error', 'warn']);
    expect(nestLogLevels('info')).toEqual(['fatal', 'error', 'warn', 'log']);
    expect(nestLogLevels('trace')).toEqual(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']);
  });
});

describe('exposureWarning', () => {
  const open = { host: '0.0.0.0', 'api-keys': '', requirepass: '' };
  it('names every open door of a server bound beyond loopback', () => {
    expect(exposureWarning(open, true)).toBe(
      'Warning: bound to 0.0.0.0 with no admin token set (a generated one is in use) and no API keys (data endpoints are open) and no requirepass (the Redis port is open to anyone who reaches it)',
    );
    expect(exposureWarning({ ...open, 'api-keys': 'k1', requirepass: 'secret' }, true)).toBe('Warning: bound to 0.0.0.0 with no admin token set (a generated one is in use)');
    expect(exposureWarning({ ...open, host: '10.0.0.5', 'api-keys': 'k1' }, false)).toBe('Warning: bound to 10.0.0.5 with no requirepass (the Redis port is open to anyone who reaches it)');
  });
  it('says nothing on loopback, or once every door has a key', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1']) expect(exposureWarning({ ...open, host }, true)).toBeNull();
    expect(exposureWarning({ ...open, 'api-keys': 'k1', requirepass: 'secret' }, false)).toBeNull();
  });
});
