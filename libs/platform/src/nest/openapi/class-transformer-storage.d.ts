// class-transformer ships the metadata storage (needed to follow `@Type(() => Nested)`) without a typed entry point.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
