import DataLoader from 'dataloader';
import { asc, sql } from 'drizzle-orm';
import { anyOf, rowsOf, type Db } from '@saf/db';
import { MAX_SWEEP_BATCH, SWEEP_PAYMENT_COLUMNS, isPeriod, maskAccountNumber, toSweepRows, type SweepRows } from '@saf/interchange';
import { assertMayReadPayments, assertMaySweep, assertRole, badInput, observedBatch } from '@saf/service';
import { rowCount, type IngestKind } from './ingest.ts';
import { awards, payments, type PaymentRow } from './schema.ts';
import type { DepartmentContext } from './server.ts';
import type { SweepBatchRef } from './sweep.ts';
import type { Department } from '@saf/programmes';
import { statisticsRegion } from './statistics.ts';
import { assertMayReadRawStatistics } from './statisticsFields.ts';

/** Payment records: insert new, replace changed, leave identical rows untouched (a re-load changes nothing). */
export const paymentKind: IngestKind = {
  type: 'payment',
  statistics: { table: payments, columns: [payments.personId, payments.period, payments.awardId] },
  commit: async (tx, loadId) =>
    rowCount(
      await tx.execute(sql`
        INSERT INTO payments (id, award_id, person_id, period, amount_fen, account_number, paid_date, status)
        SELECT r.id, r."awardId", r."personId", r.period, r."amountFen", r."accountNumber", r."paidDate"::date, r.status
        FROM ingest_staging s, jsonb_to_record(s.payload) AS r(id text, "awardId" text, "personId" text, period text, "amountFen" integer,
          "accountNumber" text, "paidDate" text, status text)
        WHERE s.load_id = ${loadId} AND s.kind = 'payment'
        ON CONFLICT (id) DO UPDATE SET award_id = excluded.award_id, person_id = excluded.person_id, period = excluded.period,
          amount_fen = excluded.amount_fen, account_number = excluded.account_number, paid_date = excluded.paid_date,
          status = excluded.status, updated_at = now()
        WHERE (payments.award_id, payments.person_id, payments.period, payments.amount_fen, payments.account_number, payments.paid_date, payments.status)
          IS DISTINCT FROM (excluded.award_id, excluded.person_id, excluded.period, excluded.amount_fen, excluded.account_number, excluded.paid_date, excluded.status)`),
    ),
};

/** A payment with the programme of the award it names (null when the department has no such award). */
export type PaymentWithProgramme = PaymentRow & { programme: string | null };

/** Each person's payments, by period then id, with their award's programme: one query for all of them. */
export async function paymentsByPersonIds(db: Db, ids: readonly string[]): Promise<PaymentWithProgramme[][]> {
  const rows = await db
    .select({ payment: payments, programme: awards.programme })
    .from(payments)
    .leftJoin(awards, sql`${awards.id} = ${payments.awardId}`)
    .where(anyOf(payments.personId, ids))
    .orderBy(asc(payments.period), asc(payments.id));
  const groups = new Map<string, PaymentWithProgramme[]>(ids.map((id) => [id, []]));
  for (const { payment, programme } of rows) groups.get(payment.personId)?.push({ ...payment, programme: programme ?? null });
  return ids.map((id) => groups.get(id)!);
}

/** Per request: N persons in one tick are one SQL query. */
export function createPaymentLoader(db: Db) {
  // `db` kept beside the loader: a sweep page's payments are one query of their own, not cached.
  return Object.assign(new DataLoader<string, PaymentWithProgramme[]>(observedBatch('payments.byPerson', (ids) => paymentsByPersonIds(db, ids))), { db });
}

/**
 * The payments of a sweep batch's persons for one period, in compact rows, with their award's
 * programme and amount (null when the department has no such award), account numbers in full: the
 * coordination office's checks compare them across departments (SHARED_ACCOUNT,
 * ACCOUNT_NOT_RECIPIENT) and show them masked.
 */
