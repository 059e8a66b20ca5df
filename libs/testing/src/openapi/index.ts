export * from './openapi-contract';
export * from './checked-fetch';
export * from './gateway-client';
