// Jest `setupFilesAfterEnv` of the e2e tier: every response of every e2e spec is validated against the OpenAPI
// document its app serves (see checked-fetch.ts).
import { installOpenApiContractCheck } from './checked-fetch';

installOpenApiContractCheck();