export async function sweepPaymentRows(db: Db, personIds: readonly string[], period: string | null): Promise<SweepRows<typeof SWEEP_PAYMENT_COLUMNS>> {
  if (!personIds.length) return toSweepRows(SWEEP_PAYMENT_COLUMNS, []);
  const rows = await rowsOf<Record<(typeof SWEEP_PAYMENT_COLUMNS)[number], string | null>>(
    db,
    sql`SELECT p.id, p.award_id AS "awardId", p.person_id AS "personId", p.amount_fen::text AS "amountFen", p.account_number AS "accountNumber",
               p.status, a.programme, a.amount_fen::text AS "awardAmountFen", p.period
        FROM ${payments} p LEFT JOIN ${awards} a ON a.id = p.award_id
        WHERE ${anyOf(sql`p.person_id`, personIds)}${period === null ? sql`` : sql` AND p.period = ${period}`}`,
  );
  return toSweepRows(SWEEP_PAYMENT_COLUMNS, rows);
}

/**
 * `SweepBatch.<department>Payments(period)`: the department's payments of a sweep page's persons
 * for the period (every period without one: a household's payment findings live, payments/live.ts). A payment sweep is the coordination office's (a sweeping role that may read
 * payments: caseworkers sweep awards, not accounts).
 */
export function sweepBatchPayments(department: string) {
  return (batch: SweepBatchRef, { period }: { period?: string | null }, ctx: PaymentContext) => {
    assertMaySweep(ctx.caller, batch.regionCode);
    assertMayReadPayments(ctx.caller, department);
    if (period != null && !isPeriod(period)) throw badInput('period must be a month YYYY-MM', 'period');
    if (batch.personIds.length > MAX_SWEEP_BATCH * 20) throw badInput(`a sweep batch holds at most ${MAX_SWEEP_BATCH} households`, 'personIds');
    return sweepPaymentRows(ctx.loaders.payments.db, batch.personIds, period ?? null);
  };
}

type PaymentContext = DepartmentContext<{ payments: ReturnType<typeof createPaymentLoader> }>;

/**
 * `Person.<department>Payments(period)`: the department's payments to the person (of `period`
 * when given). For the department's own officers and the coordination office only (account data,
 * SPEC section 11); civil affairs has checked the person's jurisdiction before any department is
 * asked.
 */
export function personPayments(department: string) {
  return async (p: { id: string }, { period }: { period?: string | null }, ctx: PaymentContext): Promise<PaymentWithProgramme[]> => {
    assertMayReadPayments(ctx.caller, department);
    const all = await ctx.loaders.payments.load(p.id);
    return period ? all.filter((row) => row.period === period) : all;
  };
}

/** The resolvers of the shared `Payment` type: the account number masked to its last 4 digits. */
export function paymentResolvers(department: string) {
  return {
    department: () => department,
    accountNumber: (row: PaymentRow) => maskAccountNumber(row.accountNumber),
    amountFen: (row: PaymentRow) => row.amountFen,
  };
}

/** A department's payments of one programme in one county for one month, unsuppressed. */
export interface FundsAggregate {
  programme: string;
  /** County: the first 6 digits of the award's region code. */
  regionCode: string;
  period: string;
  /** Sum of PAID payments, decimal string (bigint: no overflow). */
  paidFen: string;
  /** Sum of payments that did not reach the recipient (FAILED or RETURNED). */
  failedFen: string;
  /** Distinct persons paid (PAID). */
  recipients: number;
  /** Distinct persons with a FAILED or RETURNED payment. */
  failedRecipients: number;
}

/**
 * The department's payments per programme, county and month under a region prefix (by the award
 * paid for), for the months asked: one query. A payment naming no award of the department has no
 * programme or place here: `unawardedPaymentRows` gives those to the coordination office, which
 * places them by where the recipient lives (fundsStatistics' "no award" rows).
 */
export async function fundsAggregates(db: Db, prefix: string, periods: readonly string[]): Promise<FundsAggregate[]> {
  const rows = await rowsOf<{ programme: string; county: string; period: string; paid: string | null; failed: string | null; recipients: number | string; failed_recipients: number | string }>(
    db,
    sql`SELECT a.programme, left(a.region_code, 6) AS county, p.period,
               (sum(p.amount_fen::bigint) FILTER (WHERE p.status = 'PAID'))::text AS paid,
               (sum(p.amount_fen::bigint) FILTER (WHERE p.status <> 'PAID'))::text AS failed,
               count(DISTINCT p.person_id) FILTER (WHERE p.status = 'PAID') AS recipients,
               count(DISTINCT p.person_id) FILTER (WHERE p.status <> 'PAID') AS failed_recipients
        FROM ${payments} p JOIN ${awards} a ON a.id = p.award_id
        WHERE a.region_code LIKE ${`${prefix}%`} AND ${anyOf(sql`p.period`, periods)}
        GROUP BY a.programme, left(a.region_code, 6), p.period
        ORDER BY p.period, a.programme, county`,
  );
  return rows.map((r) => ({
    programme: r.programme, regionCode: r.county, period: r.period, paidFen: r.paid ?? '0', failedFen: r.failed ?? '0',
    recipients: Number(r.recipients), failedRecipients: Number(r.failed_recipients),
  }));
}

