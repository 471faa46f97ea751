// The workspace's base config; persistence may import the engine only (scope:persistence).
import baseConfig from '../../eslint.config.mjs';

export default [...baseConfig];
