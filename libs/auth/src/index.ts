export * from './token-verifier';
export * from './dev-token';
export * from './tenant';
export * from './auth.guard';
export * from './http';
export * from './token-verifier.provider';
