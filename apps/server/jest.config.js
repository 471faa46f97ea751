/** Jest settings for server: unit specs beside the code, end-to-end specs under test/. */
module.exports = {
  displayName: 'server',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};
