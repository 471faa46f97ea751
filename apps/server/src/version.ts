// Mnemo's release, reported by INFO (mnemo_version) and the start-up line; kept equal to package.json's version.
export const MNEMO_VERSION = '0.1.0';
