// The workspace's base config; the engine imports nothing (scope:engine has no allowed deps).
import baseConfig from '../../eslint.config.mjs';

export default [...baseConfig];
