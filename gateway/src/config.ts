import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { authEnv } from '@saf/auth';
import { commonEnv, parseEnv } from '@saf/config';

const DEFAULT_SUPERGRAPH = fileURLToPath(new URL('../supergraph.graphql', import.meta.url));

export const gatewayEnv = commonEnv.extend(authEnv.shape).extend({
  /** Any composed Federation 2 supergraph; reloaded when the file changes. */
  SUPERGRAPH_PATH: z.string().default(DEFAULT_SUPERGRAPH),
  /** Per-subgraph request timeout. */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});

export type GatewayConfig = z.infer<typeof gatewayEnv> & { env: NodeJS.ProcessEnv };

export function gatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return { ...parseEnv(gatewayEnv, env), env };
}
