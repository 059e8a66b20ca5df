export * from './projection.transport';
export * from './projector.config';
export * from './projector.module';
export * from './bootstrap-projector';
