import { serveSubgraph } from '@saf/department';
import { coordinationConfig } from './config.ts';
import { createServer } from './server.ts';

const own = coordinationConfig();

serveSubgraph({
  name: 'coordination',
  migrationsFolder: new URL('../drizzle', import.meta.url).pathname,
  create: (deps) => createServer({ ...deps, gatewayUrl: () => own.gatewayUrl, sweepPageSize: own.sweepPageSize, sweepMaxPerCaller: own.sweepMaxPerCaller, sweepSource: own.sweepSource, statisticsCacheEntries: own.statisticsCacheEntries, statisticsRefreshMs: own.statisticsRefreshMs, statisticsWaitMs: own.statisticsWaitMs, ...(own.supergraphPath ? { supergraphPath: own.supergraphPath } : {}), subgraphUrl: own.subgraphUrl, subgraphSecret: own.subgraphSecret, outboxPollMs: own.outboxPollMs, yearlyReviewMs: own.yearlyReviewMs, rollDeliveryMs: own.rollDeliveryMs }),
}).catch((err) => {
  console.error(err);
  process.exit(1);
});
