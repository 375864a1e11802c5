import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { anyOf, rowsOf, type Db } from '@saf/db';
import type { PaymentFinding } from '@saf/rules';
import { encodeCursor, type KeysetCursor } from '../cursor.ts';
import type { Actor } from './findings.ts';
import { findingEvents, paymentFindings, paymentSweeps, type PaymentFindingRow, type PaymentParty, type PaymentSweepRow } from './schema.ts';

/** A payment finding as a sweep files it: under its region, with its persons' places and payments. */
export type FiledPaymentFinding = PaymentFinding & { regionCode: string; parties: PaymentParty[] };

export async function paymentFindingsByIds(db: Db, ids: readonly string[]): Promise<(PaymentFindingRow | null)[]> {
  if (!ids.length) return [];
  const rows = await db.select().from(paymentFindings).where(inArray(paymentFindings.id, [...ids]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

/**
 * Records what a payment sweep saw: new findings OPEN, known ones seen again (a review decision is
 * kept), gone ones back. Returns the ids new to the store.
 */
export async function recordPaymentsSeen(tx: Db, seen: FiledPaymentFinding[], sweepId: string): Promise<string[]> {
  if (!seen.length) return [];
  const before = new Map(
    (await tx.select({ id: paymentFindings.id, goneAt: paymentFindings.goneAt }).from(paymentFindings).where(anyOf(paymentFindings.id, seen.map((f) => f.id)))).map((r) => [r.id, r.goneAt]),
  );
  const rows = JSON.stringify(
    seen.map((f) => ({
      id: f.id, rule: f.rule, period: f.period, regionCode: f.regionCode, personIds: f.personIds, householdIds: f.householdIds, awardIds: f.awardIds,
      awardKeys: f.awardKeys, paymentIds: f.paymentIds, paymentKeys: f.paymentKeys, departments: f.departments, accountLast4: f.accountLast4,
      explanation: f.explanation, explanationEn: f.explanationEn, parties: f.parties,
    })),
  );
  await tx.execute(sql`
    INSERT INTO ${paymentFindings} (id, rule, period, region_code, person_ids, household_ids, award_ids, award_keys, payment_ids, payment_keys,
                                    departments, account_last4, explanation, explanation_en, parties, last_sweep_id)
    SELECT r.id, r.rule, r.period, r."regionCode", r."personIds", r."householdIds", r."awardIds", r."awardKeys", r."paymentIds", r."paymentKeys",
           r.departments, r."accountLast4", r.explanation, r."explanationEn", r.parties, ${sweepId}
    FROM jsonb_to_recordset(${rows}::jsonb) AS r(id text, rule text, period text, "regionCode" text, "personIds" text[], "householdIds" text[],
         "awardIds" text[], "awardKeys" text[], "paymentIds" text[], "paymentKeys" text[], departments text[], "accountLast4" text,
         explanation text, "explanationEn" text, parties jsonb)
    ON CONFLICT (id) DO UPDATE SET
      region_code = excluded.region_code, person_ids = excluded.person_ids, household_ids = excluded.household_ids, award_ids = excluded.award_ids,
      award_keys = excluded.award_keys, explanation = excluded.explanation, explanation_en = excluded.explanation_en, parties = excluded.parties,
      last_seen_at = now(), last_sweep_id = excluded.last_sweep_id, gone_at = NULL`);
  const created = seen.filter((f) => !before.has(f.id)).map((f) => f.id);
  const back = seen.filter((f) => before.get(f.id)).map((f) => f.id);
  const events = [...created.map((id) => ({ findingId: id, event: 'FOUND', sweepId })), ...back.map((id) => ({ findingId: id, event: 'REAPPEARED', sweepId }))];
  if (events.length) await tx.insert(findingEvents).values(events);
  return created;
}

/** Marks gone the standing findings of the sweep's region and period that it did not see. */
export async function markPaymentsGone(tx: Db, sweep: PaymentSweepRow): Promise<number> {
  const gone = await rowsOf<{ id: string }>(
    tx,
    sql`UPDATE ${paymentFindings} SET gone_at = now()
        WHERE region_code LIKE ${`${sweep.regionCode}%`} AND period = ${sweep.period} AND gone_at IS NULL
          AND (last_sweep_id IS DISTINCT FROM ${sweep.id})
        RETURNING id`,
  );
  if (gone.length) await tx.insert(findingEvents).values(gone.map((g) => ({ findingId: g.id, event: 'GONE', sweepId: sweep.id })));
  return gone.length;
}

export interface PaymentFindingFilter {
  regionPrefix: string;
  period?: string | null;
  status?: string | null;
  rule?: string | null;
  /** An officer's list: findings with a payment of theirs. */
  department?: string | null;
}

function whereOf(f: PaymentFindingFilter): SQL {
  const parts: SQL[] = [sql`${paymentFindings.regionCode} LIKE ${`${f.regionPrefix}%`}`, isNull(paymentFindings.goneAt)];
  if (f.period) parts.push(eq(paymentFindings.period, f.period));
  if (f.status) parts.push(eq(paymentFindings.status, f.status));
  if (f.rule) parts.push(eq(paymentFindings.rule, f.rule));
  if (f.department) parts.push(sql`${f.department} = ANY(${paymentFindings.departments})`);
  return and(...parts)!;
}

/** A page of standing findings, newest first (first seen, then id); the cursor is the last row's. */
export async function listPaymentFindings(db: Db, filter: PaymentFindingFilter, first: number, after: KeysetCursor | null) {
  const where = whereOf(filter);
  const page = after ? and(where, sql`(${paymentFindings.firstSeenAt}, ${paymentFindings.id}) < (${after.at}::timestamptz, ${after.id})`)! : where;
  const rows = await db.select().from(paymentFindings).where(page).orderBy(desc(paymentFindings.firstSeenAt), desc(paymentFindings.id)).limit(first + 1);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(paymentFindings).where(where);
  const nodes = rows.slice(0, first);
  return {
    edges: nodes.map((node) => ({ node, cursor: encodeCursor(node.firstSeenAt, node.id) })),
    pageInfo: { hasNextPage: rows.length > first, endCursor: nodes.length ? encodeCursor(nodes.at(-1)!.firstSeenAt, nodes.at(-1)!.id) : null },
    totalCount: count?.n ?? 0,
  };
}

/** Confirms or dismisses a payment finding, recording who, when and why. */
export async function reviewPaymentFinding(db: Db, id: string, status: 'CONFIRMED' | 'DISMISSED', note: string, actor: Actor): Promise<PaymentFindingRow | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.update(paymentFindings).set({ status }).where(eq(paymentFindings.id, id)).returning();
    if (!row) return null;
    await tx.insert(findingEvents).values({ findingId: id, event: status, decision: status === 'CONFIRMED' ? 'CONFIRM' : 'DISMISS', note, actorSub: actor.sub, actorRole: actor.role });
    return row;
  });
}

