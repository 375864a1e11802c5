import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabase, ensureDatabase, openDatabase, serviceDatabaseName, type Database } from '@saf/db';
import { makeResidentId } from '@saf/identity';
import { closeServer, createLogger, listen } from '@saf/service';
import { ingest, signedFetch, testSecret, uniqueBase } from '@saf/testing';
import { createServer } from '../src/server.ts';

// A department's reads on a read replica (LABOUR_DATABASE_READ_URL), its writes on the primary.
// Streaming replication cannot be set up here, so the "replica" is a second database with the same
// schema that the test fills itself: what the subgraph answers shows where it read.

const ADMIN = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MIGRATIONS = fileURLToPath(new URL('../drizzle', import.meta.url));
const person = makeResidentId('654021', '1980-01-01', 7);

const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

describe('labour with a read replica', () => {
  const base = uniqueBase();
  const primaryName = serviceDatabaseName(withDatabase(ADMIN, base), 'labour');
  const replicaName = serviceDatabaseName(withDatabase(ADMIN, base), 'labour_replica');
  let database: Database;
  let http: ReturnType<typeof createServer>['http'];
  let url: string;
  let base_: string;
  const secret = testSecret('labour');

  beforeAll(async () => {
    // The "replica": the same migrations on a database of its own.
    await ensureDatabase(ADMIN, replicaName);
    const replica = await openDatabase({ name: 'labour', exactUrl: withDatabase(ADMIN, replicaName), dataDir: '', migrationsFolder: MIGRATIONS });
    await replica.close();
    await ensureDatabase(ADMIN, primaryName);
    database = await openDatabase({ name: 'labour', exactUrl: withDatabase(ADMIN, primaryName), readUrl: withDatabase(ADMIN, replicaName), dataDir: '', migrationsFolder: MIGRATIONS });
    const built = createServer({ database, log: createLogger('labour', 'silent'), signingSecret: secret });
    await built.start();
    http = built.http;
    const port = await listen(http, 0, '127.0.0.1');
    base_ = `http://127.0.0.1:${port}`;
    url = `${base_}/graphql`;
  });
  afterAll(async () => {
    if (http) await closeServer(http);
    await database?.close();
    await dropDatabase(ADMIN, primaryName);
    await dropDatabase(ADMIN, replicaName);
  });

  const awardsOf = async (id: string) => {
    const res = await signedFetch(url, secret, { body: JSON.stringify({ query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { labourAwards { id amountFen } } } }', variables: { r: [{ __typename: 'Person', id }] } }) });
    const body = (await res.json()) as { data: { _entities: { labourAwards: { id: string; amountFen: number }[] }[] } };
    return body.data._entities[0]!.labourAwards;
  };

  it('writes a load to the primary and reads entities from the replica', async () => {
    const award = { type: 'award', id: 'LA-1', department: 'LABOUR', programme: 'UNEMPLOYMENT_INSURANCE', personId: person, householdId: 'H1', regionCode: '654021', amountFen: 1200, frequency: 'MONTHLY', startDate: '2024-01-01', endDate: null, status: 'ACTIVE', details: { months: 12 } };
    expect(await ingest({ base: base_, secret }, [award])).toMatchObject({ status: 200, counts: { award: 1 } });
    const primary = new pg.Client({ connectionString: withDatabase(ADMIN, primaryName) });
    const replica = new pg.Client({ connectionString: withDatabase(ADMIN, replicaName) });
    await primary.connect();
    await replica.connect();
    try {
      expect((await primary.query('SELECT id FROM awards')).rows).toEqual([{ id: 'LA-1' }]);
      expect((await replica.query('SELECT id FROM awards')).rows).toEqual([]);
      // Not replicated yet: the subgraph, reading the replica, does not see it.
      expect(await awardsOf(person)).toEqual([]);
      // "Replicated": the same row arrives on the replica, with an amount the test can tell apart.
      const columns = (await primary.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'awards' AND table_schema = 'public' ORDER BY ordinal_position`)).rows.map((r: { column_name: string }) => `"${r.column_name}"`);
      const row = (await primary.query(`SELECT ${columns.join(', ')} FROM awards`)).rows[0] as Record<string, unknown>;
      row.amount_fen = 999;
      const values = columns.map((c) => row[c.slice(1, -1)]);
      await replica.query(`INSERT INTO awards (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, values.map((v) => (v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v)));
      expect(await awardsOf(person)).toEqual([{ id: 'LA-1', amountFen: 999 }]);
    } finally {
      await primary.end();
      await replica.end();
    }
  });

  it('is ready only while the replica answers too', async () => {
    expect((await fetch(`${base_}/health/ready`)).status).toBe(200);
  });

  it('refuses a read replica on the embedded database', async () => {
    await expect(openDatabase({ name: 'labour', dataDir: 'memory://', readUrl: withDatabase(ADMIN, replicaName), migrationsFolder: MIGRATIONS })).rejects.toThrow(/read replica .* needs a PostgreSQL server/);
  });
});
