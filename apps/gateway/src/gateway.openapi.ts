import type { OpenApiInfo } from '@cep/platform';

/** Title, description and scopes of the gateway's OpenAPI document (served at /openapi.json and /docs). */
export const GATEWAY_API_INFO: OpenApiInfo = {
  title: 'Credential event platform — read APIs (gateway)',
  description:
    'Read models over the credential events: daily credential reports, the verification and issuance event log ' +
    '(query and live stream), credential activity chains and stats, and entity history. Every request is scoped ' +
    'to the organisation of the bearer token. Errors are `{statusCode, code, message[, details]}`.',
  version: '1.0.0',
  scopes: {
    'reports:read': 'daily credential reports',
    'events:read': 'the event log query and stream',
    'activity:read': 'credential activity',
    'history:read': 'entity history',
  },
};
