import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { anyOf, rowsOf, type Db } from '@saf/db';
import type { Finding } from '@saf/rules';
import { encodeCursor, type FindingOrder, type KeysetCursor } from '../cursor.ts';
import type { Party } from '../findingView.ts';
import { findingEvents, findings, sweeps } from './schema.ts';

export type FindingRow = typeof findings.$inferSelect;
export type FindingEventRow = typeof findingEvents.$inferSelect;
export interface Actor {
  sub: string | null;
  role: string | null;
}

export async function findingsByIds(db: Db, ids: readonly string[]): Promise<(FindingRow | null)[]> {
  if (!ids.length) return [];
  const rows = await db.select().from(findings).where(inArray(findings.id, [...ids]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

export async function eventsByFindingIds(db: Db, ids: readonly string[]): Promise<FindingEventRow[][]> {
  const rows = await db.select().from(findingEvents).where(inArray(findingEvents.findingId, [...ids])).orderBy(asc(findingEvents.seq));
  const groups = new Map<string, FindingEventRow[]>(ids.map((id) => [id, []]));
  for (const row of rows) groups.get(row.findingId)?.push(row);
  return ids.map((id) => groups.get(id) ?? []);
}

/** Stored findings of a rule that involve these persons (duplicate identities found by sweeps). */
export async function standingFindingsOfPersons(db: Db, rule: string, personIds: string[]): Promise<FindingRow[]> {
  if (!personIds.length) return [];
  return db
    .select()
    .from(findings)
    .where(and(eq(findings.rule, rule), isNull(findings.goneAt), sql`${findings.personIds} && ${`{${personIds.join(',')}}`}::text[]`));
}

/** A finding as found, with where it is filed and its persons (`Party`: where they live, which awards are theirs). */
export type FoundFinding = Finding & { regionCode: string; parties: Party[] };

/** What is stored of a finding as found (its review status and times are the store's own). */
function storedFields(f: FoundFinding) {
  return {
    id: f.id,
    rule: f.rule,
    householdId: f.householdId,
    regionCode: f.regionCode,
    personIds: f.personIds,
    awardIds: f.awardIds,
    awardKeys: f.awardKeys,
    departments: f.departments,
    programmes: f.programmes,
    overlapStart: f.overlapStart,
    overlapEnd: f.overlapEnd,
    explanation: f.explanation,
    explanationEn: f.explanationEn,
    parties: f.parties,
  };
}

/**
 * Records what a sweep saw: new findings are inserted OPEN, known ones are marked seen (a review
 * decision is kept), gone ones that are back are marked so. Returns the ids new to the store.
 */
export async function recordSeen(tx: Db, seen: FoundFinding[], sweepId: string): Promise<{ created: string[]; reappeared: string[] }> {
  if (!seen.length) return { created: [], reappeared: [] };
  // JSON parameters for the whole page (a sweep page holds hundreds of findings of 13 fields;
  // a parameter per value cost more to build than the statement took to run).
  const before = new Map(
    (await tx.select({ id: findings.id, goneAt: findings.goneAt }).from(findings).where(anyOf(findings.id, seen.map((f) => f.id)))).map((r) => [r.id, r.goneAt]),
  );
  const rows = JSON.stringify(seen.map(storedFields));
  await tx.execute(sql`
    INSERT INTO ${findings} (id, rule, household_id, region_code, person_ids, award_ids, award_keys, departments, programmes,
                             overlap_start, overlap_end, explanation, explanation_en, parties, last_sweep_id)
    SELECT r.id, r.rule, r."householdId", r."regionCode", r."personIds", r."awardIds", r."awardKeys", r.departments, r.programmes,
           r."overlapStart"::date, r."overlapEnd"::date, r.explanation, r."explanationEn", r.parties, ${sweepId}
    FROM jsonb_to_recordset(${rows}::jsonb) AS r(id text, rule text, "householdId" text, "regionCode" text, "personIds" text[],
         "awardIds" text[], "awardKeys" text[], departments text[], programmes text[], "overlapStart" text, "overlapEnd" text,
         explanation text, "explanationEn" text, parties jsonb)
    ON CONFLICT (id) DO UPDATE SET
      overlap_start = excluded.overlap_start, overlap_end = excluded.overlap_end, explanation = excluded.explanation,
      explanation_en = excluded.explanation_en, region_code = excluded.region_code, household_id = excluded.household_id,
      parties = excluded.parties,
      last_seen_at = now(), last_sweep_id = excluded.last_sweep_id, gone_at = NULL`);
  const created = seen.filter((f) => !before.has(f.id)).map((f) => f.id);
  const reappeared = seen.filter((f) => before.get(f.id)).map((f) => f.id);
  const events = [...created.map((id) => ({ findingId: id, event: 'FOUND', sweepId })), ...reappeared.map((id) => ({ findingId: id, event: 'REAPPEARED', sweepId }))];
  if (events.length) {
    await tx.execute(sql`
      INSERT INTO ${findingEvents} (finding_id, event, sweep_id)
      SELECT e."findingId", e.event, e."sweepId" FROM jsonb_to_recordset(${JSON.stringify(events)}::jsonb) AS e("findingId" text, event text, "sweepId" text)`);
  }
  return { created, reappeared };
}

/**
 * Marks gone every standing finding in a DONE sweep's scope last seen before the sweep started:
 * the sweep has read its whole scope since and did not see it. A finding seen after it started
 * (by this sweep, by another one, in any order) stands; a sweep that is not DONE (still running,
 * failed, interrupted) marks nothing. Both times are the database's.
 */
export async function markGone(tx: Db, sweepId: string): Promise<number> {
  const [sweep] = await tx.select({ regionCode: sweeps.regionCode }).from(sweeps).where(and(eq(sweeps.id, sweepId), eq(sweeps.status, 'DONE')));
  if (!sweep) return 0;
  const gone = await rowsOf<{ id: string }>(
    tx,
    sql`UPDATE ${findings} SET gone_at = now()
        FROM ${sweeps} s
        WHERE s.id = ${sweepId} AND s.status = 'DONE'
          AND ${findings.regionCode} LIKE ${`${sweep.regionCode}%`} AND ${findings.goneAt} IS NULL AND ${findings.lastSeenAt} < s.started_at
        RETURNING ${findings.id} AS id`,
  );
  if (gone.length) await tx.insert(findingEvents).values(gone.map((g) => ({ findingId: g.id, event: 'GONE', sweepId })));
  return gone.length;
}

export async function countStanding(db: Db, regionPrefix: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(findings).where(and(sql`${findings.regionCode} LIKE ${`${regionPrefix}%`}`, isNull(findings.goneAt)));
  return row?.n ?? 0;
}

export interface FindingFilter {
  regionPrefix: string;
  status?: string | null;
  rule?: string | null;
  department?: string | null;
  includeGone?: boolean;
}

function whereOf(f: FindingFilter): SQL {
  const parts: SQL[] = [sql`${findings.regionCode} LIKE ${`${f.regionPrefix}%`}`];
  if (f.status) parts.push(sql`${findings.status} = ${f.status}`);
  if (f.rule) parts.push(sql`${findings.rule} = ${f.rule}`);
  if (f.department) parts.push(sql`${f.department} = ANY(${findings.departments})`);
  if (!f.includeGone) parts.push(sql`${findings.goneAt} IS NULL`);
  return and(...parts)!;
}

/**
 * A page of findings, newest first or oldest first by when a sweep first found them (then by id,
 * in the same direction); the cursor is the last row's (first seen, id) and carries the order.
 */
export async function listFindings(db: Db, filter: FindingFilter, first: number, after: KeysetCursor | null, order: FindingOrder = 'NEWEST_FIRST') {
  const where = whereOf(filter);
  const oldest = order === 'OLDEST_FIRST';
  const past = oldest ? sql`>` : sql`<`;
  const page = after ? and(where, sql`(${findings.firstSeenAt}, ${findings.id}) ${past} (${after.at}::timestamptz, ${after.id})`)! : where;
  const sort = oldest ? [asc(findings.firstSeenAt), asc(findings.id)] : [desc(findings.firstSeenAt), desc(findings.id)];
  const rows = await db.select().from(findings).where(page).orderBy(...sort).limit(first + 1);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(findings).where(where);
  const nodes = rows.slice(0, first);
  return {
    edges: nodes.map((node) => ({ node, cursor: encodeCursor(node.firstSeenAt, node.id, order) })),
    pageInfo: { hasNextPage: rows.length > first, endCursor: nodes.length ? encodeCursor(nodes.at(-1)!.firstSeenAt, nodes.at(-1)!.id, order) : null },
    totalCount: count?.n ?? 0,
  };
}

/** Confirms or dismisses a finding, recording who, when and why. */
export async function review(db: Db, id: string, status: 'CONFIRMED' | 'DISMISSED', note: string, actor: Actor): Promise<FindingRow | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.update(findings).set({ status }).where(eq(findings.id, id)).returning();
    if (!row) return null;
    await tx.insert(findingEvents).values({ findingId: id, event: status, decision: status === 'CONFIRMED' ? 'CONFIRM' : 'DISMISS', note, actorSub: actor.sub, actorRole: actor.role });
    return row;
  });
}

/** Files findings first seen live (on a household or person page), so they can be reviewed. */
export async function recordLive(db: Db, live: FoundFinding[]): Promise<void> {
  if (!live.length) return;
  const inserted = await db
    .insert(findings)
    .values(live.map(storedFields))
    .onConflictDoNothing({ target: findings.id })
    .returning({ id: findings.id });
  if (inserted.length) await db.insert(findingEvents).values(inserted.map((r) => ({ findingId: r.id, event: 'FOUND' })));
}
