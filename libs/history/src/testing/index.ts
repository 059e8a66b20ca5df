export * from './history-scenario';
export * from './history-test-utils';
