/** Injection tokens shared by the apps. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
export const KAFKA = Symbol('KAFKA');
