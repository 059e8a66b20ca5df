export * from './safe-exception.filter';
export * from './token-throttler.guard';
export * from './http-hardening';
