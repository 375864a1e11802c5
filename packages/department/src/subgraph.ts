import type http from 'node:http';
import { z } from 'zod';
import { commonEnv, envPrefix, parseEnv, service } from '@saf/config';
import { subgraphSigningSecret } from '@saf/auth';
import { DatabaseSetupError, openDatabase, type Database, type OpenOptions } from '@saf/db';
import { configureMetrics, startIdleCollector, createLogger, isDatabaseUnavailable, listen, startTracing, stopOnSignal, type Logger } from '@saf/service';

/** A subgraph's configuration: the shared variables plus its own `<PREFIX>_DATABASE_URL` and `<PREFIX>_PORT`. */
export function subgraphConfig(name: string, env: NodeJS.ProcessEnv = process.env) {
  const prefix = envPrefix(name);
  const common = parseEnv(commonEnv, env);
  const own = parseEnv(
    z.object({
      [`${prefix}_DATABASE_URL`]: z.string().url().optional(),
      [`${prefix}_DATABASE_READ_URL`]: z.string().url().optional(),
      [`${prefix}_PORT`]: z.coerce.number().int().min(0).max(65535).optional(),
    }),
    env,
  ) as Record<string, string | number | undefined>;
  return {
    ...common,
    name,
    ownDatabaseUrl: own[`${prefix}_DATABASE_URL`] as string | undefined,
    /** A read replica of the subgraph's database (optional): its entity and list reads go there. */
    readDatabaseUrl: own[`${prefix}_DATABASE_READ_URL`] as string | undefined,
    port: (own[`${prefix}_PORT`] as number | undefined) ?? common.SUBGRAPH_PORT_BASE + service(name).portOffset,
  };
}
export type SubgraphConfig = ReturnType<typeof subgraphConfig>;

export interface BuiltSubgraph {
  http: http.Server;
  start: () => Promise<void>;
  stop?: () => Promise<void>;
}

/** What every subgraph's `createServer` is given. */
export interface SubgraphDeps {
  database: Database;
  log: Logger;
  production?: boolean;
  /** Shared with the gateway: requests without its signature are refused. */
  signingSecret: Buffer;
  /** How long a prepared load is held for its commit (INGEST_HOLD_MS; 0: prepare refused). */
  ingestHoldMs?: number;
}

export interface ServeOptions {
  name: string;
  migrationsFolder: string;
  create: (deps: SubgraphDeps & { config: SubgraphConfig }) => BuiltSubgraph;
}

/**
 * Opens the database, waiting for a server that is not up yet (services start in any order):
 * connection failures are retried with backoff for `waitMs`; anything else fails at once.
 */
export async function openWhenReachable(options: OpenOptions, log: Logger, waitMs = 120_000): Promise<Database> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await openDatabase(options);
    } catch (err) {
      if (!isDatabaseUnavailable(err) || Date.now() > deadline) throw err;
      const wait = Math.min(5_000, 250 * 2 ** attempt);
      log.warn({ err: (err as Error).message, retryInMs: wait }, 'database not reachable yet');
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/**
 * The body of every subgraph's `index.ts`: configure, open and migrate the database, listen; on
 * SIGTERM or SIGINT drain (stop accepting, finish in-flight requests within SHUTDOWN_TIMEOUT_MS),
 * close the pool and exit 0 (1 when the deadline cut requests off).
 */
export async function serveSubgraph(options: ServeOptions): Promise<void> {
  const config = subgraphConfig(options.name);
  const log = createLogger(options.name, config.LOG_LEVEL);
  configureMetrics({ token: config.METRICS_TOKEN });
  startIdleCollector({ idleMs: config.IDLE_COLLECT_MS, log });
  const tracing = await startTracing({ service: options.name, log });
  const database = await openWhenReachable(
    { name: options.name, serverUrl: config.DATABASE_URL, exactUrl: config.ownDatabaseUrl, readUrl: config.readDatabaseUrl, dataDir: config.DATA_DIR, migrationsFolder: options.migrationsFolder, poolSize: config.DATABASE_POOL_SIZE },
    log,
  ).catch((err: unknown) => {
    // What to do, on one line, not a stack: no retry or restart fixes it.
    if (!(err instanceof DatabaseSetupError)) throw err;
    process.stderr.write(`${options.name}: ${err.message}\n`);
    process.exit(1);
  });
  // In production a missing or development secret stops the service here.
  const signingSecret = subgraphSigningSecret(options.name, process.env, config.NODE_ENV);
  const built = options.create({ database, log, config, production: config.NODE_ENV === 'production', signingSecret, ingestHoldMs: config.INGEST_HOLD_MS });
  await built.start();
  const port = await listen(built.http, config.port, config.SUBGRAPH_HOST);
  log.info({ port, host: config.SUBGRAPH_HOST, database: `${database.kind}:${database.location}` }, `${options.name} subgraph ready at http://${config.SUBGRAPH_HOST}:${port}/graphql`);
  stopOnSignal({
    server: built.http,
    service: options.name,
    deadlineMs: config.SHUTDOWN_TIMEOUT_MS,
    log,
    stop: async () => {
      await built.stop?.().catch((err) => log.error({ err }, 'stopping the service'));
      await database.close().catch((err) => log.error({ err }, 'closing the database'));
      await tracing?.shutdown().catch((err) => log.warn({ err }, 'flushing traces'));
    },
  });
}
