import type { Provider } from '@nestjs/common';
import { APP_CONFIG, type PlatformConfig } from '@cep/platform';
import { TokenVerifier } from './token-verifier';

/** The bearer-token verifier configured from the app's validated settings (AUTH_*). */
export const tokenVerifierProvider: Provider = {
  provide: TokenVerifier,
  inject: [APP_CONFIG],
  useFactory: (cfg: PlatformConfig) =>
    new TokenVerifier({ jwtSecret: cfg.AUTH_JWT_SECRET, jwksUrl: cfg.AUTH_JWKS_URL, issuer: cfg.AUTH_ISSUER, audience: cfg.AUTH_AUDIENCE }),
};
