/**
 * Jest runs the back-end specifications; TypeScript is compiled by SWC (types are checked by `npm run lint`).
 * "unit" needs no server; "integration" gets real PostgreSQL, Temporal and SMTP servers from test/support/services.ts.
 */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
// ES-module-only packages (otplib's base32 and hash plugins) are compiled to CommonJS too: Node runs them through
// require(esm), which jest's module loader does not.
const transformIgnorePatterns = ['/node_modules/(?!(@scure|@noble|otplib|@otplib)/)'];
const INTEGRATION = ['integration', 'e2e', 'portal', 'hostile', 'webhooks', 'operator', 'cluster'];

module.exports = {
  testTimeout: 120000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: INTEGRATION.map((dir) => `<rootDir>/test/${dir}/`),
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: INTEGRATION.map((dir) => `<rootDir>/test/${dir}/**/*.test.ts`),
      globalSetup: '<rootDir>/test/support/services.ts',
      globalTeardown: '<rootDir>/test/support/teardown.ts',
    },
  ],
};
