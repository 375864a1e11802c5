import { fileURLToPath } from 'node:url';
import { finished } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, serveEmbedded, type EmbeddedServer } from '@saf/db';

// The embedded databases served to services over the wire protocol (one process, one PGlite per
// service, chosen by database name): what the services do through `pg` works, and nothing of one
// service's session reaches another's, or the next connection of its own.

const MIGRATIONS = fileURLToPath(new URL('../../../subgraphs/labour/drizzle', import.meta.url));

describe('the embedded server', () => {
  let server: EmbeddedServer;
  const clients: pg.Client[] = [];
  const connect = async (name: string) => {
    const client = new pg.Client({ connectionString: server.url(name) });
    client.on('error', () => {});
    await client.connect();
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await serveEmbedded({ dataDir: 'memory://', names: ['alpha', 'beta', 'labour'] });
  }, 180_000);
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => {});
    await server?.close();
  });

  it('runs queries, parameters, named prepared statements, transactions and COPY FROM STDIN', async () => {
    const a = await connect('alpha');
    expect((await a.query('SELECT $1::int + 1 AS n', [41])).rows).toEqual([{ n: 42 }]);
    await a.query('CREATE TABLE t (id int PRIMARY KEY, name text)');
    await a.query({ name: 'ins', text: 'INSERT INTO t VALUES ($1, $2)', values: [1, 'one'] });
    await a.query({ name: 'ins', text: 'INSERT INTO t VALUES ($1, $2)', values: [2, 'two'] });
    await a.query('BEGIN');
    await a.query("INSERT INTO t VALUES (3, 'three')");
    await a.query('ROLLBACK');
    await expect(a.query("INSERT INTO t VALUES (1, 'again')")).rejects.toMatchObject({ code: '23505' });
    const copy = a.query(copyFrom('COPY t (id, name) FROM STDIN'));
    copy.end(Buffer.from('10\tten\n11\t\\N\n'));
    await finished(copy);
    expect((await a.query('SELECT id, name FROM t ORDER BY id')).rows).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: 'two' },
      { id: 10, name: 'ten' },
      { id: 11, name: null },
    ]);
    // A refused COPY answers an error and leaves the connection usable.
    const bad = a.query(copyFrom('COPY t (id, name) FROM STDIN'));
    bad.end(Buffer.from('1\tduplicate\n'));
    await expect(finished(bad)).rejects.toMatchObject({ code: '23505' });
    expect((await a.query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: 4 }]);
    await a.end();
  });

  it('keeps services apart, and a connection’s leftovers from the next one', async () => {
    const b = await connect('beta');
    await expect(b.query('SELECT * FROM t')).rejects.toMatchObject({ code: '42P01' });
    await b.query('CREATE SCHEMA other; CREATE TABLE other.t (x int)');
    await b.query('SET search_path TO other');
    await b.query({ name: 'mine', text: 'SELECT 1' });
    await b.query('BEGIN');
    await b.query('INSERT INTO t VALUES (7)');
    // Gone without a word (a service killed mid-transaction).
    (b as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    const again = await connect('beta');
    expect((await again.query("SELECT current_setting('search_path') AS p")).rows[0].p).not.toContain('other');
    expect((await again.query('SELECT count(*)::int AS n FROM other.t')).rows).toEqual([{ n: 0 }]);
    await expect(again.query({ name: 'mine', text: 'SELECT 2' })).resolves.toMatchObject({ rows: [{ '?column?': 2 }] });
    await again.end();
  });

  it('answers two services at once, each in its own transaction', async () => {
    const [a, b] = [await connect('alpha'), await connect('beta')];
    await a.query('BEGIN');
    await b.query('BEGIN');
    await Promise.all([a.query("INSERT INTO t VALUES (20, 'a')"), b.query('INSERT INTO other.t VALUES (20)')]);
    await a.query('ROLLBACK');
    await b.query('COMMIT');
    const counts = await Promise.all([a.query('SELECT count(*)::int AS n FROM t WHERE id = 20'), b.query('SELECT count(*)::int AS n FROM other.t')]);
    expect(counts.map((r) => r.rows[0].n)).toEqual([0, 1]);
    await a.end();
    await b.end();
  });

  it('lets two connections to one database take turns, a transaction keeping the backend until it ends', async () => {
    const first = await connect('alpha');
    const second = await connect('alpha');
    expect((await second.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await first.query('BEGIN');
    await first.query("INSERT INTO t VALUES (30, 'first')");
    let answered = false;
    const waiting = second.query('SELECT count(*)::int AS n FROM t WHERE id = 30').then((r) => ((answered = true), r));
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    await first.query('COMMIT');
    expect((await waiting).rows).toEqual([{ n: 1 }]);
    // Each keeps its own prepared statements under their names.
    await first.query({ name: 'one', text: 'SELECT 1 AS v' });
    await second.query({ name: 'two', text: 'SELECT 2 AS v' });
    expect((await first.query({ name: 'one', text: 'SELECT 1 AS v' })).rows).toEqual([{ v: 1 }]);
    await first.end();
    await second.end();
  });

  it('refuses a database it does not hold', async () => {
    const client = new pg.Client({ connectionString: server.url('nope') });
    await expect(client.connect()).rejects.toMatchObject({ code: '3D000' });
  });

  it('migrates and serves a service through openDatabase, COPY included', async () => {
    const database = await openDatabase({ name: 'labour', exactUrl: server.url('labour'), dataDir: '', migrationsFolder: MIGRATIONS, poolSize: 1 });
    try {
      await database.ping();
      const tables = await database.db.execute<{ n: number }>("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'");
      expect((tables as unknown as { rows: { n: number }[] }).rows[0]!.n).toBeGreaterThan(3);
    } finally {
      await database.close();
    }
  });
});
