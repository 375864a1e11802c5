import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { anyOf, type Db } from '@saf/db';
import { encodeCursor, type KeysetCursor } from '../cursor.ts';
import { sweeps } from './schema.ts';

export type SweepRow = typeof sweeps.$inferSelect;

/** Statuses of a sweep under way: it holds its scope until it ends (DONE or FAILED). */
const UNDER_WAY = ['QUEUED', 'RUNNING'];

/**
 * The transaction-level advisory lock every decision about starting a sweep takes, in whichever
 * coordination process it is made: one decision at a time, on what the others committed, so two
 * requests at once cannot both find the coast clear. (An arbitrary key, used for nothing else.)
 */
const SWEEP_LOCK = 654_020_251;

const INTERRUPTED = 'interrupted: the coordination service running the sweep stopped';

/** Two scopes overlap when one region is a prefix of the other, or they are the same. */
export function overlaps(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

async function lockSweeps(tx: Db): Promise<void> {
  await tx.execute(sql.raw(`SELECT pg_advisory_xact_lock(${SWEEP_LOCK})`));
}

/**
 * Fails the sweeps under way whose process stopped renewing their heartbeat (`staleMs` ago or
 * more; null: every sweep under way): they would never end, and would hold their scope for ever.
 */
async function failAbandoned(tx: Db, staleMs: number | null): Promise<void> {
  const stale = staleMs === null ? sql`true` : sql`${sweeps.heartbeatAt} < clock_timestamp() - ${staleMs} * interval '1 millisecond'`;
  await tx
    .update(sweeps)
    .set({ status: 'FAILED', error: INTERRUPTED, finishedAt: sql`clock_timestamp()` })
    .where(and(inArray(sweeps.status, UNDER_WAY), stale));
}

export interface SweepRequest {
  id: string;
  regionCode: string;
  requestedBy: string;
  /** The process that will run it (`SweepTurns.owner`). */
  owner: string;
  /** Sweeps one caller may have under way (SWEEP_MAX_PER_CALLER). */
  maxPerCaller: number;
  /** A heartbeat this old means the process running a sweep stopped. */
  staleMs: number;
}

export type Claim = { sweep: SweepRow; joined: boolean } | { refused: 'TOO_MANY'; underWay: number };

/**
 * Decides, under the sweep lock, what a request for a sweep gets: the sweep of the same region
 * already under way (joined: one sweep, however many ask at once); a refusal when the caller has
 * `maxPerCaller` sweeps under way; else a new sweep, RUNNING, or QUEUED when a sweep under way
 * overlaps its scope (it starts when they have ended, `startQueued`).
 */
export async function claimSweep(db: Db, request: SweepRequest): Promise<Claim> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await lockSweeps(t);
    await failAbandoned(t, request.staleMs);
    const underWay = await t.select().from(sweeps).where(inArray(sweeps.status, UNDER_WAY));
    const same = underWay.find((s) => s.regionCode === request.regionCode);
    if (same) return { sweep: same, joined: true };
    const mine = underWay.filter((s) => s.requestedBy === request.requestedBy).length;
    if (mine >= request.maxPerCaller) return { refused: 'TOO_MANY', underWay: mine };
    const blocked = underWay.some((s) => overlaps(s.regionCode, request.regionCode));
    // Database times, after the lock: `startedAt` is what `markGone` compares sightings with.
    const now = sql`clock_timestamp()`;
    const [row] = await t
      .insert(sweeps)
      .values({ id: request.id, regionCode: request.regionCode, status: blocked ? 'QUEUED' : 'RUNNING', requestedBy: request.requestedBy, owner: request.owner, requestedAt: now, startedAt: now, heartbeatAt: now })
      .returning();
    return { sweep: row!, joined: false };
  });
}

/**
 * Starts those of `ids` (QUEUED sweeps of one process) whose turn has come: no sweep running over
 * their scope, and none asked for earlier over it still waiting (first come, first served, so a
 * stream of small sweeps cannot hold back a larger one for ever). Returns the ones started, and
 * those of `ids` no longer waiting (failed meanwhile, e.g. as abandoned).
 */
