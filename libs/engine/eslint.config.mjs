// The engine is pure: it imports nothing outside itself (no Nest, Prisma, net, fs) and takes
// time only from its injected Clock (ARCHITECTURE.md invariant 5). Lint enforces both.
import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\.)', message: 'libs/engine imports nothing outside itself.' }] },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Time comes from the injected Clock.' },
        { object: 'performance', property: 'now', message: 'Time comes from the injected Clock.' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'The engine owns no timers; the host calls tick().' },
        { name: 'setInterval', message: 'The engine owns no timers; the host calls tick().' },
        { name: 'process', message: 'The engine reads no environment.' },
      ],
    },
  },
];
