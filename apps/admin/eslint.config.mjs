// Lint for the dashboard: the workspace rules (admin may import only @mnemo/contracts).
import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  { ignores: ['.next', 'next-env.d.ts'] },
];
