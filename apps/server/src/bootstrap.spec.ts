// Which of Nest's own log lines each log-level lets through; the release Mnemo reports.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { nestLogLevels } from './bootstrap';
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
