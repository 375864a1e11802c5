import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { commonEnv, parseEnv } from '@saf/config';

/** What the comparison gateways read: the same variables as ours, their port and the fixed caller they sign with. */
export function benchGatewayEnv() {
  return parseEnv(
    commonEnv.extend({
      BENCH_PORT: z.coerce.number().int().min(1).max(65535),
      /** JSON of the caller every subgraph request is signed for (these gateways verify no token). */
      BENCH_CALLER: z.string(),
      SUPERGRAPH_PATH: z.string().default(fileURLToPath(new URL('../../gateway/supergraph.graphql', import.meta.url))),
    }),
  );
}
