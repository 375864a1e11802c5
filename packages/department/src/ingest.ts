import type { IncomingMessage, ServerResponse } from 'node:http';
import { getTableName, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { rowsOf, type Database, type Db } from '@saf/db';
import { LOADER } from '@saf/auth';
import { ownerOf, validateRecord, type AWARD_RECIPIENT, type AwardRecipientRecord, type InterchangeRecord, type LineError, type RecordType } from '@saf/interchange';
import type { Department } from '@saf/programmes';
import { Counter, Gauge } from 'prom-client';
import { HttpError, metric, parseJson, sendJson, type Logger, type Route, type VerifiedRequest } from '@saf/service';
import { awards } from './schema.ts';

/** A record as staged: an interchange record, or one the loader derives (civil affairs' award recipients). */
export type StagedRecord = InterchangeRecord | AwardRecipientRecord;

/** One kind of record a department stores, and how staged records of it become rows. */
export interface IngestKind {
  type: RecordType | typeof AWARD_RECIPIENT;
  /** Department-specific checks (e.g. the `details` of a programme); [] when the record is fine. */
  check?: (record: InterchangeRecord, line: number) => LineError[];
  /**
   * For a kind that is not an interchange record (never in a file: the loader derives it), its own
   * validation instead of the interchange schemas and the ownership check.
   */
  validate?: (value: unknown, line: number) => { ok: true; record: StagedRecord } | { ok: false; errors: LineError[] };
  /** Moves this load's staged records of the kind into its table; returns the rows written. */
  commit: (tx: Db, loadId: string) => Promise<number>;
  /** The table `commit` writes, and the columns the service's queries filter and join on (see `refreshStatistics`). */
  statistics: { table: PgTable; columns: readonly PgColumn[] };
}

export interface StagedLine {
  line: number;
  record: unknown;
}

const LOAD_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function rowCount(result: unknown): number {
  const r = result as { rowCount?: number | null; affectedRows?: number };
  return r.rowCount ?? r.affectedRows ?? 0;
}

/** Validates a batch as this department's records; the errors name line and field. */
export function checkBatch(department: Department, kinds: IngestKind[], batch: StagedLine[]): { records: { line: number; record: StagedRecord }[]; errors: LineError[] } {
  const errors: LineError[] = [];
  const records: { line: number; record: StagedRecord }[] = [];
  for (const { line, record } of batch) {
    const type = typeof record === 'object' && record !== null ? (record as { type?: unknown }).type : undefined;
    const derived = kinds.find((k) => k.validate && k.type === type);
    if (derived) {
      const result = derived.validate!(record, line);
      if (result.ok) records.push({ line, record: result.record });
      else errors.push(...result.errors);
      continue;
    }
    const result = validateRecord(record, line);
    if (!result.ok) {
      errors.push(...result.errors);
      continue;
    }
    const owner = ownerOf(result.record);
    const kind = kinds.find((k) => k.type === result.record.type);
    if (owner !== department || !kind) {
      errors.push({ line, field: result.record.type === 'award' ? 'department' : 'type', message: `belongs to ${owner}, not ${department}` });
      continue;
    }
    const extra = kind.check?.(result.record, line) ?? [];
    if (extra.length) errors.push(...extra);
    else records.push({ line, record: result.record });
  }
  return { records, errors };
}

/** A field of PostgreSQL's COPY text format: backslash, tab, newline and carriage return escaped. */
function copyField(text: string): string {
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : text;
}

const STAGING_COLUMNS = ['load_id', 'line', 'kind', 'payload'] as const;
const UNIQUE_VIOLATION = '23505';

/** The batch as COPY rows of `ingest_staging`, one buffer sized once. */
function stagingRows(loadId: string, records: readonly { line: number; record: StagedRecord }[]): Buffer {
  const rows = records.map(({ line, record }) => `${loadId}\t${line}\t${record.type}\t${copyField(JSON.stringify(record))}\n`);
  let size = 0;
  for (const row of rows) size += Buffer.byteLength(row);
  const data = Buffer.allocUnsafe(size);
  let at = 0;
  for (const row of rows) at += data.write(row, at);
  return data;
}

/**
 * Stages a batch with COPY: a row each, every row or none. Each record is serialised on its own,
 * as validated (never the request's own bytes: what is stored is exactly what was checked). A
 * batch staged before (a retry whose first answer was lost) collides with its own rows: it is
 * then upserted line by line instead, replacing them. (COPY, not a multi-row INSERT of one JSON
 * parameter: 0.65 s of the database's time for 75,872 awards against 1.6–1.9 s, and no megabyte
 * string a batch in the service.)
 */
export async function stage(database: Pick<Database, 'db' | 'copyIn'>, loadId: string, records: { line: number; record: StagedRecord }[]): Promise<void> {
  if (!records.length) return;
  try {
    await database.copyIn('ingest_staging', STAGING_COLUMNS, stagingRows(loadId, records));
  } catch (err) {
    if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
    await database.db.execute(sql`
      INSERT INTO ingest_staging (load_id, line, kind, payload)
      SELECT ${loadId}, (e->>'line')::int, e->'record'->>'type', e->'record'
      FROM jsonb_array_elements(${JSON.stringify(records)}::jsonb) AS e
      ON CONFLICT (load_id, line) DO UPDATE SET kind = excluded.kind, payload = excluded.payload`);
  }
}

/**
 * Moves a staged load into the department's tables inside `tx`, under the load's lock: a second
 * commit of the same load waits for the first, then finds its staging gone and changes nothing.
 */
async function apply(tx: Db, kinds: IngestKind[], loadId: string): Promise<Record<string, number>> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`ingest:${loadId}`}))`);
  const counts: Record<string, number> = {};
  for (const kind of kinds) counts[kind.type] = await kind.commit(tx, loadId);
  await tx.execute(sql`DELETE FROM ingest_staging WHERE load_id = ${loadId}`);
  // A new data version with the rows, in their transaction: the coordination office's figures
  // computed from the old data are recomputed (statistics.ts, `dataVersion`). A load that changed
  // nothing (loaded twice) leaves the version, and those figures, as they are.
  if (Object.values(counts).some((n) => n > 0)) await tx.execute(sql`INSERT INTO data_versions DEFAULT VALUES`);
  return counts;
}

/**
 * Applies a staged load in one transaction: the department's data is as before or as after, never
 * half (a killed service or a lost connection rolls it back). Committing the same load again — a
 * loader that lost the answer and retries, or two at once — finds nothing left and changes
 * nothing: the lock makes the second wait for the first, then see its staging gone.
 */
export async function commit(db: Db, kinds: IngestKind[], loadId: string): Promise<Record<string, number>> {
  const counts = await db.transaction((tx) => apply(tx as unknown as Db, kinds, loadId));
  await dropStale(db);
  return counts;
}

/**
 * Loads a service holds prepared at once, at most: each keeps one of the pool's connections, and
 * two stay for everything else (a pool of 5, the default, holds 3; one of 2 holds none).
 */
export const MAX_HELD = 3;
const FREE_CONNECTIONS = 2;

class RolledBack extends Error {}

const loadsHeld = metric('saf_ingest_loads_held', () => new Gauge({ name: 'saf_ingest_loads_held', help: 'Loads held prepared (applied, not yet committed), by department.', labelNames: ['department'] as const }));
const preparedLoads = metric(
  'saf_ingest_prepared_loads_total',
  () =>
    new Counter({
      name: 'saf_ingest_prepared_loads_total',
      help: 'Prepared loads by how they ended: committed, rolled_back (asked, or on shutdown), timed_out (no commit within INGEST_HOLD_MS) or failed.',
      labelNames: ['department', 'outcome'] as const,
    }),
);

export interface PreparedLoadsOptions {
  /** How long a prepared load waits for its commit before it rolls back (0: prepare refused). */
  holdMs: number;
  log: Logger;
  /** The metrics' label. */
  department: string;
}

interface Held {
  /** The counts once applied (rejects when applying failed). */
  applied: Promise<Record<string, number>>;
  /** The first call wins; later ones change nothing. */
  decide: (decision: 'commit' | 'rollback') => void;
  /** True once committed; false once rolled back (asked, timed out, failed or shut down). Never rejects. */
  settled: Promise<boolean>;
}

/**
 * Loads applied in a transaction held open until the loader commits or drops them (`prepare`).
 * The loader prepares the other departments while civil affairs commits, so that their work
 * overlaps and their data still appears only once civil affairs' persons and households have.
 * Nothing here is ever required: a hold that times out, fails or dies with the service rolls
 * back, the load's staging is back as it was, and `commit` then applies it the usual way. Held
 * rows stay locked: a writer of the same rows waits, at most `holdMs`. Needs a pool: PGlite has
 * one connection, and a held transaction would stop every other query of the service.
 */
export class PreparedLoads {
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly database: Pick<Database, 'db' | 'kind' | 'poolSize'>,
    private readonly kinds: IngestKind[],
    private readonly options: PreparedLoadsOptions,
  ) {}

  /** Applies the load and holds it; the same load prepared again gets the same hold. */
  prepare(loadId: string): Promise<Record<string, number>> {
    const existing = this.held.get(loadId);
    if (existing) return existing.applied;
    if (this.database.kind !== 'postgres') throw new HttpError(409, 'prepare needs a PostgreSQL server, and this service keeps an embedded database: commit the load instead');
    if (this.options.holdMs <= 0) throw new HttpError(409, 'prepare is switched off here (INGEST_HOLD_MS=0): commit the load instead');
    const most = Math.min(MAX_HELD, this.database.poolSize - FREE_CONNECTIONS);
    if (most <= 0) throw new HttpError(409, `a pool of ${this.database.poolSize} connections (DATABASE_POOL_SIZE) is too small to hold a load prepared: commit the load instead`);
    if (this.held.size >= most) throw new HttpError(409, `${most === 1 ? 'a load is' : `${most} loads are`} held prepared already: commit this one instead`);
    let decide!: Held['decide'];
    const decision = new Promise<'commit' | 'rollback'>((resolve) => (decide = resolve));
    let markApplied!: (counts: Record<string, number>) => void;
    let markFailed!: (err: unknown) => void;
    const applied = new Promise<Record<string, number>>((resolve, reject) => {
      markApplied = resolve;
      markFailed = reject;
    });
    applied.catch(() => {}); // Reported by whoever awaits it, or not at all.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.options.log.warn({ loadId, holdMs: this.options.holdMs }, 'a prepared load was neither committed nor dropped in time; rolled back, its staging kept');
      decide('rollback');
    }, this.options.holdMs);
    timer.unref();
    const settled = this.database.db
      .transaction(async (tx) => {
        markApplied(await apply(tx as unknown as Db, this.kinds, loadId));
        if ((await decision) === 'rollback') throw new RolledBack();
      })
      .then(
        () => ({ committed: true, err: undefined as unknown }),
        (err: unknown) => ({ committed: false, err }),
      )
      .then(({ committed, err }) => {
        clearTimeout(timer);
        if (this.held.get(loadId) === entry) this.held.delete(loadId);
        loadsHeld.set({ department: this.options.department }, this.held.size);
        const failed = !committed && !(err instanceof RolledBack);
        if (failed) this.options.log.warn({ err: (err as Error).message, loadId }, 'a prepared load failed; rolled back, its staging kept');
        preparedLoads.inc({ department: this.options.department, outcome: committed ? 'committed' : failed ? 'failed' : timedOut ? 'timed_out' : 'rolled_back' });
        // Last, so that whoever awaited the prepare sees the hold already gone.
        if (!committed) markFailed(err);
        return committed;
      });
    const entry: Held = { applied, decide, settled };
    this.held.set(loadId, entry);
    loadsHeld.set({ department: this.options.department }, this.held.size);
    return applied;
  }

  /** Commits a held load: its counts, or undefined when none is held (or it rolled back meanwhile). */
  async commit(loadId: string): Promise<Record<string, number> | undefined> {
    const held = this.held.get(loadId);
    if (!held) return undefined;
    held.decide('commit');
    return (await held.settled) ? held.applied : undefined;
  }

  /** Rolls a held load back (nothing when none is held). */
  async rollback(loadId: string): Promise<void> {
    const held = this.held.get(loadId);
    if (!held) return;
    held.decide('rollback');
    await held.settled;
  }

  /** Rolls every held load back: before the pool closes, which would wait for them. */
  async close(): Promise<void> {
    const all = [...this.held.values()];
    for (const held of all) held.decide('rollback');
    await Promise.all(all.map((h) => h.settled));
  }

  get size(): number {
    return this.held.size;
  }
}

/** Rows a commit must write into a table, at the least, before its statistics are refreshed at once. */
export const ANALYZE_MIN_ROWS = 1000;

/**
 * After a commit that wrote many rows into a table (at least `ANALYZE_MIN_ROWS`, and a tenth of
 * what the table held), brings the planner's statistics of the columns that matter up to date at
 * once, as PostgreSQL advises after a bulk load, rather than when autovacuum next looks (up to a
 * minute later, or never on PGlite). Until then queries are planned for the table as it was: on a
 * fresh load civil affairs' sweep pages took 20 ms each instead of 1 (a sort of the whole region
 * planned for 126 rows). Returns the tables analysed.
 */
export async function refreshStatistics(db: Db, kinds: readonly IngestKind[], counts: Record<string, number>): Promise<string[]> {
  const analysed: string[] = [];
  for (const { type, statistics } of kinds) {
    const written = counts[type] ?? 0;
    if (written < ANALYZE_MIN_ROWS) continue;
    const name = getTableName(statistics.table);
    // Rows as of the last ANALYZE or VACUUM (-1 when never): inserts do not change it.
    const [row] = await rowsOf<{ reltuples: number | string }>(db, sql`SELECT reltuples FROM pg_class WHERE oid = ${name}::regclass`);
    if (written < Math.max(0, Number(row?.reltuples ?? 0)) / 10) continue;
    await db.execute(sql`ANALYZE ${statistics.table} (${sql.join(statistics.columns.map((c) => sql.identifier(c.name)), sql`, `)})`);
    analysed.push(name);
  }
  return analysed;
}

/**
 * Staging left by loads that never finished (a loader killed while staging, or between two
 * departments' commits): a day is far longer than any load, and nothing ever commits those ids.
 */
export async function dropStale(db: Db): Promise<void> {
  await db.execute(sql`DELETE FROM ingest_staging WHERE staged_at < now() - interval '1 day'`);
}

export async function abort(db: Db, loadId: string): Promise<void> {
  await db.execute(sql`DELETE FROM ingest_staging WHERE load_id = ${loadId}`);
  await dropStale(db);
}

/** Awards: insert new, replace changed, leave identical rows untouched (a re-load changes nothing). */
export const awardKind: IngestKind = {
  type: 'award',
  statistics: { table: awards, columns: [awards.personId, awards.householdId, awards.regionCode, awards.programme, awards.status] },
  commit: async (tx, loadId) =>
    rowCount(
      await tx.execute(sql`
        INSERT INTO ${awards} (id, programme, person_id, household_id, region_code, amount_fen, frequency, start_date, end_date, status, details)
        SELECT r.id, r.programme, r."personId", r."householdId", r."regionCode", r."amountFen", r.frequency,
               r."startDate"::date, r."endDate"::date, r.status, coalesce(r.details, '{}'::jsonb)
        FROM ingest_staging s,
             jsonb_to_record(s.payload) AS r(id text, programme text, "personId" text, "householdId" text, "regionCode" text,
               "amountFen" integer, frequency text, "startDate" text, "endDate" text, status text, details jsonb)
        WHERE s.load_id = ${loadId} AND s.kind = 'award'
        ON CONFLICT (id) DO UPDATE SET
          programme = excluded.programme, person_id = excluded.person_id, household_id = excluded.household_id,
          region_code = excluded.region_code, amount_fen = excluded.amount_fen, frequency = excluded.frequency,
          start_date = excluded.start_date, end_date = excluded.end_date, status = excluded.status,
          details = excluded.details, updated_at = now()
        WHERE (awards.programme, awards.person_id, awards.household_id, awards.region_code, awards.amount_fen,
               awards.frequency, awards.start_date, awards.end_date, awards.status, awards.details)
          IS DISTINCT FROM (excluded.programme, excluded.person_id, excluded.household_id, excluded.region_code,
               excluded.amount_fen, excluded.frequency, excluded.start_date, excluded.end_date, excluded.status, excluded.details)`),
    ),
};

export interface IngestRouteOptions {
  /** The department's database: ingest writes to its primary. */
  database: Pick<Database, 'db' | 'copyIn' | 'kind' | 'poolSize'>;
  department: Department;
  kinds: IngestKind[];
  /** Where a failed statistics refresh after a commit, or a prepared load that rolled back, is reported. */
  log: Logger;
  /** How long a prepared load is held for its commit before it rolls back (0: prepare refused). */
  holdMs?: number;
  /** Extra ingest endpoints (e.g. civil affairs answers which persons and households exist). */
  extra?: (req: IncomingMessage, res: ServerResponse, parts: string[], request: VerifiedRequest) => Promise<boolean>;
}

/** How long a prepared load waits for its commit by default (INGEST_HOLD_MS). */
export const DEFAULT_HOLD_MS = 120_000;

/**
 * `POST /ingest/<load>/records` stages a batch (`{ records: [{ line, record }] }`, 422 with every
 * error), `POST /ingest/<load>/prepare` applies the load in a transaction it holds open (see
 * `PreparedLoads`; 409 where it cannot), `POST /ingest/<load>/commit` commits the held one or
 * applies the load in one transaction, `DELETE /ingest/<load>` rolls a held one back and drops the
 * load. `close` rolls back what is still held (on shutdown).
 */
export function ingestRoute(options: IngestRouteOptions): Route & { close: () => Promise<void> } {
  const { db } = options.database;
  const prepared = new PreparedLoads(options.database, options.kinds, { holdMs: options.holdMs ?? DEFAULT_HOLD_MS, log: options.log, department: options.department });
  // Only signed requests reach a route; this one answers only the loader (signed loader→<this department>).
  const route: Route = async (req, res, url, request) => {
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] !== 'ingest') return false;
    if (request.from !== LOADER) throw new HttpError(403, 'only the loader stages and commits loads', { error: 'only the loader stages and commits loads', reason: 'wrong_sender' });
    if (options.extra && (await options.extra(req, res, parts.slice(1), request))) return true;
    const [, loadId, action] = parts;
    if (!loadId || !LOAD_ID.test(loadId)) throw new HttpError(400, 'load id must be 1-64 letters, digits, - or _');
    if (req.method === 'POST' && action === 'records') {
      const body = parseJson(request.body) as { records?: StagedLine[] };
      if (!Array.isArray(body.records)) throw new HttpError(400, 'body must be { records: [{ line, record }] }');
      const { records, errors } = checkBatch(options.department, options.kinds, body.records);
      if (errors.length) {
        sendJson(res, 422, { errors });
        return true;
      }
      await stage(options.database, loadId, records);
      sendJson(res, 200, { staged: records.length });
      return true;
    }
    if (req.method === 'POST' && action === 'prepare') {
      sendJson(res, 200, { counts: await prepared.prepare(loadId), held: true });
      return true;
    }
    if (req.method === 'POST' && action === 'commit') {
      const held = await prepared.commit(loadId);
      const counts = held ?? (await commit(db, options.kinds, loadId));
      if (held) await dropStale(db);
      sendJson(res, 200, { counts });
      // After the answer: the loader goes on to the next department meanwhile. A failure only
      // leaves the statistics to autovacuum.
      refreshStatistics(db, options.kinds, counts).catch((err: Error) => options.log.warn({ err: err.message, loadId }, 'statistics not refreshed after a load'));
      return true;
    }
    if (req.method === 'DELETE' && !action) {
      await prepared.rollback(loadId);
      await abort(db, loadId);
      sendJson(res, 200, { aborted: loadId });
      return true;
    }
    throw new HttpError(404, `no ingest action ${req.method} ${url.pathname}`);
  };
  return Object.assign(route, { close: () => prepared.close() });
}
