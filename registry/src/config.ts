import { z } from 'zod';
import { ConfigError, commonEnv, parseEnv } from '@saf/config';

/** The registry's variables (docs/operations.md, "How a department joins"). */
export const registryEnv = commonEnv.extend({
  /** Where it listens (REGISTRY_HOST, default SUBGRAPH_HOST; REGISTRY_PORT default SUBGRAPH_PORT_BASE + 20). */
  REGISTRY_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  REGISTRY_HOST: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
  /** Its own database, exactly (else `<DATABASE_URL's database>_registry`, else PGlite under DATA_DIR). */
  REGISTRY_DATABASE_URL: z.string().url().optional(),
  /** How far back the gateways' operation records count as use (days). */
  REGISTRY_USAGE_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Operation records last seen longer ago than this are deleted (days; default REGISTRY_USAGE_DAYS, never less). */
  REGISTRY_USAGE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).optional(),
  /** How often the registry prunes them (hours; 0: only `npm run registry:prune`). */
  REGISTRY_PRUNE_HOURS: z.coerce.number().min(0).max(24 * 30).default(6),
});

export function registryConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnv(registryEnv, env);
  if (parsed.REGISTRY_USAGE_RETENTION_DAYS !== undefined && parsed.REGISTRY_USAGE_RETENTION_DAYS < parsed.REGISTRY_USAGE_DAYS) {
    throw new ConfigError('invalid configuration:\n  REGISTRY_USAGE_RETENTION_DAYS: must be at least REGISTRY_USAGE_DAYS (the records inside the usage window are what the breaking-change check reads)');
  }
  return { ...parsed, port: parsed.REGISTRY_PORT ?? parsed.SUBGRAPH_PORT_BASE + 20, host: parsed.REGISTRY_HOST ?? parsed.SUBGRAPH_HOST, retentionDays: parsed.REGISTRY_USAGE_RETENTION_DAYS ?? parsed.REGISTRY_USAGE_DAYS };
}
