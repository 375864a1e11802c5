import cluster from 'node:cluster';
import { createLogger } from '@saf/service/logger';
import { gatewayConfig } from './config.ts';

// The configuration is checked before any worker starts. A cluster's primary serves nothing and
// loads only what supervising needs: no Apollo, no subgraph clients.
async function main(): Promise<void> {
  const config = gatewayConfig();
  const log = createLogger('gateway', config.LOG_LEVEL);
  if (config.GATEWAY_WORKERS > 1 && cluster.isPrimary) {
    const { runPrimary } = await import('./cluster.ts');
    runPrimary({ workers: config.GATEWAY_WORKERS, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS, log });
    return;
  }
  const { serveGateway } = await import('./serve.ts');
  await serveGateway(config, log);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
