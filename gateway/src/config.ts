import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ROLES, authEnv, type Role } from '@saf/auth';
import { ConfigError, MAX_BATCH, SERVICES, auditWitnessesEnv, commonEnv, defaultGatewayHost, envPrefix, parseEnv } from '@saf/config';
import type { RoleLimit } from './callerLimits.ts';
import type { SubgraphPolicy } from './subgraphClient.ts';

const DEFAULT_SUPERGRAPH = fileURLToPath(new URL('../supergraph.graphql', import.meta.url));
const DEFAULT_TRUSTED_OPERATIONS = fileURLToPath(new URL('../trusted-operations.json', import.meta.url));

const timeoutMs = z.coerce.number().int().min(100).max(120_000);

/** Per-caller limits by role when CALLER_LIMITS does not say otherwise (docs/operations.md, "Limits per caller"). */
export const DEFAULT_CALLER_LIMITS: Record<Role, RoleLimit> = {
  CASEWORKER: { ratePerSecond: 10, burst: 60, concurrent: 6 },
  DEPARTMENT_OFFICER: { ratePerSecond: 10, burst: 60, concurrent: 6 },
  COORDINATOR: { ratePerSecond: 20, burst: 100, concurrent: 8 },
  ANALYST: { ratePerSecond: 2, burst: 20, concurrent: 2 },
  AUDITOR: { ratePerSecond: 5, burst: 30, concurrent: 4 },
};
/** All analysts (auditors) together: their figures and log reads must not crowd out casework. */
export const DEFAULT_ROLE_CONCURRENCY: Partial<Record<Role, number>> = { ANALYST: 4, AUDITOR: 4 };

/**
 * `ROLE=VALUE` pairs separated by commas or spaces, over `defaults`: `off` alone clears them all,
 * `ROLE=off` one role. Every mistake is reported together.
 */
function rolePairs<T>(defaults: Partial<Record<Role, T>>, parseValue: (value: string) => T | string) {
  return z
    .string()
    .optional()
    .transform((text, ctx): Partial<Record<Role, T>> => {
      const out: Partial<Record<Role, T>> = { ...defaults };
      const trimmed = (text ?? '').trim();
      if (trimmed === '') return out;
      if (trimmed === 'off') return {};
      for (const pair of trimmed.split(/[\s,]+/)) {
        const [role, value, ...rest] = pair.split('=');
        if (!role || value === undefined || rest.length) {
          ctx.addIssue({ code: 'custom', message: `"${pair}" is not ROLE=VALUE` });
          continue;
        }
        if (!(ROLES as readonly string[]).includes(role)) {
          ctx.addIssue({ code: 'custom', message: `unknown role ${role} (one of ${ROLES.join(' ')})` });
          continue;
        }
        if (value === 'off') {
          delete out[role as Role];
          continue;
        }
        const parsed = parseValue(value);
        if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: `${role}: ${parsed}` });
        else out[role as Role] = parsed;
      }
      return out;
    });
}

