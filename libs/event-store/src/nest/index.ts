export * from './producer.config';
export * from './producer-core.module';
export * from './domain-error.filter';
export * from './bootstrap-producer';
