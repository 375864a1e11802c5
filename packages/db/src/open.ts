import { mkdir } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Gauge, register } from 'prom-client';

/** A drizzle database on either driver; query code is written against this. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

export interface Database {
  db: Db;
  /**
   * Where reads that may lag a little go: a read replica's pool when one is configured
   * (`readUrl`), else `db` itself. Writes, and reads that must see them, use `db`.
   */
  read: Db;
  kind: 'postgres' | 'pglite';
  /** Most connections open at once (PGlite: its one). */
  poolSize: number;
  /** The database's name on the server, or the PGlite directory. */
  location: string;
  /**
   * `COPY table (columns) FROM STDIN` of `data`, rows in PostgreSQL's text format (tab between
   * fields, `\N` for null, a backslash doubled, a line a row): one statement, so every row or
   * none, and the fastest way rows go in, on either driver.
   */
  copyIn(table: string, columns: readonly string[], data: Buffer): Promise<void>;
  /** Answers when the database does (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
const copyStatement = (table: string, columns: readonly string[], source: string) => `COPY ${quoted(table)} (${columns.map(quoted).join(', ')}) FROM ${source}`;

async function copyInPool(pool: pg.Pool, statement: string, data: Buffer): Promise<void> {
  const client = await pool.connect();
  try {
    const stream = client.query(copyFrom(statement));
    stream.end(data);
    await finished(stream);
    client.release();
  } catch (err) {
    // A refused COPY (the server's error, with its code) leaves the connection ready; one that
    // failed in the middle of a COPY is not given to anyone else.
    client.release((err as { code?: string }).code ? undefined : (err as Error));
    throw err;
  }
}

export interface OpenOptions {
  /** Server URL of the *base* database; the service's own database is `<base>_<name>`. */
  serverUrl?: string;
  /** Where to connect to create the database, when the base database itself need not exist (tests). */
  adminUrl?: string;
  /** A URL naming the service's own database exactly (a department's own server). */
  exactUrl?: string;
  /** A read replica of the service's database (streaming replication): entity and list reads go there. */
  readUrl?: string;
  /** PGlite parent directory, used when no server is named; `memory://` keeps it in memory. */
  dataDir: string;
  /** Service name, e.g. `civil-affairs`. */
  name: string;
  migrationsFolder: string;
  /** Most connections the service's pool (and its replica's) opens: `DEFAULT_POOL_SIZE` unless given. */
  poolSize?: number;
  /** Sees every SQL statement the service's queries run (tests count them). */
  onQuery?: (query: string) => void;
}

export function serviceDatabaseName(baseUrl: string, name: string): string {
  const base = new URL(baseUrl).pathname.replace(/^\//, '') || 'postgres';
  return `${base}_${name.replaceAll('-', '_')}`;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A database that cannot be made ready for a reason no retry fixes (no right to create it): the
 * message is one line saying what to do, printed as it is, without a stack.
 */
export class DatabaseSetupError extends Error {
  override name = 'DatabaseSetupError';
}

/** The server's maintenance databases: where to connect when the named one does not exist yet. */
const MAINTENANCE = ['postgres', 'template1'];

/**
 * Connects to `url`; when its database does not exist (3D000), to the same server's `postgres`
 * (then `template1`) instead, which every server has: a DATABASE_URL may name a database that is
 * only a prefix for the services' own.
 */
async function connectAdmin(url: string): Promise<pg.Client> {
  const candidates = [url, ...MAINTENANCE.map((d) => withDatabase(url, d))];
  for (let i = 0; ; i++) {
    const client = new pg.Client({ connectionString: candidates[i] });
    try {
      await client.connect();
      return client;
    } catch (err) {
      await client.end().catch(() => {});
      if ((err as { code?: string }).code !== '3D000' || i === candidates.length - 1) throw err;
    }
  }
}

/**
 * Creates `database` on the server of `adminUrl` unless it exists. The database `adminUrl` names
 * need not exist. A user who may not create databases gets a `DatabaseSetupError` saying what to do.
 */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = await connectAdmin(adminUrl);
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
      } catch (err) {
        const code = (err as { code?: string }).code;
        // Two services racing to create the same database: the loser finds it there.
        if (code === '42P04' || code === '23505') return;
        if (code === '42501') {
          const u = new URL(adminUrl);
          throw new DatabaseSetupError(
            `cannot create database "${database}" on ${u.host}: user "${decodeURIComponent(u.username) || '(default)'}" may not create databases; create it (CREATE DATABASE "${database}"), grant CREATEDB, or name each service's database with <SERVICE>_DATABASE_URL`,
          );
        }
        throw err;
      }
    }
  } finally {
    await client.end();
  }
}

