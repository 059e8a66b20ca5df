// A real OpenID Connect provider (the `oidc-provider` package, certified implementation) for the console's
// sign-in test: authorization code flow with PKCE for a public client, JWT access tokens for the gateway's
// audience carrying the `org` and `scope` claims the gateway checks. Its built-in development login and consent
// pages stand in for an organisation's IdP. Started by apps/console/e2e/oidc.e2e-spec.ts as its own process
// (the package is ESM-only).
//   node apps/console/e2e/oidc-provider.mjs   env: OIDC_PORT, OIDC_REDIRECT_URI, OIDC_ORG, OIDC_AUDIENCE
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT ?? 4661);
const issuer = `http://127.0.0.1:${port}`;
const audience = process.env.OIDC_AUDIENCE ?? 'urn:cep:gateway';
const org = process.env.OIDC_ORG;
const scopes = 'history:read activity:read reports:read events:read';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'console-test', alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'cep-console',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: [process.env.OIDC_REDIRECT_URI],
    },
  ],
  jwks: { keys: [jwk] },
  scopes: ['openid', ...scopes.split(' ')],
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        if (resource !== audience) throw new Error(`unknown resource ${resource}`);
        return { scope: scopes, audience, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
  // The tenant of every analyst of this IdP (a real deployment maps the account to its organisation).
  extraTokenClaims: () => ({ org }),
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
});
provider.proxy = false;
provider.listen(port, '127.0.0.1', () => console.log(`oidc provider ${issuer} ready`));
