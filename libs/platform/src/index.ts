export * from './clock';
export * from './config';
export * from './platform.config';
export * from './database';
export * from './logger';
export * from './backoff';
export * from './failpoint';
export * from './nest';
