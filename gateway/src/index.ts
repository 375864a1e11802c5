import { closeServer, createLogger, listen } from '@saf/service';
import { gatewayConfig } from './config.ts';
import { createGateway } from './server.ts';

async function main(): Promise<void> {
  const config = gatewayConfig();
  const log = createLogger('gateway', config.LOG_LEVEL);
  const gateway = createGateway(config, log);
  await gateway.start();
  const port = await listen(gateway.http, config.GATEWAY_PORT, config.GATEWAY_HOST);
  log.info({ port, supergraph: config.SUPERGRAPH_PATH }, `gateway ready at http://localhost:${port}/graphql`);
  const shutdown = async (signal: string) => {
    log.info({ signal }, 'draining');
    await closeServer(gateway.http);
    await gateway.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