export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const client = await connectAdmin(adminUrl);
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database.replaceAll('"', '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Open pools by service, for the pool gauges (several services share a process in tests). */
const pools = new Map<string, Set<pg.Pool>>();

function poolGauge(name: string, help: string, read: (pool: pg.Pool) => number): void {
  if (register.getSingleMetric(name)) return;
  new Gauge({
    name,
    help,
    labelNames: ['service'] as const,
    collect() {
      this.reset();
      for (const [service, set] of pools) this.set({ service }, [...set].reduce((sum, pool) => sum + read(pool), 0));
    },
  });
}

function watchPool(name: string, pool: pg.Pool): () => void {
  poolGauge('saf_db_pool_connections', 'Connections the service holds to its PostgreSQL database (pg Pool totalCount).', (p) => p.totalCount);
  poolGauge('saf_db_pool_idle', 'Idle connections in the pool (pg Pool idleCount).', (p) => p.idleCount);
  poolGauge('saf_db_pool_waiting', 'Queries waiting for a connection (pg Pool waitingCount).', (p) => p.waitingCount);
  const set = pools.get(name) ?? new Set();
  pools.set(name, set.add(pool));
  return () => {
    set.delete(pool);
    if (set.size === 0) pools.delete(name);
  };
}

/** Rejects when `promise` takes longer than `ms` (a readiness probe must answer, not hang). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Connections a service's pool opens at most, unless configured (DATABASE_POOL_SIZE). Few: every
 * service of a deployment keeps a pool on the same server, and more connections at work than the
 * server has cores only take turns. Measured on 2026-12-06 (2 cores, nine services, household
 * pictures, runs alternating): pools of 3 served a third more pictures a second than pools of 10
 * at concurrency 10 and over half more at 32, with half PostgreSQL's CPU per picture; pools of 5
 * could not be told from pools of 3.
 */
export const DEFAULT_POOL_SIZE = 5;

/**
 * A server restart: idle clients that lose their connection leave the pool (the 'error' event
 * must be handled or the process dies), queries meanwhile fail fast (connection timeout) instead
 * of queueing for ever, and the next query opens a fresh connection: nothing to restart.
 */
function createPool(url: string, size: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: size, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000, keepAlive: true });
  pool.on('error', () => {});
  return pool;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.exactUrl || options.serverUrl) {
    let url = options.exactUrl;
    if (!url) {
      const database = serviceDatabaseName(options.serverUrl!, options.name);
      await ensureDatabase(options.adminUrl ?? options.serverUrl!, database);
      url = withDatabase(options.serverUrl!, database);
    }
    const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
    const pool = createPool(url, poolSize);
    const logger = options.onQuery ? { logQuery: (q: string) => options.onQuery!(q) } : undefined;
    const db = drizzlePg(pool, { logger }) as unknown as Db;
    try {
      await migratePg(drizzlePg(pool), { migrationsFolder: options.migrationsFolder });
    } catch (err) {
      await pool.end().catch(() => {});
      throw err;
    }
    const unwatch = watchPool(options.name, pool);
    // A replica is only read: no migrations there (they arrive by replication from the primary).
    const replica = options.readUrl ? createPool(options.readUrl, poolSize) : null;
    const unwatchReplica = replica ? watchPool(`${options.name}-replica`, replica) : () => {};
    return {
      db,
      read: replica ? (drizzlePg(replica, { logger }) as unknown as Db) : db,
      kind: 'postgres',
      poolSize,
      copyIn: (table, columns, data) => {
        const statement = copyStatement(table, columns, 'STDIN');
        options.onQuery?.(statement);
        return copyInPool(pool, statement, data);
      },
      location: new URL(url).pathname.slice(1),
      // Ready when both answer: a service whose replica is gone cannot serve its reads.
      ping: async () => {
        await within(pool.query('SELECT 1'), 3_000, 'the database');
        if (replica) await within(replica.query('SELECT 1'), 3_000, 'the read replica');
      },
      close: async () => {
        unwatch();
        unwatchReplica();
        await Promise.all([pool.end(), replica?.end()]);
      },
    };
  }
  if (options.readUrl) throw new Error(`${options.name}: a read replica (readUrl) needs a PostgreSQL server, not the embedded PGlite`);
  const memory = options.dataDir === 'memory://';
  const dir = memory ? 'memory://' : path.resolve(options.dataDir, options.name);
  if (!memory) await mkdir(path.dirname(dir), { recursive: true });
  const client = new PGlite(dir);
  const pglite = drizzlePglite(client, { logger: options.onQuery ? { logQuery: (q: string) => options.onQuery!(q) } : undefined });
  await migratePglite(drizzlePglite(client), { migrationsFolder: options.migrationsFolder });
  return {
    db: pglite as unknown as Db,
    read: pglite as unknown as Db,
    kind: 'pglite',
    poolSize: 1,
    location: dir,
    copyIn: async (table, columns, data) => {
      const statement = copyStatement(table, columns, "'/dev/blob'");
      options.onQuery?.(statement);
      await client.query(statement, [], { blob: new Blob([new Uint8Array(data)]) });
    },
    ping: async () => void (await pglite.execute(sql`SELECT 1`)),
    close: () => client.close(),
  };
}
