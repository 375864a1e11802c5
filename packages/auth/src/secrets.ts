import { hkdfSync } from 'node:crypto';
import { AuthConfigError } from './errors.ts';

/** A signing secret: text (UTF-8) or bytes, at least `MIN_SECRET_BYTES` long. */
export type Secret = string | Uint8Array;
export const MIN_SECRET_BYTES = 32;

/**
 * The development master secret for gateway-to-subgraph signatures, committed like the dev JWT
 * key and refused in production (`assertProductionSigningSecret`).
 */
export const DEV_SUBGRAPH_SIGNING_SECRET = 'dev-only-insecure-subgraph-signing-master-secret';

// Changing either value changes every derived secret: keep in sync across gateway and subgraphs.
const HKDF_SALT = 'saf/subgraph-signing/v1';
const HKDF_INFO_PREFIX = 'subgraph:';

export function secretBytes(secret: Secret, what = 'signing secret'): Buffer {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.length < MIN_SECRET_BYTES) throw new AuthConfigError(`${what} must be at least ${MIN_SECRET_BYTES} bytes`);
  return bytes;
}

/**
 * The secret one subgraph shares with the gateway: HKDF-SHA256 of the master secret with the
 * subgraph's name (e.g. `labour`) as info. Give each subgraph only its own derived secret, so one
 * compromised subgraph cannot sign requests to another.
 */
export function deriveSubgraphSecret(master: Secret, subgraph: string): Buffer {
  if (!subgraph) throw new AuthConfigError('deriveSubgraphSecret: a subgraph name is required');
  const key = secretBytes(master, 'master signing secret');
  return Buffer.from(hkdfSync('sha256', key, HKDF_SALT, `${HKDF_INFO_PREFIX}${subgraph}`, 32));
}

// keep in sync: signer and verifier derive the same key for one direction.
const DIRECTION_SALT = 'saf/request-signing/v2';

/**
 * The key of one direction between two services (`from` signs, `to` verifies): HKDF-SHA256 of
 * the secret they share with `<from>><to>` as info. The gateway and coordination share one
 * secret but sign gateway→coordination and coordination→gateway with different keys, so a
 * request signed one way cannot verify the other way even where a verifier has a bug; the MAC
 * names both parties too (signing.ts).
 */
export function directionKey(secret: Secret, from: string, to: string): Buffer {
  const key = secretBytes(secret);
  return Buffer.from(hkdfSync('sha256', key, DIRECTION_SALT, `${from}>${to}`, 32));
}

/** Refuses, when `nodeEnv` is `production`, the development master secret (as public as the repository). */
export function assertProductionSigningSecret(secret: Secret, nodeEnv: string | undefined): void {
  if (nodeEnv !== 'production') return;
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.equals(Buffer.from(DEV_SUBGRAPH_SIGNING_SECRET, 'utf8'))) {
    throw new AuthConfigError('NODE_ENV=production refuses the development subgraph signing secret: set SUBGRAPH_SIGNING_SECRET (or <SUBGRAPH>_SIGNING_SECRET)');
  }
  secretBytes(secret);
}
