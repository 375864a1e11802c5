import { registryCredential } from '@saf/auth';
import { openWhenReachable } from '@saf/department';
import { createLogger, listen, stopOnSignal } from '@saf/service';
import { registryConfig } from './config.ts';
import { createRegistry } from './server.ts';

async function main(): Promise<void> {
  const config = registryConfig();
  const log = createLogger('registry', config.LOG_LEVEL);
  // In production a missing or development master secret stops the registry here.
  registryCredential('gateway', process.env, config.NODE_ENV);
  const database = await openWhenReachable(
    { name: 'registry', serverUrl: config.DATABASE_URL, exactUrl: config.REGISTRY_DATABASE_URL, dataDir: config.DATA_DIR, migrationsFolder: new URL('../drizzle', import.meta.url).pathname, poolSize: config.DATABASE_POOL_SIZE },
    log,
  );
  const registry = createRegistry({ database, log, production: config.NODE_ENV === 'production', env: process.env, usageDays: config.REGISTRY_USAGE_DAYS, retentionDays: config.retentionDays });
  const port = await listen(registry.http, config.port, config.host);
  log.info({ port, host: config.host, database: `${database.kind}:${database.location}` }, `schema registry ready at http://${config.host}:${port}`);
  // Old operation records go at start and then every REGISTRY_PRUNE_HOURS; a failure is logged and tried again next time.
  const pruneNow = () => void registry.prune().catch((err) => log.error({ err }, 'pruning operation records failed'));
  const pruning = config.REGISTRY_PRUNE_HOURS > 0 ? setInterval(pruneNow, config.REGISTRY_PRUNE_HOURS * 3_600_000) : null;
  pruning?.unref();
  if (pruning) pruneNow();
  stopOnSignal({
    server: registry.http,
    service: 'registry',
    deadlineMs: config.SHUTDOWN_TIMEOUT_MS,
    log,
    stop: async () => {
      if (pruning) clearInterval(pruning);
      await database.close().catch((err) => log.error({ err }, 'closing the database'));
    },
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
