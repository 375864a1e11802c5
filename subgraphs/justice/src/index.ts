import { serveSubgraph } from '@saf/department';
import { createServer } from './server.ts';

serveSubgraph({
  name: 'justice',
  migrationsFolder: new URL('../drizzle', import.meta.url).pathname,
  create: (deps) => createServer(deps),
}).catch((err) => {
  console.error(err);
  process.exit(1);
});
