// Fault-injection suite (`*.faults-spec.ts`): projector processes against the real broker and database while
// processes, PostgreSQL and the broker are killed, restarted, locked and flooded. FAULTS_PROFILE=ci (reduced,
// run by tools/ci/test.sh) or full (`npm run test:faults`: >= 100,000 events per fault, three injections each).
module.exports = {
  ...require('./jest.preset'),
  displayName: 'faults',
  testMatch: ['<rootDir>/tools/faults/**/*.faults-spec.ts'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  testTimeout: 3600000,
  maxWorkers: 1,
};
