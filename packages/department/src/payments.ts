import DataLoader from 'dataloader';
import { asc, sql } from 'drizzle-orm';
import { anyOf, rowsOf, type Db } from '@saf/db';
import { maskAccountNumber } from '@saf/interchange';
import { assertMayReadPayments, observedBatch } from '@saf/service';
import { rowCount, type IngestKind } from './ingest.ts';
import { awards, payments, type PaymentRow } from './schema.ts';
import type { DepartmentContext } from './server.ts';

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
  return new DataLoader<string, PaymentWithProgramme[]>(observedBatch('payments.byPerson', (ids) => paymentsByPersonIds(db, ids)));
}

/** The columns of a payment sweep's rows (`SweepBatch.<department>Payments`), in order. */
export const SWEEP_PAYMENT_COLUMNS = ['id', 'awardId', 'personId', 'period', 'amountFen', 'accountNumber', 'status'] as const;

/**
 * The payments of a sweep batch's persons for one period, in compact rows (columns, then rows of
 * strings), account numbers in full: the coordination office's checks compare them across
 * departments (SHARED_ACCOUNT, ACCOUNT_NOT_RECIPIENT) and show them masked.
 */
export async function sweepPaymentRows(db: Db, personIds: readonly string[], period: string): Promise<{ columns: string[]; rows: (string | null)[][] }> {
  if (!personIds.length) return { columns: [...SWEEP_PAYMENT_COLUMNS], rows: [] };
  const rows = await rowsOf<Record<string, string | number | null>>(
    db,
    sql`SELECT id, award_id, person_id, period, amount_fen, account_number, status FROM ${payments}
        WHERE ${anyOf(payments.personId, personIds)} AND period = ${period} ORDER BY id`,
  );
  return {
    columns: [...SWEEP_PAYMENT_COLUMNS],
    rows: rows.map((r) => [r.id, r.award_id, r.person_id, r.period, String(r.amount_fen), r.account_number, r.status] as (string | null)[]),
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
