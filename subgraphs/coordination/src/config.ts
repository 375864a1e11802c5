import { z } from 'zod';
import { commonEnv, parseEnv } from '@saf/config';
import { MAX_SWEEP_BATCH } from '@saf/interchange';

/** The coordination office reads the departments through the gateway. */
export function coordinationConfig(env: NodeJS.ProcessEnv = process.env) {
  const common = parseEnv(commonEnv, env);
  const own = parseEnv(
    z.object({
      GATEWAY_URL: z.string().url().optional(),
      /**
       * Households per sweep page. 2000 (about 6,000 persons) keeps every id of a page in its
       * access-log entry (10,000 at most per entry).
       */
      SWEEP_PAGE_SIZE: z.coerce.number().int().min(1).max(MAX_SWEEP_BATCH).default(2000),
    }),
    env,
  );
  return { gatewayUrl: own.GATEWAY_URL ?? `http://127.0.0.1:${common.GATEWAY_PORT}/graphql`, sweepPageSize: own.SWEEP_PAGE_SIZE };
}
