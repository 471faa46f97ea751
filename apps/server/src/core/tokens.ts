// Injection tokens shared by the server's modules.

/** The effective MnemoConfig (see config/options.ts). */
export const MNEMO_CONFIG = Symbol('MNEMO_CONFIG');
