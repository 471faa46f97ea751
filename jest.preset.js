// Shared Jest settings: SWC compiles TypeScript (with Nest's decorator metadata) far faster than ts-jest.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true, tsx: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic' } },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
  moduleNameMapper: {
    '^@mnemo/engine$': path.join(__dirname, 'libs/engine/src/index.ts'),
    '^@mnemo/persistence$': path.join(__dirname, 'libs/persistence/src/index.ts'),
    '^@mnemo/protocol$': path.join(__dirname, 'libs/protocol/src/index.ts'),
    '^@mnemo/contracts$': path.join(__dirname, 'libs/contracts/src/index.ts'),
  },
};
