import { generatedSuite } from './support/generatedSuite.ts';

// On the PostgreSQL server (DATABASE_URL in CI), else in-memory PGlite.
generatedSuite(process.env.DATABASE_URL ? 'postgres' : 'pglite', 400, 7);
