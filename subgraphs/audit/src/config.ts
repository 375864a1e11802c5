import { z } from 'zod';
import { chainKeyring, type ChainKeyring } from '@saf/auth';
import { commonEnv, parseEnv } from '@saf/config';

// `VAR=` in an env file means unset, not an empty key.
const optional = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

/** The audit subgraph's own variables (the shared ones are read by `serveSubgraph`). */
export function auditConfig(env: NodeJS.ProcessEnv = process.env): { verifyPageSize: number; chainKeys: ChainKeyring } {
  const own = parseEnv(
    z.object({
      NODE_ENV: commonEnv.shape.NODE_ENV,
      /** Entries read per page when verifying the chain: memory stays flat however long the log. */
      AUDIT_VERIFY_PAGE_SIZE: z.coerce.number().int().min(10).max(100_000).default(5000),
      /**
       * The key the access log's chain is made with (HMAC-SHA256), at least 32 bytes: this service
       * alone holds it, never its database nor the gateway. Also `AUDIT_CHAIN_KEY_FILE`. Unset
       * outside production: the development key; production refuses both.
       */
      AUDIT_CHAIN_KEY: optional,
      /** Keys retired by rotations, oldest first (commas or spaces between them): entries made with them still verify. */
      AUDIT_CHAIN_PREVIOUS_KEYS: optional,
    }),
    env,
  );
  return {
    verifyPageSize: own.AUDIT_VERIFY_PAGE_SIZE,
    // In production a missing or development key stops the service here.
    chainKeys: chainKeyring({ current: own.AUDIT_CHAIN_KEY, previous: own.AUDIT_CHAIN_PREVIOUS_KEYS }, own.NODE_ENV),
  };
}
