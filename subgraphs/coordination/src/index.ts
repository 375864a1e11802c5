import { serveSubgraph } from '@saf/department';
import { createServer } from './server.ts';

serveSubgraph({
  name: 'coordination',
  migrationsFolder: new URL('../drizzle', import.meta.url).pathname,
  create: ({ database, log, config }) => createServer({ database, log, production: config.NODE_ENV === 'production' }),
}).catch((err) => {
  console.error(err);
  process.exit(1);
});
