import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SERVICES, envPrefix } from '@saf/config';
import { createServer as civilAffairs } from '@saf/civil-affairs/server';
import { createServer as labour } from '@saf/labour/server';
import { createServer as health } from '@saf/health/server';
import { createServer as education } from '@saf/education/server';
import { createServer as housing } from '@saf/housing/server';
import { createServer as justice } from '@saf/justice/server';
import { createServer as disabledPersonsFederation } from '@saf/disabled-persons-federation/server';
import { createServer as coordination } from '@saf/coordination/server';
import { createServer as audit } from '@saf/audit/server';
import { createGateway } from '@saf/gateway/server';
import { gatewayConfig } from '@saf/gateway/config';
import type { Department } from '@saf/programmes';
import { closeServer, createLogger, listen } from '@saf/service';
import { chainKeyring, purposesFor, signDevToken, subgraphSigningSecret, type Caller, type ChainKeyring } from '@saf/auth';
import { createTestDatabase, gql, uniqueBase, type TestDatabase, type TestDbMode } from '@saf/testing';

/** Settings a test may change from their defaults. */
interface Tuning {
  /** Households per sweep page (the coordination office's default otherwise). */
  sweepPageSize?: number;
  /** How long a department holds a prepared load for its commit (INGEST_HOLD_MS). */
  ingestHoldMs?: number;
  /** How often coordination reads the departments' outboxes for review tasks (OUTBOX_POLL_MS); unset: never. */
  outboxPollMs?: number;
  /** How often coordination makes the yearly review tasks (YEARLY_REVIEW_MS); unset: never on its own. */
  yearlyReviewMs?: number;
  /** Where sweeps read the departments' awards (SWEEP_SOURCE; the coordination office's default otherwise). */
  sweepSource?: 'streams' | 'pages';
  /** How often coordination delivers again reconciled rolls' payments a department has not recorded (ROLL_DELIVERY_MS); unset: the default. */
  rollDeliveryMs?: number;
}

/** What every service is given as deployed: its signing secret, and whether it runs in production mode. */
interface ServiceDeps {
  signingSecret: Buffer;
  production: boolean;
  /** The access log's chain keys (the audit service's; the others ignore them). */
  chainKeys: ChainKeyring;
  /** Where another subgraph listens, and the secret it shares (coordination's grants to a department). */
  subgraphUrl?: (name: string) => string;
  subgraphSecret?: (name: string) => Buffer;
}

type Factory = (deps: { database: TestDatabase; log: ReturnType<typeof createLogger>; gatewayUrl: () => string } & ServiceDeps & Tuning) => ReturnType<typeof civilAffairs>;
const FACTORIES: Record<string, Factory> = {
  'civil-affairs': civilAffairs,
  labour,
  health,
  education,
  housing,
  justice,
  'disabled-persons-federation': disabledPersonsFederation,
  coordination,
  audit,
};

export const COORDINATOR: Caller = { sub: 'coordinator-1', role: 'COORDINATOR' };

/**
 * The purpose tests declare for `caller`: the first on the list their role may declare (a real
 * code, e.g. MINIMUM_LIVING_REVIEW for a caseworker, SWEEP for a coordinator). The gateway
 * checks it as it checks anyone's; tests that are about purposes send their own.
 */
export function purposeOf(caller: Caller): string {
  const purpose = purposesFor(caller)[0];
  if (!purpose) throw new Error(`no purpose on the list for ${caller.role}`);
  return purpose.code;
}

export interface RunningSubgraph {
  name: string;
  url: string;
  database: TestDatabase;
  stop(): Promise<void>;
  /** Starts it again on the same port (after `stop`). */
  restart(): Promise<void>;
}

export interface System {
  gatewayUrl: string;
  subgraphs: Map<string, RunningSubgraph>;
  /** Each department's ingest base URL and signing secret, for the loader. */
  targets: Record<Department, string>;
  loadOptions: { targets: Record<Department, string>; secrets: Record<Department, Buffer> };
  /**
   * A GraphQL request to the gateway as `caller` (a coordinator unless said otherwise) with a
   * declared purpose; pass `headers` to replace the Authorization or X-Purpose header.
   */
  query<T = any>(query: string, variables?: Record<string, unknown>, options?: { caller?: Caller; headers?: Record<string, string> }): ReturnType<typeof gql<T>>;
  /** A development token for `caller`. */
  token(caller: Caller): Promise<string>;
  stop(): Promise<void>;
}

type LogFactory = (name: string) => ReturnType<typeof createLogger>;
const silent: LogFactory = (name) => createLogger(name, 'silent');

