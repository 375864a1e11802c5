import cluster from 'node:cluster';
import { configureMetrics, startIdleCollector, listen, startTracing, stopOnSignal, type Logger } from '@saf/service';
import { joinCluster } from './cluster.ts';
import type { GatewayConfig } from './config.ts';
import { createGateway } from './server.ts';

/**
 * The gateway in this process, until SIGTERM or SIGINT: alone (GATEWAY_WORKERS=1), or as one of the
 * cluster's workers, which also drains when its primary is gone.
 */
export async function serveGateway(config: GatewayConfig, root: Logger): Promise<void> {
  const worker = cluster.isWorker ? cluster.worker : undefined;
  const log = worker ? root.child({ worker: worker.id }) : root;
  const peers = worker ? joinCluster() : undefined;
  configureMetrics({ token: config.METRICS_TOKEN, ...(peers ? { collect: peers.metrics } : {}) });
  startIdleCollector({ idleMs: config.IDLE_COLLECT_MS, log });
  const tracing = await startTracing({ service: 'gateway', log });
  const gateway = createGateway(config, log);
  await gateway.start();
  const port = await listen(gateway.http, config.GATEWAY_PORT, config.GATEWAY_HOST);
  const host = config.GATEWAY_HOST;
  if (worker) log.info({ host, port, pid: process.pid }, 'gateway worker listening');
  else log.info({ host, port, supergraph: config.SUPERGRAPH_PATH }, `gateway ready at http://localhost:${port}/graphql`);
  const shutdown = stopOnSignal({
    server: gateway.http,
    service: 'gateway',
    deadlineMs: config.SHUTDOWN_TIMEOUT_MS,
    log,
    onDraining: peers?.draining,
    stop: async () => {
      await gateway.stop().catch((err) => log.error({ err }, 'stopping the gateway'));
      await tracing?.shutdown().catch((err) => log.warn({ err }, 'flushing traces'));
    },
  });
  // A worker whose primary is gone (killed outright) would serve on unsupervised: it drains and goes.
  if (worker) process.on('disconnect', () => shutdown('primary gone'));
}
