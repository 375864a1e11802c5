import { z } from 'zod';

/**
 * Parses `env` with `schema` and reports every problem at once. This module and the service
 * `config.ts` files built on it are the only places that read `process.env`.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const port = z.coerce.number().int().min(0).max(65535);

/** Variables every service and script shares (see `.env.example`). */
export const commonEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** A PostgreSQL server; when unset, each service keeps an embedded PGlite database under DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('.data'),
  GATEWAY_PORT: port.default(4000),
  SUBGRAPH_PORT_BASE: port.default(4000),
  /** Interface the subgraphs listen on: loopback unless a deployment says otherwise. */
  SUBGRAPH_HOST: z.string().default('127.0.0.1'),
  GATEWAY_HOST: z.string().default('0.0.0.0'),
});
export type CommonEnv = z.infer<typeof commonEnv>;