export async function startQueued(db: Db, ids: string[], staleMs: number): Promise<{ started: SweepRow[]; ended: string[] }> {
  if (!ids.length) return { started: [], ended: [] };
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await lockSweeps(t);
    await failAbandoned(t, staleMs);
    const underWay = await t.select().from(sweeps).where(inArray(sweeps.status, UNDER_WAY)).orderBy(asc(sweeps.requestedAt), asc(sweeps.id));
    const queued = underWay.filter((s) => s.status === 'QUEUED');
    const holding = underWay.filter((s) => s.status === 'RUNNING').map((s) => s.regionCode);
    const started: SweepRow[] = [];
    for (const s of queued) {
      const free = !holding.some((r) => overlaps(r, s.regionCode));
      holding.push(s.regionCode);
      if (!free || !ids.includes(s.id)) continue;
      const [row] = await t
        .update(sweeps)
        .set({ status: 'RUNNING', startedAt: sql`clock_timestamp()`, heartbeatAt: sql`clock_timestamp()` })
        .where(eq(sweeps.id, s.id))
        .returning();
      started.push(row!);
    }
    return { started, ended: ids.filter((id) => !queued.some((s) => s.id === id)) };
  });
}

/** The process running these sweeps is alive: renews their heartbeat. */
export async function renewHeartbeat(db: Db, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await db.update(sweeps).set({ heartbeatAt: sql`clock_timestamp()` }).where(and(anyOf(sweeps.id, ids), inArray(sweeps.status, UNDER_WAY)));
}

/** Fails the sweeps whose process stopped, without waiting for a request to notice (see failAbandoned). */
export async function reapAbandoned(db: Db, staleMs: number): Promise<void> {
  await failAbandoned(db, staleMs);
}

/**
 * A sweep has read its whole scope: DONE, unless it no longer runs (failed meanwhile as
 * abandoned). Inside the transaction that marks what it did not see as gone.
 */
export async function completeSweep(tx: Db, id: string): Promise<boolean> {
  const done = await tx
    .update(sweeps)
    .set({ status: 'DONE', finishedAt: sql`clock_timestamp()` })
    .where(and(eq(sweeps.id, id), eq(sweeps.status, 'RUNNING')))
    .returning({ id: sweeps.id });
  return done.length === 1;
}

/** Fails sweeps that are under way (a DONE one stays DONE). */
export async function failSweeps(db: Db, ids: string[], error: string): Promise<void> {
  if (!ids.length) return;
  await db
    .update(sweeps)
    .set({ status: 'FAILED', error: error.slice(0, 500), finishedAt: sql`clock_timestamp()` })
    .where(and(anyOf(sweeps.id, ids), inArray(sweeps.status, UNDER_WAY)));
}

export async function sweepById(db: Db, id: string): Promise<SweepRow | null> {
  const [row] = await db.select().from(sweeps).where(eq(sweeps.id, id));
  return row ?? null;
}

/**
 * A page of the sweeps of regions under a prefix, the most recently asked for first (then by id):
 * `requestedAt` never changes, unlike `startedAt` (set again when a QUEUED sweep starts), so a
 * page boundary never moves. The cursor is the last row's (asked for, id).
 */
export async function listSweeps(db: Db, regionPrefix: string, first: number, after: KeysetCursor | null) {
  const where = sql`${sweeps.regionCode} LIKE ${`${regionPrefix}%`}`;
  const page = after ? and(where, sql`(${sweeps.requestedAt}, ${sweeps.id}) < (${after.at}::timestamptz, ${after.id})`)! : where;
  const rows = await db.select().from(sweeps).where(page).orderBy(desc(sweeps.requestedAt), desc(sweeps.id)).limit(first + 1);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(sweeps).where(where);
  const nodes = rows.slice(0, first);
  return {
    edges: nodes.map((node) => ({ node, cursor: encodeCursor(node.requestedAt, node.id) })),
    pageInfo: { hasNextPage: rows.length > first, endCursor: nodes.length ? encodeCursor(nodes.at(-1)!.requestedAt, nodes.at(-1)!.id) : null },
    totalCount: count?.n ?? 0,
  };
}

export async function updateSweep(db: Db, id: string, values: Partial<Omit<SweepRow, 'id'>>): Promise<void> {
  await db.update(sweeps).set(values).where(eq(sweeps.id, id));
}

/**
 * On start, sweeps a stopped process left under way: they did not finish. PGlite has this one
 * process, so every sweep under way is such a one; on a server other replicas run theirs, so
 * only those whose heartbeat stopped (`staleMs`; the rest are failed once it has, by any replica).
 */
export async function failInterrupted(db: Db, staleMs: number | null): Promise<void> {
  await failAbandoned(db, staleMs);
}
