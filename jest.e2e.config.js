// Tier 3: end-to-end tests (`*.e2e-spec.ts`): the apps run as real processes; HTTP in, HTTP out.
module.exports = {
  ...require('./jest.preset'),
  displayName: 'e2e',
  testMatch: ['<rootDir>/{apps,libs,tools,bench}/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  // Every HTTP response an e2e spec receives is validated against the OpenAPI document its app serves.
  setupFilesAfterEnv: ['<rootDir>/libs/testing/src/openapi/e2e-setup.ts'],
  testTimeout: 300000,
  maxWorkers: 1,
};
