import { configureMetrics, createLogger, startIdleCollector, drainServer, listen, startTracing } from '@saf/service';
import { gatewayConfig } from './config.ts';
import { createGateway } from './server.ts';

async function main(): Promise<void> {
  const config = gatewayConfig();
  const log = createLogger('gateway', config.LOG_LEVEL);
  configureMetrics({ token: config.METRICS_TOKEN });
  startIdleCollector({ idleMs: config.IDLE_COLLECT_MS, log });
  const tracing = await startTracing({ service: 'gateway', log });
  const gateway = createGateway(config, log);
  await gateway.start();
  const port = await listen(gateway.http, config.GATEWAY_PORT, config.GATEWAY_HOST);
  log.info({ port, supergraph: config.SUPERGRAPH_PATH }, `gateway ready at http://localhost:${port}/graphql`);
  let stopping = false;
  // Stop accepting, let in-flight requests finish (SHUTDOWN_TIMEOUT_MS at most), then stop Apollo.
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Whatever hangs (a stuck stop), the process goes.
    setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS + 5_000).unref();
    const draining = drainServer(gateway.http, config.SHUTDOWN_TIMEOUT_MS, 'gateway');
    // Logged once new connections are refused: whoever reads it may rely on that.
    log.info({ signal, deadlineMs: config.SHUTDOWN_TIMEOUT_MS }, 'draining');
    const clean = await draining;
    if (!clean) log.warn('requests still in flight at the shutdown deadline were cut off');
    await gateway.stop().catch((err) => log.error({ err }, 'stopping the gateway'));
    await tracing?.shutdown().catch((err) => log.warn({ err }, 'flushing traces'));
    log.info({ clean }, 'stopped');
    process.exit(clean ? 0 : 1);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
