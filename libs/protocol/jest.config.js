/** Jest settings for protocol: unit specs beside the code, end-to-end specs under test/. */
module.exports = {
  displayName: 'protocol',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};
