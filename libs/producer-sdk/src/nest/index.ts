export * from './command-context.decorator';
export * from './aggregate-store';
export * from './uuid-param.dto';
export * from './command-api.decorator';
