export type { SessionInfo } from '@cep/producer-sdk';
