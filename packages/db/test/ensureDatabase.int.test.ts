import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseSetupError, dropDatabase, openDatabase, serviceDatabaseName } from '@saf/db';

// `npm start` with DATABASE_URL naming a database that does not exist: the services' own
// databases (`<that name>_<service>`) are created through the server's maintenance database, and a
// user who may not create databases is told, on one line, what to do.

const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MIGRATIONS = fileURLToPath(new URL('../../../subgraphs/labour/drizzle', import.meta.url));
const base = `t_missing_${randomBytes(4).toString('hex')}`;
const role = `t_nocreate_${randomBytes(4).toString('hex')}`;

function withDatabase(url: string, database: string, user?: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  if (user) {
    u.username = user;
    u.password = '';
  }
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe('a DATABASE_URL naming a database that does not exist', () => {
  const url = withDatabase(SERVER, base);
  afterAll(async () => {
    await dropDatabase(url, serviceDatabaseName(url, 'labour'));
    await admin((c) => c.query(`DROP ROLE IF EXISTS ${role}`));
  });

  it('creates the service database beside it and migrates it', async () => {
    const exists = await admin((c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [base]));
    expect(exists.rowCount).toBe(0);
    const database = await openDatabase({ name: 'labour', serverUrl: url, dataDir: '', migrationsFolder: MIGRATIONS, poolSize: 1 });
    try {
      expect(database.location).toBe(`${base}_labour`);
      await database.ping();
    } finally {
      await database.close();
    }
    // Opening again finds it there.
    const again = await openDatabase({ name: 'labour', serverUrl: url, dataDir: '', migrationsFolder: MIGRATIONS, poolSize: 1 });
    await again.close();
  });

  it('tells a user who may not create databases what to do, on one line', async () => {
    await admin((c) => c.query(`CREATE ROLE ${role} LOGIN NOCREATEDB`));
    const err = await openDatabase({ name: 'labour', serverUrl: withDatabase(SERVER, `${base}x`, role), dataDir: '', migrationsFolder: MIGRATIONS, poolSize: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseSetupError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain(`cannot create database "${base}x_labour"`);
    expect(message).toContain('CREATEDB');
    expect(message).toContain('<SERVICE>_DATABASE_URL');
  });
});
