// The workspace's base config; the engine imports nothing (scope:engine has no allowed deps).
// eslint-disable-next-line @nx/enforce-module-boundaries -- a config file, not library code
import baseConfig from '../../eslint.config.mjs';

export default [...baseConfig];
