// Which of Nest's own log lines each log-level lets through.
import { nestLogLevels } from './bootstrap';

describe('nestLogLevels', () => {
  it('maps log-level onto Nest levels, silent to none', () => {
    expect(nestLogLevels('silent')).toBe(false);
    expect(nestLogLevels('error')).toEqual(['fatal', 'error']);
    expect(nestLogLevels('warn')).toEqual(['fatal', 'error', 'warn']);
    expect(nestLogLevels('info')).toEqual(['fatal', 'error', 'warn', 'log']);
    expect(nestLogLevels('trace')).toEqual(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']);
  });
});
