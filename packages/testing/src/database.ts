import { randomBytes } from 'node:crypto';
import { dropDatabase, openDatabase, serviceDatabaseName, type Database } from '@saf/db';

export type TestDbMode = 'postgres' | 'pglite';

/** `postgres` when DATABASE_URL names a server (as in CI), else in-memory PGlite. */
export function defaultMode(): TestDbMode {
  return process.env.DATABASE_URL ? 'postgres' : 'pglite';
}

/** A base name unique to one test file's run: its databases are `<base>_<service>`. */
export function uniqueBase(): string {
  return `t_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

function baseUrl(base: string): string {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${base}`;
  return url.toString();
}

export interface TestDatabase extends Database {
  /** Closes and, on a server, drops the database. */
  dispose(): Promise<void>;
}

/** A fresh, migrated database of its own for one service in one test file. */
export async function createTestDatabase(name: string, migrationsFolder: string, options: { mode?: TestDbMode; base?: string; onQuery?: (query: string) => void } = {}): Promise<TestDatabase> {
  const mode = options.mode ?? defaultMode();
  if (mode === 'pglite') {
    const database = await openDatabase({ name, dataDir: 'memory://', migrationsFolder, onQuery: options.onQuery });
    return { ...database, dispose: () => database.close() };
  }
  const base = options.base ?? uniqueBase();
  const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  // The base URL only names the database prefix; ensureDatabase connects through the admin URL.
  const database = await openDatabase({ name, serverUrl: baseUrl(base), adminUrl: admin, migrationsFolder, dataDir: '', poolSize: 5, onQuery: options.onQuery });
  return {
    ...database,
    dispose: async () => {
      await database.close();
      await dropDatabase(admin, serviceDatabaseName(baseUrl(base), name));
    },
  };
}
