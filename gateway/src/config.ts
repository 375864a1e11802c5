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
  /** Operation limits (gateway/src/limits.ts). */
  MAX_DEPTH: z.coerce.number().int().min(2).max(100).default(12),
  MAX_ALIASES: z.coerce.number().int().min(0).max(1000).default(30),
  MAX_ROOT_FIELDS: z.coerce.number().int().min(1).max(100).default(10),
  MAX_COST: z.coerce.number().int().min(10).max(10_000_000).default(20_000),
});

export type GatewayConfig = z.infer<typeof gatewayEnv> & { env: NodeJS.ProcessEnv };

export function gatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return { ...parseEnv(gatewayEnv, env), env };
}