/** The months a funds request is about: one month (YYYY-MM), or each month of a year (YYYY). */
export function fundsPeriods(period: string): string[] {
  if (/^[0-9]{4}$/.test(period)) return Array.from({ length: 12 }, (_, i) => `${period}-${String(i + 1).padStart(2, '0')}`);
  if (isPeriod(period)) return [period];
  throw badInput('period must be a month YYYY-MM or a year YYYY', 'period');
}

/**
 * `<department>FundsStatistics(regionCode, period)`: the department's raw funds figures, for its
 * own officers and the coordination office (which publishes them, suppressed for analysts).
 */
export function fundsStatisticsField(department: Department) {
  return (_: unknown, args: { regionCode: string; period: string }, ctx: PaymentContext): Promise<FundsAggregate[]> => {
    const prefix = statisticsRegion(args.regionCode);
    assertMayReadRawStatistics(ctx.caller, department, prefix);
    return fundsAggregates(ctx.loaders.payments.db, prefix, fundsPeriods(args.period));
  };
}

/** Columns of `_internal<Department>UnawardedPayments`: per recipient and month, what was paid naming no award. */
export const UNAWARDED_COLUMNS = ['personId', 'period', 'paidFen', 'failedFen', 'paidCount', 'failedCount'] as const;

/** At most this many rows in one answer: a department's unawarded payments are audit cases, not a register. */
export const MAX_UNAWARDED_ROWS = 50_000;

/**
 * The department's payments naming no award it has, per recipient and month, for the months asked
 * (any region: a payment without an award has no place here; the coordination office asks civil
 * affairs where each recipient lives). Sums are decimal strings (bigint).
 */
export async function unawardedPaymentRows(db: Db, periods: readonly string[]): Promise<SweepRows<typeof UNAWARDED_COLUMNS>> {
  const rows = await rowsOf<Record<(typeof UNAWARDED_COLUMNS)[number], string>>(
    db,
    sql`SELECT p.person_id AS "personId", p.period,
               coalesce(sum(p.amount_fen::bigint) FILTER (WHERE p.status = 'PAID'), 0)::text AS "paidFen",
               coalesce(sum(p.amount_fen::bigint) FILTER (WHERE p.status <> 'PAID'), 0)::text AS "failedFen",
               (count(*) FILTER (WHERE p.status = 'PAID'))::text AS "paidCount",
               (count(*) FILTER (WHERE p.status <> 'PAID'))::text AS "failedCount"
        FROM ${payments} p LEFT JOIN ${awards} a ON a.id = p.award_id
        WHERE a.id IS NULL AND ${anyOf(sql`p.period`, periods)}
        GROUP BY p.person_id, p.period ORDER BY p.period, p.person_id LIMIT ${MAX_UNAWARDED_ROWS + 1}`,
  );
  if (rows.length > MAX_UNAWARDED_ROWS) throw badInput(`more than ${MAX_UNAWARDED_ROWS} recipients paid without an award in these months: ask for one month`, 'period');
  return toSweepRows(UNAWARDED_COLUMNS, rows);
}

/** `_internal<Department>UnawardedPayments(period)`: person-level, the coordination office alone (it turns them into counts). */
export function unawardedPaymentsField() {
  return (_: unknown, args: { period: string }, ctx: PaymentContext): Promise<SweepRows<typeof UNAWARDED_COLUMNS>> => {
    assertRole(ctx.caller, 'COORDINATOR');
    return unawardedPaymentRows(ctx.loaders.payments.db, fundsPeriods(args.period));
  };
}

/** The department's unawarded payments' root field (`labourPayments` → `_internalLabourUnawardedPayments`). */
export function unawardedField(paymentsField: string): string {
  const base = paymentsField.replace(/Payments$/, '');
  return `_internal${base.charAt(0).toUpperCase()}${base.slice(1)}UnawardedPayments`;
}
