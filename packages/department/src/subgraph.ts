import type http from 'node:http';
import { z } from 'zod';
import { commonEnv, envPrefix, parseEnv, service } from '@saf/config';
import { subgraphSigningSecret } from '@saf/auth';
import { openDatabase, type Database } from '@saf/db';
import { closeServer, createLogger, listen, type Logger } from '@saf/service';

/** A subgraph's configuration: the shared variables plus its own `<PREFIX>_DATABASE_URL` and `<PREFIX>_PORT`. */
export function subgraphConfig(name: string, env: NodeJS.ProcessEnv = process.env) {
  const prefix = envPrefix(name);
  const common = parseEnv(commonEnv, env);
  const own = parseEnv(
    z.object({
      [`${prefix}_DATABASE_URL`]: z.string().url().optional(),
      [`${prefix}_PORT`]: z.coerce.number().int().min(0).max(65535).optional(),
    }),
    env,
  ) as Record<string, string | number | undefined>;
  return {
    ...common,
    name,
    ownDatabaseUrl: own[`${prefix}_DATABASE_URL`] as string | undefined,
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
}

export interface ServeOptions {
  name: string;
  migrationsFolder: string;
  create: (deps: SubgraphDeps & { config: SubgraphConfig }) => BuiltSubgraph;
}

/** The body of every subgraph's `index.ts`: configure, open and migrate the database, listen, drain on signals. */
export async function serveSubgraph(options: ServeOptions): Promise<void> {
  const config = subgraphConfig(options.name);
  const log = createLogger(options.name, config.LOG_LEVEL);
  const database = await openDatabase({
    name: options.name,
    serverUrl: config.DATABASE_URL,
    exactUrl: config.ownDatabaseUrl,
    dataDir: config.DATA_DIR,
    migrationsFolder: options.migrationsFolder,
  });
  // In production a missing or development secret stops the service here.
  const signingSecret = subgraphSigningSecret(options.name, process.env, config.NODE_ENV);
  const built = options.create({ database, log, config, production: config.NODE_ENV === 'production', signingSecret });
  await built.start();
  const port = await listen(built.http, config.port, config.SUBGRAPH_HOST);
  log.info({ port, host: config.SUBGRAPH_HOST, database: `${database.kind}:${database.location}` }, `${options.name} subgraph ready at http://${config.SUBGRAPH_HOST}:${port}/graphql`);
  const shutdown = async (signal: string) => {
    log.info({ signal }, 'draining');
    await closeServer(built.http);
    await built.stop?.();
    await database.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
