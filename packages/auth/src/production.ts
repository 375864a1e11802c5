import { DEV_ISSUER } from './devKey.ts';
import { AuthConfigError } from './errors.ts';
import type { VerifierConfig } from './verifier.ts';

/**
 * Refuses, when `nodeEnv` is `production`, every verifier configuration that would accept a token
 * signed with the committed development key: the dev key itself, or the dev issuer (which is what
 * `npm run token` stamps). Outside production it does nothing. Call it where the config is built;
 * `verifierConfigFromEnv` does.
 */
export function assertProductionKeyConfig(config: VerifierConfig, nodeEnv: string | undefined): void {
  if (nodeEnv !== 'production') return;
  if (config.key.kind === 'dev') {
    throw new AuthConfigError(
      'NODE_ENV=production refuses the development JWT key (it is committed to the repository, so anyone could mint tokens): ' +
        'set JWT_PUBLIC_KEY (PEM) or JWT_JWKS_URL, and JWT_ISSUER',
    );
  }
  if (config.issuer === DEV_ISSUER) {
    throw new AuthConfigError(`NODE_ENV=production refuses the development issuer ${DEV_ISSUER}: set JWT_ISSUER to the real issuer`);
  }
}
