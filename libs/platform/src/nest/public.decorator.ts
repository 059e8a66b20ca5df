import { SetMetadata } from '@nestjs/common';

export const PUBLIC_KEY = 'cep:public';
/** Marks an endpoint that needs no bearer token (health, metrics). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
