import { serveSubgraph } from '@saf/department';
import { auditConfig } from './config.ts';
import { createServer } from './server.ts';

const own = auditConfig();

serveSubgraph({
  name: 'audit',
  migrationsFolder: new URL('../drizzle', import.meta.url).pathname,
  create: (deps) => createServer({ ...deps, verifyPageSize: own.verifyPageSize, chainKeys: own.chainKeys }),
}).catch((err) => {
  console.error(err);
  process.exit(1);
});