async function startSubgraph(name: string, database: TestDatabase, gatewayUrl: () => string, deps: ServiceDeps, port = 0, logOf: LogFactory = silent, tuning: Tuning = {}): Promise<{ url: string; stop: () => Promise<void> }> {
  const log = logOf(name);
  const built = FACTORIES[name]!({ database, log, gatewayUrl, ...deps, ...tuning });
  await built.start();
  const bound = await listen(built.http, port, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${bound}/graphql`,
    stop: async () => {
      await closeServer(built.http);
      await built.stop?.();
    },
  };
}

/**
 * The whole system in this process: every subgraph on its own free port and its own database,
 * and the gateway on the committed supergraph, all over real HTTP.
 */
export async function startSystem(
  options: {
    mode?: TestDbMode;
    env?: Record<string, string>;
    /** Loggers per service (default silent), e.g. to read the request logs. */
    log?: LogFactory;
    /** A service's database made by the test (e.g. on a throwaway server); the others get their own. */
    databases?: Record<string, TestDatabase>;
    /**
     * Where the services (coordination) reach the gateway, given its URL: e.g. a test's proxy in
     * front of it. Default: the gateway itself.
     */
    gatewayForServices?: (gatewayUrl: string) => Promise<string>;
    /** Runs once the subgraphs listen, before the gateway starts (e.g. publishing them to a schema registry). */
    beforeGateway?: (subgraphs: Map<string, RunningSubgraph>) => Promise<void>;
    /** No `<NAME>_URL` for the gateway: it takes the subgraphs' URLs from the supergraph (the registry's). */
    urlsFromSupergraph?: boolean;
  } & Tuning = {},
): Promise<System> {
  const base = uniqueBase();
  const tuning: Tuning = { sweepPageSize: options.sweepPageSize, ingestHoldMs: options.ingestHoldMs, outboxPollMs: options.outboxPollMs, yearlyReviewMs: options.yearlyReviewMs, sweepSource: options.sweepSource, rollDeliveryMs: options.rollDeliveryMs };
  let gatewayUrl = '';
  let servicesGatewayUrl = '';
  const gatewayUrlOf = () => servicesGatewayUrl;
  // Every service and the gateway read the signing secrets from the same variables (`env`:
  // e.g. `<SERVICE>_SIGNING_SECRET`), as deployed; unset, the development ones.
  const secretOf = (name: string) => subgraphSigningSecret(name, options.env ?? {}, 'test');
  // `env: { NODE_ENV: 'production', … }` runs every service in production mode, the gateway too.
  const production = options.env?.NODE_ENV === 'production';
  // Production refuses the development chain key: a key of this system's own, as deployed.
  const chainKeys = chainKeyring({ current: options.env?.AUDIT_CHAIN_KEY ?? (production ? randomBytes(32).toString('base64') : undefined) }, production ? 'production' : undefined);
  const subgraphs = new Map<string, RunningSubgraph>();
  const depsOf = (name: string): ServiceDeps => ({ signingSecret: secretOf(name), production, chainKeys, subgraphUrl: (other) => subgraphs.get(other)!.url, subgraphSecret: secretOf });
  await Promise.all(
    SERVICES.map(async (s) => {
      const migrations = fileURLToPath(new URL(`../../subgraphs/${s.name}/drizzle`, import.meta.url));
      const database = options.databases?.[s.name] ?? (await createTestDatabase(s.name, migrations, { mode: options.mode, base }));
      let running = await startSubgraph(s.name, database, gatewayUrlOf, depsOf(s.name), 0, options.log, tuning);
      const port = Number(new URL(running.url).port);
      subgraphs.set(s.name, {
        name: s.name,
        url: running.url,
        database,
        stop: () => running.stop(),
        restart: async () => {
          running = await startSubgraph(s.name, database, gatewayUrlOf, depsOf(s.name), port, options.log, tuning);
        },
      });
    }),
  );
  const env: NodeJS.ProcessEnv = { NODE_ENV: 'test', LOG_LEVEL: 'silent', SUBGRAPH_TIMEOUT_MS: '5000', ...options.env };
  if (!options.urlsFromSupergraph) for (const [name, s] of subgraphs) env[`${envPrefix(name)}_URL`] = s.url;
  await options.beforeGateway?.(subgraphs);
  const gateway = createGateway(gatewayConfig(env), (options.log ?? silent)('gateway'));
  await gateway.start();
  const port = await listen(gateway.http, 0, '127.0.0.1');
  gatewayUrl = `http://127.0.0.1:${port}/graphql`;
  servicesGatewayUrl = options.gatewayForServices ? await options.gatewayForServices(gatewayUrl) : gatewayUrl;
  const targets = {} as Record<Department, string>;
  const secrets = {} as Record<Department, Buffer>;
  for (const s of SERVICES) {
    if (!s.department) continue;
    targets[s.department] = subgraphs.get(s.name)!.url.replace(/\/graphql$/, '');
    secrets[s.department] = secretOf(s.name);
  }
  const token = (caller: Caller) => signDevToken(caller, { expiresIn: '1h' });
  const tokens = new Map<string, Promise<string>>();
  return {
    gatewayUrl,
    subgraphs,
    targets,
    loadOptions: { targets, secrets },
    token,
    query: async (q, variables, options = {}) => {
      const caller = options.caller ?? COORDINATOR;
      const key = JSON.stringify(caller);
      if (!tokens.has(key)) tokens.set(key, token(caller));
      const headers = { authorization: `Bearer ${await tokens.get(key)}`, 'x-purpose': purposeOf(caller), ...options.headers };
      return gql(gatewayUrl, q, variables, headers);
    },
    stop: async () => {
      await closeServer(gateway.http);
      await gateway.stop();
      await Promise.allSettled([...subgraphs.values()].map((s) => s.stop()));
      await Promise.allSettled([...subgraphs.values()].map((s) => s.database.dispose()));
    },
  };
}
