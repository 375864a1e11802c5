import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { AuthConfigError } from './errors.ts';

/**
 * The algorithms a real key may use. Deliberately asymmetric only: whoever can verify an HS256
 * token can also mint one, so a shared secret would turn every verifier into an issuer.
 */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

/** Where the verifier's key comes from. */
export type KeyConfig =
  /** The committed development key (HS256); refused in production. */
  | { kind: 'dev' }
  /** A PEM public key (SPKI or certificate); the algorithm follows from the key type unless given. */
  | { kind: 'pem'; publicKey: string; algorithm?: AsymmetricAlgorithm }
  /** A JSON Web Key Set, fetched and cached (jose `createRemoteJWKSet`); https unless loopback. */
  | { kind: 'jwks'; url: string; algorithms?: readonly AsymmetricAlgorithm[]; timeoutMs?: number };

export interface ResolvedKey {
  key: KeyObject | Uint8Array | JWTVerifyGetKey;
  algorithms: string[];
}

/** Imports a PEM public key and checks that it is one we accept for `algorithm`. */
export function importPublicKey(pem: string, algorithm?: AsymmetricAlgorithm): { key: KeyObject; algorithm: AsymmetricAlgorithm } {
  if (/PRIVATE KEY/.test(pem)) throw new AuthConfigError('JWT public key: a private key was given; configure only the public key');
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new AuthConfigError(`JWT public key: not a PEM public key (${(err as Error).message})`);
  }
  const inferred = algorithmOf(key);
  if (algorithm !== undefined && algorithm !== inferred) {
    throw new AuthConfigError(`JWT public key: a ${describe(key)} key is used with ${inferred}, not ${algorithm}`);
  }
  return { key, algorithm: inferred };
}

function algorithmOf(key: KeyObject): AsymmetricAlgorithm {
  const details = key.asymmetricKeyDetails;
  switch (key.asymmetricKeyType) {
    case 'rsa':
      if ((details?.modulusLength ?? 0) < 2048) throw new AuthConfigError('JWT public key: RSA keys must have at least 2048 bits');
      return 'RS256';
    case 'ec':
      if (details?.namedCurve === 'prime256v1') return 'ES256';
      break;
    case 'ed25519':
      return 'EdDSA';
  }
  throw new AuthConfigError(`JWT public key: unsupported key type ${describe(key)}; use RSA (RS256), P-256 (ES256) or Ed25519 (EdDSA)`);
}

function describe(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return `${key.asymmetricKeyType ?? 'unknown'}${curve ? ` ${curve}` : ''}`;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A remote key set; plain http only on loopback, where nobody can swap the keys in transit. */
export function remoteKeySet(url: string, timeoutMs = 5000): JWTVerifyGetKey {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AuthConfigError(`JWKS URL: not a URL: ${url}`);
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname))) {
    throw new AuthConfigError(`JWKS URL: must be https (plain http only on loopback): ${url}`);
  }
  return createRemoteJWKSet(parsed, { timeoutDuration: timeoutMs });
}
