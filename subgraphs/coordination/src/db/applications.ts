import { and, asc, eq, gt, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@saf/db';
import { applicationEvents, applications } from './schema.ts';
import type { KeysetCursor } from '../cursor.ts';

export type ApplicationRow = typeof applications.$inferSelect;
export type ApplicationEventRow = typeof applicationEvents.$inferSelect;

export async function applicationById(db: Db, id: string): Promise<ApplicationRow | null> {
  const [row] = await db.select().from(applications).where(eq(applications.id, id));
  return row ?? null;
}

export async function eventsOf(db: Db, id: string): Promise<ApplicationEventRow[]> {
  return db.select().from(applicationEvents).where(eq(applicationEvents.applicationId, id)).orderBy(asc(applicationEvents.seq));
}

export async function eventsByApplicationIds(db: Db, ids: readonly string[]): Promise<ApplicationEventRow[][]> {
  const rows = ids.length ? await db.select().from(applicationEvents).where(inArray(applicationEvents.applicationId, [...ids])).orderBy(asc(applicationEvents.seq)) : [];
  const by = new Map<string, ApplicationEventRow[]>();
  for (const row of rows) by.set(row.applicationId, [...(by.get(row.applicationId) ?? []), row]);
  return ids.map((id) => by.get(id) ?? []);
}

export type NewEvent = Omit<typeof applicationEvents.$inferInsert, 'seq' | 'at' | 'applicationId'>;

/** A new application and its first event, together. */
export async function insertApplication(db: Db, row: typeof applications.$inferInsert, event: NewEvent): Promise<ApplicationRow> {
  return db.transaction(async (tx) => {
    const [inserted] = await tx.insert(applications).values(row).returning();
    await tx.insert(applicationEvents).values({ ...event, applicationId: row.id });
    return inserted!;
  });
}

/**
 * Moves an application on, if nobody else has since `version` was read: the update and its event
 * together, or neither. Null when another step won.
 */
export async function advanceRow(db: Db, id: string, version: number, changes: Partial<typeof applications.$inferInsert>, event: NewEvent): Promise<ApplicationRow | null> {
  return db.transaction(async (tx) => {
    const stageChanged = changes.stage !== undefined && changes.stage !== event.fromStage;
    const [row] = await tx
      .update(applications)
      .set({ ...changes, version: version + 1, ...(stageChanged ? { stageSince: sql`now()` } : {}) })
      .where(and(eq(applications.id, id), eq(applications.version, version)))
      .returning();
    if (!row) return null;
    await tx.insert(applicationEvents).values({ ...event, applicationId: id });
    return row;
  });
}

export interface ApplicationFilter {
  regionPrefix: string;
  stage?: string | null;
  department?: string | null;
}

/** Applications under a region prefix, oldest filed first (a worklist), keyset-paginated. */
export async function listApplications(db: Db, filter: ApplicationFilter, first: number, after: KeysetCursor | null) {
  const conditions: SQL[] = [like(applications.regionCode, `${filter.regionPrefix}%`)];
  if (filter.stage) conditions.push(eq(applications.stage, filter.stage));
  if (filter.department) conditions.push(eq(applications.department, filter.department));
  const total = await db.select({ n: sql<number>`count(*)::int` }).from(applications).where(and(...conditions));
  const page = after ? [...conditions, or(gt(applications.createdAt, after.at), and(eq(applications.createdAt, after.at), gt(applications.id, after.id)))!] : conditions;
  const rows = await db.select().from(applications).where(and(...page)).orderBy(asc(applications.createdAt), asc(applications.id)).limit(first + 1);
  return { rows: rows.slice(0, first), hasNextPage: rows.length > first, totalCount: total[0]?.n ?? 0 };
}

/**
 * Takes the application for an approval under way (`approval_claim` RUNNING), if nobody has
 * taken a step since `version` was read: from then on every other step is refused until the
 * approval ends. Returns the new version, or null when another step won.
 */
export async function claimApproval(db: Db, id: string, version: number): Promise<number | null> {
  const [row] = await db
    .update(applications)
    .set({ approvalClaim: 'RUNNING', approvalClaimedAt: sql`now()`, version: version + 1 })
    .where(and(eq(applications.id, id), eq(applications.version, version)))
    .returning({ version: applications.version });
  return row?.version ?? null;
}

/**
 * Ends a claim whose approval did not happen: `release` when the department wrote nothing (the
 * application is as it was), else `UNCONFIRMED` (the outcome is not known: only APPROVE again,
 * which writes the same awards, may end it).
 */
export async function endClaim(db: Db, id: string, version: number, how: 'release' | 'UNCONFIRMED'): Promise<void> {
  await db
    .update(applications)
    .set(how === 'release' ? { approvalClaim: null, approvalClaimedAt: null, version: version + 1 } : { approvalClaim: 'UNCONFIRMED', version: version + 1 })
    .where(and(eq(applications.id, id), eq(applications.version, version)));
}
