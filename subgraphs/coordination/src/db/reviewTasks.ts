import { and, asc, eq, gt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@saf/db';
import type { KeysetCursor } from '../cursor.ts';
import { reviewTasks } from './schema.ts';

export type ReviewTaskRow = typeof reviewTasks.$inferSelect;
export type NewReviewTask = typeof reviewTasks.$inferInsert;

/** Stores tasks; one already stored (the same event delivered again) is left as it is. Returns how many are new. */
export async function insertTasks(db: Db, tasks: NewReviewTask[]): Promise<number> {
  if (!tasks.length) return 0;
  const rows = await db.insert(reviewTasks).values(tasks).onConflictDoNothing({ target: reviewTasks.id }).returning({ id: reviewTasks.id });
  return rows.length;
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
