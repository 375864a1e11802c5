import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { signToken, type Caller } from '@saf/auth';

/** The issuer the benchmark's tokens name. */
const BENCH_ISSUER = 'saf-bench';

export interface BenchKeys {
  /** What every process of the system is started with: the key tokens are checked with, and the subgraph signing secret. */
  env: { JWT_PUBLIC_KEY: string; JWT_ISSUER: string; SUBGRAPH_SIGNING_SECRET: string; AUDIT_CHAIN_KEY: string };
  /** A token for `caller` valid for `expiresIn` (e.g. `4h`). */
  sign(caller: Caller, expiresIn: string): Promise<string>;
}

/**
 * Keys made for one run, so the system runs as deployed (NODE_ENV=production refuses the
 * development key and secret): an Ed25519 key pair for the callers' tokens, as an identity
 * provider would sign them, a random master secret for the signed subgraph calls, and the access
 * log's chain key. Nothing is
 * written to disk; the keys end with the run.
 */
export function benchKeys(): BenchKeys {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    env: {
      JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      JWT_ISSUER: BENCH_ISSUER,
      SUBGRAPH_SIGNING_SECRET: randomBytes(32).toString('base64'),
      // The access log's chain key (production refuses the development one); only the audit
      // service uses it, though every process of the run is given the same environment.
      AUDIT_CHAIN_KEY: randomBytes(32).toString('base64'),
    },
    sign: (caller, expiresIn) => signToken(caller, { key: privateKey, algorithm: 'EdDSA', issuer: BENCH_ISSUER }, { expiresIn }),
  };
}