const positiveInt = (text: string | undefined, max: number): number | null => {
  if (!text || !/^\d+$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= max ? n : null;
};

/** `rate/burst/concurrent`, e.g. `10/60/6`. */
function roleLimit(value: string): RoleLimit | string {
  const [rate, burst, concurrent, ...rest] = value.split('/');
  const r = rate !== undefined && /^\d+(\.\d+)?$/.test(rate) ? Number(rate) : NaN;
  const b = positiveInt(burst, 100_000);
  const c = positiveInt(concurrent, 10_000);
  if (rest.length || !(r > 0 && r <= 100_000) || b === null || c === null) return `"${value}" is not rate/burst/concurrent with positive numbers (e.g. 10/60/6)`;
  if (b < 1) return 'the burst must be at least 1';
  return { ratePerSecond: r, burst: b, concurrent: c };
}

function roleCeiling(value: string): number | string {
  return positiveInt(value, 100_000) ?? `"${value}" is not a whole number from 1`;
}

export const gatewayEnv = commonEnv.extend(authEnv.shape).extend(auditWitnessesEnv.shape).extend({
  /** Any composed Federation 2 supergraph; reloaded when the file changes. */
  SUPERGRAPH_PATH: z.string().default(DEFAULT_SUPERGRAPH),
  /**
   * The schema registry (registry/) the supergraph is pulled from, e.g. `http://registry:4020`;
   * unset: the file alone. With it, SUPERGRAPH_PATH is where the gateway starts from when the
   * registry cannot answer at start. The gateway signs with its registry credential
   * (`GATEWAY_REGISTRY_SECRET`, or derived from `REGISTRY_SECRET`).
   */
  REGISTRY_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
  /** How often the gateway asks the registry for a newer supergraph. */
  REGISTRY_POLL_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  /** How often the gateway reports the operations clients ran to the registry (its breaking-change checks count them). */
  REGISTRY_USAGE_REPORT_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** Per-subgraph request deadline, retries included; `<SUBGRAPH>_TIMEOUT_MS` overrides it for one subgraph. */
  SUBGRAPH_TIMEOUT_MS: timeoutMs.default(10_000),
  /** Retries of a query fetch after a dropped connection or 502/503/504 (never mutations). */
  SUBGRAPH_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  /** Retries may add at most this share of a subgraph's requests over a 10 s window. */
  SUBGRAPH_RETRY_BUDGET: z.coerce.number().min(0).max(1).default(0.1),
  /** Circuit breaker: consecutive failures, or failure rate over 10 s (20 requests at least), that open it. */
  SUBGRAPH_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  SUBGRAPH_BREAKER_FAILURE_RATE: z.coerce.number().gt(0).max(1).default(0.5),
  /** How long an open circuit fails fast before one probe request. */
  SUBGRAPH_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(10).max(600_000).default(5_000),
  /** Keep-alive connections to each subgraph, at most (requests beyond wait for one). */
  SUBGRAPH_MAX_SOCKETS: z.coerce.number().int().min(1).max(10_000).default(64),
  /** A client request's fetches to one subgraph that are ready at once go as one HTTP request of up to this many operations (1: each alone). */
  SUBGRAPH_BATCH_MAX: z.coerce.number().int().min(1).max(MAX_BATCH).default(8),
  /** Client operations executing at once, at most (0: no limit); the rest wait in arrival order (gateway/src/admission.ts). */
  GATEWAY_MAX_IN_FLIGHT: z.coerce.number().int().min(0).max(100_000).default(0),
  /** Operations waiting for their turn, at most; beyond, 503 at once. */
  GATEWAY_MAX_QUEUED: z.coerce.number().int().min(0).max(1_000_000).default(1_000),
  /** How long an operation may wait for its turn before 503. */
  GATEWAY_MAX_WAIT_MS: z.coerce.number().int().min(1).max(600_000).default(10_000),
  /**
   * Limits per caller (gateway/src/callerLimits.ts): `ROLE=rate/burst/concurrent` pairs over the
   * defaults (DEFAULT_CALLER_LIMITS), `ROLE=off`, or `off` for none.
   */
  CALLER_LIMITS: rolePairs(DEFAULT_CALLER_LIMITS, roleLimit),
  /** Operations of all callers of a role at once: `ROLE=N` pairs over DEFAULT_ROLE_CONCURRENCY, `ROLE=off`, or `off`. */
  ROLE_MAX_CONCURRENT: rolePairs(DEFAULT_ROLE_CONCURRENCY, roleCeiling),
  /** How long an operation may wait for its caller's turn before 429. */
  CALLER_MAX_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  /** A caller's operations waiting at once, at most; beyond, 429 at once. */
  CALLER_MAX_QUEUED: z.coerce.number().int().min(0).max(10_000).default(20),
  /**
   * How often at most the access log's latest head goes to the witnesses (AUDIT_WITNESSES), in ms;
   * 0: after every write. Entries written since the last one witnessed are what a rewrite of the
   * audit database could still hide.
   */
  AUDIT_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  /**
   * How long the sharing agreements in force (SPEC section 12) are used before they are read again
   * from the coordination office, in ms, while its change stream is down. With the stream up, every
   * change reaches every gateway process before the mutation that made it answers.
   */
  SHARING_AGREEMENTS_TTL_MS: z.coerce.number().int().min(100).max(600_000).default(2_000),
  /**
   * Enforcement of the sharing agreements at the gateway (SPEC section 12). `off` is for measuring
   * what it costs (`npm run bench` runs a second gateway so, side by side): the departments' own
   * checks still apply, but the agreements do not. Logged as a warning at start.
   */
  SHARING_ENFORCEMENT: z.enum(['on', 'off']).default('on'),
  /**
   * Trusted operations: callers run only registered documents (the console's, in
   * TRUSTED_OPERATIONS_PATH, and those registered against a sharing agreement) unless an agreement
   * lets their office send ad-hoc queries. Default: on in production, off otherwise.
   */
  TRUSTED_OPERATIONS: z.enum(['on', 'off']).optional(),
  TRUSTED_OPERATIONS_PATH: z.string().default(DEFAULT_TRUSTED_OPERATIONS),
  /** How often the counted use of the agreements goes to the coordination office, in ms. */
  SHARING_USAGE_FLUSH_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  /**
   * The alert on use (saf_sharing_read_spikes_total): a caller's field reads under agreements in
   * one window of SHARING_SPIKE_WINDOW_MS over SHARING_SPIKE_FACTOR times their own moving average
   * (and at least SHARING_SPIKE_FLOOR), once six windows are behind them.
   */
  SHARING_SPIKE_WINDOW_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(300_000),
  SHARING_SPIKE_FACTOR: z.coerce.number().min(1).max(1_000).default(10),
  SHARING_SPIKE_FLOOR: z.coerce.number().int().min(1).max(10_000_000).default(200),
  /** Operation limits (gateway/src/limits.ts). */
  MAX_DEPTH: z.coerce.number().int().min(2).max(100).default(12),
  MAX_ALIASES: z.coerce.number().int().min(0).max(1000).default(30),
  MAX_ROOT_FIELDS: z.coerce.number().int().min(1).max(100).default(10),
  MAX_COST: z.coerce.number().int().min(10).max(10_000_000).default(20_000),
  /**
   * Gateway processes serving the port (node:cluster): 1 is this process alone; `auto` is one per
   * core. Each worker holds its own plan cache, keep-alive connections and breakers; a worker that
   * dies is replaced. On a host the subgraphs share, more workers than spare cores only queue.
   */
  GATEWAY_WORKERS: z
    .union([z.literal('auto'), z.coerce.number().int().min(1).max(64)], { error: 'must be a whole number from 1 to 64, or auto' })
    .default(1)
    .transform((w) => (w === 'auto' ? availableParallelism() : w)),
});

export type GatewayConfig = z.infer<typeof gatewayEnv> & { GATEWAY_HOST: string; env: NodeJS.ProcessEnv };

export function gatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const parsed = parseEnv(gatewayEnv, env);
  const config = { ...parsed, GATEWAY_HOST: parsed.GATEWAY_HOST ?? defaultGatewayHost(parsed.NODE_ENV), env };
  // Our own subgraphs' overrides are checked at start; another supergraph's when it is loaded.
  for (const s of SERVICES) subgraphPolicy(config, s.name);
  return config;
}

/** How the gateway talks to one subgraph: the shared settings and its own `<SUBGRAPH>_TIMEOUT_MS`. */
export function subgraphPolicy(config: GatewayConfig, name: string): SubgraphPolicy {
  const key = `${envPrefix(name)}_TIMEOUT_MS`;
  const own = config.env[key];
  const parsed = own === undefined || own === '' ? undefined : timeoutMs.safeParse(own);
  if (parsed && !parsed.success) throw new ConfigError(`invalid configuration:\n  ${key}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return {
    timeoutMs: parsed?.data ?? config.SUBGRAPH_TIMEOUT_MS,
    retries: config.SUBGRAPH_RETRIES,
    retryBudget: config.SUBGRAPH_RETRY_BUDGET,
    breakerFailures: config.SUBGRAPH_BREAKER_FAILURES,
    breakerFailureRate: config.SUBGRAPH_BREAKER_FAILURE_RATE,
    breakerCooldownMs: config.SUBGRAPH_BREAKER_COOLDOWN_MS,
    maxSockets: config.SUBGRAPH_MAX_SOCKETS,
    batchMax: config.SUBGRAPH_BATCH_MAX,
  };
}
