export * from './token-verifier';
export * from './dev-token';
export * from './auth.guard';
