import { z } from 'zod';
import { parseEnv } from '@saf/config';

/** The audit subgraph's own variables (the shared ones are read by `serveSubgraph`). */
export function auditConfig(env: NodeJS.ProcessEnv = process.env) {
  const own = parseEnv(
    z.object({
      /** Entries read per page when verifying the chain: memory stays flat however long the log. */
      AUDIT_VERIFY_PAGE_SIZE: z.coerce.number().int().min(10).max(100_000).default(5000),
    }),
    env,
  );
  return { verifyPageSize: own.AUDIT_VERIFY_PAGE_SIZE };
}
