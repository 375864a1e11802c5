import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SERVICES, WITNESSES, envPrefix } from './services.ts';

/**
 * Parses `env` with `schema` and reports every problem at once. This module and the service
 * `config.ts` files built on it are the only places that read `process.env`. Variables given as
 * files (`X_FILE`) are read first (`applyFileVariables`).
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  applyFileVariables(env, schema instanceof z.ZodObject ? Object.keys(schema.shape) : []);
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const FILE_SUFFIX = '_FILE';

/**
 * Whose `X_FILE` variables are read: this project's (the shared and per-service prefixes), never
 * other programs'. Deliberate: machines carry `SSL_CERT_FILE` (a 200 KB bundle: as an environment
 * string it makes every child process fail with E2BIG) and `TF_CLI_CONFIG_FILE` pointing at
 * missing files, which must not stop a service.
 */
function ownPrefixes(): string[] {
  return ['DATABASE_', 'DATA_', 'JWT_', 'SUBGRAPH_', 'GATEWAY_', 'SUPERGRAPH_', 'REGISTRY_', ...SERVICES.map((s) => `${envPrefix(s.name)}_`)];
}

/**
 * Secrets from files (Docker and Kubernetes secrets): for every `X_FILE` set while `X` is unset or
 * empty, sets `X` to the file's content, trimmed; `X` given directly wins. `X` is one of `names`
 * (the variables a schema declares) or starts with one of this project's prefixes. Fills `env` in
 * place (deliberately: code that reads the same object later, such as the per-subgraph signing
 * secrets `<SUBGRAPH>_SIGNING_SECRET`, sees the values too) and returns the names it filled. An
 * unreadable or empty file is a configuration error naming the variable; all are reported together.
 */
export function applyFileVariables(env: NodeJS.ProcessEnv, names: Iterable<string> = []): string[] {
  const declared = new Set(names);
  const prefixes = ownPrefixes();
  const filled: string[] = [];
  const problems: string[] = [];
  for (const [key, file] of Object.entries(env)) {
    if (!key.endsWith(FILE_SUFFIX) || !file) continue;
    const name = key.slice(0, -FILE_SUFFIX.length);
    // A department from outside (schema registry) has no prefix here: its secrets are ours by their suffix.
    const ours = declared.has(name) || prefixes.some((p) => name.startsWith(p)) || /_(SIGNING|REGISTRY)_SECRET$/.test(name);
    if (!ours) continue;
    if (env[name]) continue;
    let value: string;
    try {
      value = readFileSync(file, 'utf8').trim();
    } catch (err) {
      problems.push(`  ${key}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      continue;
    }
    if (value === '') {
      problems.push(`  ${key}: ${file} is empty`);
      continue;
    }
    env[name] = value;
    filled.push(name);
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  return filled;
}

const port = z.coerce.number().int().min(0).max(65535);

/** Variables every service and script shares (see `.env.example`). */
export const commonEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** A PostgreSQL server; when unset, each service keeps an embedded PGlite database under DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** Most connections each service opens to its database (and to a read replica); unset: 5. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).optional(),
  DATA_DIR: z.string().default('.data'),
  GATEWAY_PORT: port.default(4000),
  SUBGRAPH_PORT_BASE: port.default(4000),
  /** Interface the subgraphs listen on: loopback unless a deployment says otherwise. */
  SUBGRAPH_HOST: z.string().default('127.0.0.1'),
  /** Interface the gateway listens on; unset: `defaultGatewayHost(NODE_ENV)`. */
  GATEWAY_HOST: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
  /** `/metrics` needs `Authorization: Bearer <METRICS_TOKEN>` when set; unset, it answers loopback callers only. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** On SIGTERM, how long in-flight requests may take to finish before the process gives up on them. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),
  /** Departments: how long a load prepared while civil affairs commits is held for its commit before it rolls back (0: never prepare). */
  INGEST_HOLD_MS: z.coerce.number().int().min(0).max(3_600_000).default(120_000),
  /** Once no request has been in flight this long, collect the garbage a burst left (0: never). */
  IDLE_COLLECT_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
});
export type CommonEnv = z.infer<typeof commonEnv>;

/**
 * Which services witness the access log (the gateway hands them its head; audit:verify checks the
 * log against what they hold): comma-separated subgraph names, default every department.
 */
export const auditWitnessesEnv = z.object({
  AUDIT_WITNESSES: z
    .preprocess((v) => (v === '' ? undefined : v), z.string().optional())
    .transform((v, ctx) => {
      if (v === undefined) return [...WITNESSES];
      const names = [...new Set(v.split(',').map((n) => n.trim()).filter(Boolean))];
      const unknown = names.filter((n) => !WITNESSES.includes(n));
      if (names.length === 0 || unknown.length > 0) {
        ctx.addIssue({ code: 'custom', message: `${unknown.join(', ') || '(none)'}: witnesses are departments' services, some of ${WITNESSES.join(', ')}` });
        return z.NEVER;
      }
      return names;
    }),
});

/**
 * Where the gateway listens unless GATEWAY_HOST says: every interface in production (behind a load
 * balancer, or in a container whose port is published), loopback otherwise, since outside
 * production it mints tokens for anyone who asks (`POST /dev/token`) and accepts the development key.
 */
export function defaultGatewayHost(nodeEnv: CommonEnv['NODE_ENV']): string {
  return nodeEnv === 'production' ? '0.0.0.0' : '127.0.0.1';
}
