import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '@saf/db';
import { isPeriod, paymentRecord, toSweepRows, type SweepRows } from '@saf/interchange';
import type { Department } from '@saf/programmes';
import { assertRole, badInput, forbidden } from '@saf/service';
import type { Caller } from '@saf/auth';
import { statisticsRegion } from './statistics.ts';
import { awards, payments } from './schema.ts';
import type { DepartmentContext } from './server.ts';

/** The columns of a roll's awards (`_internal<Department>RollAwards`). */
export const ROLL_AWARD_COLUMNS = ['id', 'programme', 'personId', 'householdId', 'regionCode', 'amountFen'] as const;

/**
 * The department's awards paying in the month `period` under a region prefix (SPEC section 11:
 * a roll lists every award paying that month): ACTIVE or ENDED awards whose period covers a day of
 * the month and that fall due in it by their frequency: MONTHLY every month; QUARTERLY in the
 * month they started and every third after; YEARLY in the month they started each year; ONCE in
 * the month they started.
 */
export async function rollAwardRows(db: Db, prefix: string, period: string): Promise<SweepRows<typeof ROLL_AWARD_COLUMNS>> {
  const first = `${period}-01`;
  const rows = await rowsOf<Record<(typeof ROLL_AWARD_COLUMNS)[number], string | null>>(
    db,
    sql`SELECT id, programme, person_id AS "personId", household_id AS "householdId", region_code AS "regionCode", amount_fen::text AS "amountFen"
        FROM ${awards}
        WHERE region_code LIKE ${`${prefix}%`} AND status IN ('ACTIVE', 'ENDED')
          AND start_date <= (${first}::date + interval '1 month' - interval '1 day')::date
          AND (CASE WHEN frequency = 'ONCE' THEN coalesce(end_date, start_date) ELSE coalesce(end_date, 'infinity'::date) END) >= ${first}::date
          AND (frequency = 'MONTHLY'
            OR (frequency = 'QUARTERLY' AND ((extract(year FROM ${first}::date) - extract(year FROM start_date)) * 12 + extract(month FROM ${first}::date) - extract(month FROM start_date))::int % 3 = 0)
            OR (frequency = 'YEARLY' AND extract(month FROM start_date) = extract(month FROM ${first}::date))
            OR (frequency = 'ONCE' AND to_char(start_date, 'YYYY-MM') = ${period}))
        ORDER BY person_id, id`,
  );
  return toSweepRows(ROLL_AWARD_COLUMNS, rows);
}

/** Rolls are the paying department's: its officers only (the coordination office keeps them for it). */
function assertOwnOfficer(caller: Caller | null, department: Department): Caller {
  const c = assertRole(caller, 'DEPARTMENT_OFFICER');
  if (c.department !== department) throw forbidden(`${department}'s payment rolls are for ${department}'s officers`);
  return c;
}

/**
 * Records a reconciled roll's lines as the department's payments (each line's payment id is the
 * roll's and the line's: recording twice changes nothing). Validated as `payment` records of this
 * department; all or nothing. Returns the rows written.
 */
export async function recordRollPayments(db: Db, department: Department, json: string): Promise<number> {
  let list: unknown;
  try {
    list = JSON.parse(json);
  } catch {
    throw badInput('payments must be a JSON array of payment records', 'payments');
  }
  if (!Array.isArray(list) || list.length > 100_000) throw badInput('payments must be a JSON array of at most 100000 payment records', 'payments');
  const records = list.map((value, i) => {
    const parsed = paymentRecord.safeParse(value);
    if (!parsed.success) throw badInput(`payment ${i + 1}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`, 'payments');
    if (parsed.data.department !== department) throw badInput(`payment ${i + 1} belongs to ${parsed.data.department}, not ${department}`, 'payments');
    return parsed.data;
  });
  if (!records.length) return 0;
  return db.transaction(async (tx) => {
    const result = await tx.execute(sql`
      INSERT INTO ${payments} (id, award_id, person_id, period, amount_fen, account_number, paid_date, status)
      SELECT r.id, r."awardId", r."personId", r.period, r."amountFen", r."accountNumber", r."paidDate"::date, r.status
      FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS r(id text, "awardId" text, "personId" text, period text, "amountFen" integer,
        "accountNumber" text, "paidDate" text, status text)
      ON CONFLICT (id) DO UPDATE SET status = excluded.status, paid_date = excluded.paid_date, updated_at = now()
      WHERE (payments.status, payments.paid_date) IS DISTINCT FROM (excluded.status, excluded.paid_date)`);
    if ((result as { rowCount?: number }).rowCount) await tx.execute(sql`INSERT INTO data_versions DEFAULT VALUES`);
    return (result as { rowCount?: number; affectedRows?: number }).rowCount ?? (result as { affectedRows?: number }).affectedRows ?? 0;
  });
}

/** The resolvers of a department's roll fields (the coordination office calls them on an officer's behalf). */
export function rollFields(department: Department) {
  return {
    awards: (_: unknown, args: { regionCode: string; period: string }, ctx: DepartmentContext & { loaders: { payments: { db: Db } } }) => {
      assertOwnOfficer(ctx.caller, department);
      if (!isPeriod(args.period)) throw badInput('period must be a month YYYY-MM', 'period');
      return rollAwardRows(ctx.loaders.payments.db, statisticsRegion(args.regionCode), args.period);
    },
    record: (_: unknown, args: { payments: string }, ctx: DepartmentContext & { loaders: { payments: { db: Db } } }) => {
      assertOwnOfficer(ctx.caller, department);
      return recordRollPayments(ctx.loaders.payments.db, department, args.payments);
    },
  };
}

/** The names of a department's roll fields, after its payments field (`labourPayments` → `_internalLabourRollAwards`). */
export function rollFieldNames(paymentsField: string): { awards: string; record: string } {
  const base = paymentsField.replace(/Payments$/, '');
  const name = base.charAt(0).toUpperCase() + base.slice(1);
  return { awards: `_internal${name}RollAwards`, record: `_internal${name}RecordRollPayments` };
}
