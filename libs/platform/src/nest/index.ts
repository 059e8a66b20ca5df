export * from './tokens';
export * from './database.providers';
export * from './health.controller';
export * from './metrics.controller';
export * from './public.decorator';
export * from './validation';
export * from './http-metrics';
export * from './metrics-registry.provider';
