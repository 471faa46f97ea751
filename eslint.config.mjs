// Lint rules for the whole workspace. The module-boundary rule is what keeps imports one-way:
// engine imports nothing, protocol imports nothing, persistence imports engine, the server
// imports the libraries, the admin app imports contracts only.
import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/eslint.config.mjs', '**/dist', '**/node_modules', '**/.next', '**/out-tsc', 'bench/results', 'tmp', 'data'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:engine', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:protocol', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:persistence', onlyDependOnLibsWithTags: ['scope:engine'] },
            {
              sourceTag: 'scope:server',
              onlyDependOnLibsWithTags: ['scope:engine', 'scope:persistence', 'scope:protocol', 'scope:contracts'],
            },
            { sourceTag: 'scope:admin', onlyDependOnLibsWithTags: ['scope:contracts'] },
          ],
        },
      ],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
