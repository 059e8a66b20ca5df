export * from './read-model-adapter';
export * from './workload';
export * from './projector-supervisor';
export * from './fault-suite';
export * from './recovery';
