import { z } from 'zod';
import { envPrefix } from '@saf/config';
import { DEV_AUDIENCE } from './devKey.ts';
import { AuthConfigError } from './errors.ts';
import { ASYMMETRIC_ALGORITHMS, type AsymmetricAlgorithm, type KeyConfig } from './keys.ts';
import { assertProductionKeyConfig } from './production.ts';
import { DEV_SUBGRAPH_SIGNING_SECRET, assertProductionSigningSecret, deriveSubgraphSecret, secretBytes } from './secrets.ts';
import { devVerifierConfig, type VerifierConfig } from './verifier.ts';

// `VAR=` in an env file means unset, not an empty key.
const optional = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

/**
 * The variables of this package, to merge into a service's config schema
 * (`commonEnv.extend(authEnv.shape)`). Per-subgraph secrets `<SUBGRAPH>_SIGNING_SECRET`
 * (e.g. `LABOUR_SIGNING_SECRET`) are read by `subgraphSigningSecret`.
 */
export const authEnv = z.object({
  /** PEM public key (SPKI or certificate) the tokens are verified with; `\n` escapes allowed. */
  JWT_PUBLIC_KEY: optional,
  /** Or: a JSON Web Key Set URL (https). */
  JWT_JWKS_URL: optional,
  /** Comma-separated allow-list (RS256, ES256, EdDSA); default: the key's own, or all three for JWKS. */
  JWT_ALGORITHMS: optional,
  /** Expected `iss`; required with a real key. */
  JWT_ISSUER: optional,
  JWT_AUDIENCE: z.preprocess((v) => (v === '' ? undefined : v), z.string().default(DEV_AUDIENCE)),
  JWT_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** Master secret the gateway derives each subgraph's signing secret from (HKDF). */
  SUBGRAPH_SIGNING_SECRET: optional,
});
export type AuthEnv = z.infer<typeof authEnv>;

/**
 * The verifier configuration the environment names: a PEM key, a JWKS URL, or (neither set) the
 * development key, which NODE_ENV=production refuses.
 */
export function verifierConfigFromEnv(env: AuthEnv, nodeEnv: string | undefined): VerifierConfig {
  const algorithms = parseAlgorithms(env.JWT_ALGORITHMS);
  let key: KeyConfig;
  if (env.JWT_PUBLIC_KEY !== undefined && env.JWT_JWKS_URL !== undefined) {
    throw new AuthConfigError('set either JWT_PUBLIC_KEY or JWT_JWKS_URL, not both');
  } else if (env.JWT_PUBLIC_KEY !== undefined) {
    if (algorithms && algorithms.length !== 1) throw new AuthConfigError('JWT_ALGORITHMS: a public key has exactly one algorithm');
    key = { kind: 'pem', publicKey: env.JWT_PUBLIC_KEY.replaceAll('\\n', '\n'), ...(algorithms ? { algorithm: algorithms[0] } : {}) };
  } else if (env.JWT_JWKS_URL !== undefined) {
    key = { kind: 'jwks', url: env.JWT_JWKS_URL, ...(algorithms ? { algorithms } : {}) };
  } else {
    if (env.JWT_ISSUER !== undefined || algorithms) {
      throw new AuthConfigError('JWT_ISSUER / JWT_ALGORITHMS are set but no key: set JWT_PUBLIC_KEY or JWT_JWKS_URL');
    }
    const config = { ...devVerifierConfig(), clockToleranceSeconds: env.JWT_CLOCK_TOLERANCE_SECONDS };
    assertProductionKeyConfig(config, nodeEnv);
    return config;
  }
  if (env.JWT_ISSUER === undefined) throw new AuthConfigError('JWT_ISSUER is required with JWT_PUBLIC_KEY or JWT_JWKS_URL');
  const config: VerifierConfig = { key, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE, clockToleranceSeconds: env.JWT_CLOCK_TOLERANCE_SECONDS };
  assertProductionKeyConfig(config, nodeEnv);
  return config;
}

function parseAlgorithms(text: string | undefined): AsymmetricAlgorithm[] | undefined {
  if (text === undefined) return undefined;
  const list = text.split(',').map((a) => a.trim()).filter(Boolean);
  const allowed: readonly string[] = ASYMMETRIC_ALGORITHMS;
  const bad = list.filter((a) => !allowed.includes(a));
  if (list.length === 0 || bad.length > 0) {
    throw new AuthConfigError(`JWT_ALGORITHMS: ${bad.join(', ') || '(empty)'} not allowed; use ${ASYMMETRIC_ALGORITHMS.join(', ')}`);
  }
  return list as AsymmetricAlgorithm[];
}

/**
 * The secret the gateway and the subgraph `name` share: `<SUBGRAPH>_SIGNING_SECRET` when set
 * (e.g. `CIVIL_AFFAIRS_SIGNING_SECRET`), else derived from `SUBGRAPH_SIGNING_SECRET`, else (not in
 * production) derived from the development master secret. The gateway calls it for every
 * subgraph; a subgraph only for itself, and in production should be given only its own secret.
 */
export function subgraphSigningSecret(name: string, env: Readonly<Record<string, string | undefined>>, nodeEnv: string | undefined): Buffer {
  const explicitVar = `${envPrefix(name)}_SIGNING_SECRET`;
  const explicit = env[explicitVar] || undefined;
  if (explicit !== undefined) {
    assertProductionSigningSecret(explicit, nodeEnv);
    return secretBytes(explicit, explicitVar);
  }
  const master = env.SUBGRAPH_SIGNING_SECRET || undefined;
  if (master === undefined && nodeEnv === 'production') {
    throw new AuthConfigError(`NODE_ENV=production needs SUBGRAPH_SIGNING_SECRET or ${explicitVar} (at least 32 bytes)`);
  }
  const secret = master ?? DEV_SUBGRAPH_SIGNING_SECRET;
  assertProductionSigningSecret(secret, nodeEnv);
  return deriveSubgraphSecret(secret, name);
}
