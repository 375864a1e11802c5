import { and, asc, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '@saf/db';
import type { KeysetCursor } from '../cursor.ts';
import { reviewTaskEvents, reviewTasks } from './schema.ts';

export type ReviewTaskRow = typeof reviewTasks.$inferSelect;

/** What a new task says; its status, time and history are the store's own. */
export type NewReviewTask = Pick<typeof reviewTasks.$inferInsert, 'id' | 'department' | 'householdId' | 'regionCode' | 'personId' | 'awardId' | 'reason'>;

/**
 * Stores tasks; one already stored (the same event delivered again, a yearly review a sweep
 * comes across again) is left as it is. Returns how many are new. One JSON parameter for them
 * all: a sweep page brings hundreds, and a parameter per value cost more to build and bind than
 * the statement took to run.
 */
export async function insertTasks(db: Db, tasks: NewReviewTask[]): Promise<number> {
  if (!tasks.length) return 0;
  const json = JSON.stringify(tasks.map((t) => ({ id: t.id, department: t.department, householdId: t.householdId, regionCode: t.regionCode, personId: t.personId ?? null, awardId: t.awardId ?? null, reason: t.reason })));
  const [row] = await rowsOf<{ n: number }>(
    db,
    sql`WITH added AS (
          INSERT INTO ${reviewTasks} (id, department, household_id, region_code, person_id, award_id, reason)
          SELECT t.id, t.department, t."householdId", t."regionCode", t."personId", t."awardId", t.reason
          FROM jsonb_to_recordset(${json}::jsonb) AS t(id text, department text, "householdId" text, "regionCode" text, "personId" text, "awardId" text, reason text)
          ON CONFLICT (id) DO NOTHING
          RETURNING 1)
        SELECT count(*)::int AS n FROM added`,
  );
  return row?.n ?? 0;
}

/** Tasks under a region prefix, oldest first, keyset-paginated; an officer's of their department. */
export async function listTasks(db: Db, filter: { regionPrefix: string; department?: string | null }, first: number, after: KeysetCursor | null) {
  const conditions: SQL[] = [sql`${reviewTasks.regionCode} LIKE ${`${filter.regionPrefix}%`}`];
  if (filter.department) conditions.push(eq(reviewTasks.department, filter.department));
  const [total] = await db.select({ n: sql<number>`count(*)::int` }).from(reviewTasks).where(and(...conditions));
  const page = after ? [...conditions, or(gt(reviewTasks.createdAt, after.at), and(eq(reviewTasks.createdAt, after.at), gt(reviewTasks.id, after.id)))!] : conditions;
  const rows = await db.select().from(reviewTasks).where(and(...page)).orderBy(asc(reviewTasks.createdAt), asc(reviewTasks.id)).limit(first + 1);
  return { rows: rows.slice(0, first), hasNextPage: rows.length > first, totalCount: total?.n ?? 0 };
}

export type ReviewTaskEventRow = typeof reviewTaskEvents.$inferSelect;

export async function taskById(db: Db, id: string): Promise<ReviewTaskRow | null> {
  const [row] = await db.select().from(reviewTasks).where(eq(reviewTasks.id, id));
  return row ?? null;
}

/** Closes an OPEN task and records it in its history, together; null when it was no longer OPEN. */
export async function closeTask(db: Db, id: string, close: { outcome: string; note: string; bySub: string; byRole: string }): Promise<ReviewTaskRow | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(reviewTasks)
      .set({ status: 'CLOSED', outcome: close.outcome, note: close.note, closedBy: close.bySub, closedAt: sql`now()` })
      .where(and(eq(reviewTasks.id, id), eq(reviewTasks.status, 'OPEN')))
      .returning();
    if (!row) return null;
    await tx.insert(reviewTaskEvents).values({ taskId: id, action: 'CLOSE', ...close });
    return row;
  });
}

export async function eventsByTaskIds(db: Db, ids: readonly string[]): Promise<ReviewTaskEventRow[][]> {
  const rows = ids.length ? await db.select().from(reviewTaskEvents).where(inArray(reviewTaskEvents.taskId, [...ids])).orderBy(asc(reviewTaskEvents.seq)) : [];
  const by = new Map<string, ReviewTaskEventRow[]>();
  for (const row of rows) by.set(row.taskId, [...(by.get(row.taskId) ?? []), row]);
  return ids.map((id) => by.get(id) ?? []);
}