/** Standing (not gone, not dismissed) findings naming any of these awards (`department:id`): what holds a roll's line. */
export async function standingPaymentFindingsOfAwards(db: Db, awardKeys: readonly string[]): Promise<PaymentFindingRow[]> {
  if (!awardKeys.length) return [];
  return db
    .select()
    .from(paymentFindings)
    .where(and(isNull(paymentFindings.goneAt), sql`${paymentFindings.status} <> 'DISMISSED'`, sql`${paymentFindings.awardKeys} && ${`{${awardKeys.map((k) => `"${k.replace(/["\\]/g, '')}"`).join(',')}}`}::text[]`));
}

/**
 * A payment sweep of the region and period: a new one RUNNING, or the one already running (the
 * same request twice at once starts one sweep: the partial unique index decides).
 */
export async function startPaymentSweep(db: Db, regionCode: string, period: string, requestedBy: string): Promise<{ sweep: PaymentSweepRow; created: boolean }> {
  // One left RUNNING by a process that stopped (nothing resumes it) would block the region and
  // period for good: after an hour it is taken for dead.
  await db
    .update(paymentSweeps)
    .set({ status: 'FAILED', error: 'still running after an hour: its process is taken to have stopped', finishedAt: sql`now()` })
    .where(and(eq(paymentSweeps.regionCode, regionCode), eq(paymentSweeps.period, period), eq(paymentSweeps.status, 'RUNNING'), sql`${paymentSweeps.startedAt} < now() - interval '1 hour'`));
  const inserted = await db
    .insert(paymentSweeps)
    .values({ id: `PS-${randomUUID()}`, regionCode, period, status: 'RUNNING', requestedBy })
    .onConflictDoNothing()
    .returning();
  if (inserted[0]) return { sweep: inserted[0], created: true };
  const [running] = await db.select().from(paymentSweeps).where(and(eq(paymentSweeps.regionCode, regionCode), eq(paymentSweeps.period, period), eq(paymentSweeps.status, 'RUNNING')));
  if (!running) throw new Error('a payment sweep of this region and period ended just now: ask again');
  return { sweep: running, created: false };
}

export async function updatePaymentSweep(db: Db, id: string, values: Partial<Pick<PaymentSweepRow, 'householdsChecked' | 'paymentsChecked' | 'findingsCount' | 'newCount' | 'goneCount' | 'status' | 'error' | 'finishedAt'>>): Promise<void> {
  await db.update(paymentSweeps).set(values).where(eq(paymentSweeps.id, id));
}

export async function paymentSweepById(db: Db, id: string): Promise<PaymentSweepRow | null> {
  const [row] = await db.select().from(paymentSweeps).where(eq(paymentSweeps.id, id));
  return row ?? null;
}

export async function countStandingPayments(db: Db, regionCode: string, period: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(paymentFindings).where(whereOf({ regionPrefix: regionCode, period }));
  return row?.n ?? 0;
}

/** The standing payment findings naming each person, newest month first: one query for all of them. */
export async function paymentFindingsOfPersons(db: Db, personIds: readonly string[]): Promise<PaymentFindingRow[][]> {
  const rows = personIds.length
    ? await db
        .select()
        .from(paymentFindings)
        .where(and(isNull(paymentFindings.goneAt), sql`${paymentFindings.personIds} && ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(personIds)}::jsonb))`))
        .orderBy(desc(paymentFindings.period), desc(paymentFindings.id))
    : [];
  return personIds.map((id) => rows.filter((r) => r.personIds.includes(id)));
}
