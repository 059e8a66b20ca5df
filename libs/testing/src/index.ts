export * from './infra';
export * from './expect-eventually';
export * from './test-context';
export * from './app-process';
export * from './event-fixtures';
export * from './openapi';
export * from './event-samples';
export * from './checkpoints';
