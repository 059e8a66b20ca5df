// Tier 2: integration tests (`*.int-spec.ts`) against the real Kafka broker and PostgreSQL.
// globalSetup starts the broker if none answers and creates a fresh database for the run.
module.exports = {
  ...require('./jest.preset'),
  displayName: 'integration',
  testMatch: ['<rootDir>/{apps,libs,tools,bench}/**/*.int-spec.ts'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  testTimeout: 180000,
  maxWorkers: 1,
};
