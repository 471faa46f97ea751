/** Jest settings for engine: unit specs beside the code, end-to-end specs under test/. */
module.exports = {
  displayName: 'engine',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};
