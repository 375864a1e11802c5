import { z } from 'zod';
import { commonEnv, parseEnv } from '@saf/config';

/** The coordination office reads the departments through the gateway. */
export function coordinationConfig(env: NodeJS.ProcessEnv = process.env) {
  const common = parseEnv(commonEnv, env);
  const own = parseEnv(z.object({ GATEWAY_URL: z.string().url().optional(), SWEEP_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(200) }), env);
  return { gatewayUrl: own.GATEWAY_URL ?? `http://127.0.0.1:${common.GATEWAY_PORT}/graphql`, sweepPageSize: own.SWEEP_PAGE_SIZE };
}
