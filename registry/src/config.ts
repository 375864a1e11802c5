import { z } from 'zod';
import { commonEnv, parseEnv } from '@saf/config';

/** The registry's variables (docs/operations.md, "How a department joins"). */
export const registryEnv = commonEnv.extend({
  /** Where it listens (REGISTRY_HOST, default SUBGRAPH_HOST; REGISTRY_PORT default SUBGRAPH_PORT_BASE + 20). */
  REGISTRY_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  REGISTRY_HOST: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
  /** Its own database, exactly (else `<DATABASE_URL's database>_registry`, else PGlite under DATA_DIR). */
  REGISTRY_DATABASE_URL: z.string().url().optional(),
  /** How far back the gateways' operation records count as use (days). */
  REGISTRY_USAGE_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
});

export function registryConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnv(registryEnv, env);
  return { ...parsed, port: parsed.REGISTRY_PORT ?? parsed.SUBGRAPH_PORT_BASE + 20, host: parsed.REGISTRY_HOST ?? parsed.SUBGRAPH_HOST };
}
