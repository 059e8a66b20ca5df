export * from './error-response.dto';
export * from './api-errors.decorator';
export * from './openapi.setup';
export * from './validation-schemas';
