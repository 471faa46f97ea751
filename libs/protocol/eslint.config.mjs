// The RESP codec imports nothing: it works on Buffers only (docs/architecture.md).
import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\.)', message: 'libs/protocol imports nothing outside itself.' }] },
      ],
    },
  },
];
