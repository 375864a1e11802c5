import DataLoader from 'dataloader';
import { asc, sql } from 'drizzle-orm';
import { anyOf, rowsOf, type Db } from '@saf/db';
import { rowCount, type IngestKind } from '@saf/department';
import { SWEEP_ACCOUNT_COLUMNS, toSweepRows, type SweepRows } from '@saf/interchange';
import { observedBatch } from '@saf/service';
import { bankAccounts, persons, type BankAccountRow } from './schema.ts';

/** Bank account records: insert new, replace changed, leave identical rows untouched (a re-load changes nothing). */
export const bankAccountKind: IngestKind = {
  type: 'bankAccount',
  statistics: { table: bankAccounts, columns: [bankAccounts.personId, bankAccounts.accountNumber] },
  commit: async (tx, loadId) =>
    rowCount(
      await tx.execute(sql`
        INSERT INTO bank_accounts (id, person_id, bank, account_number, holder_id)
        SELECT r.id, r."personId", r.bank, r."accountNumber", r."holderId"
        FROM ingest_staging s, jsonb_to_record(s.payload) AS r(id text, "personId" text, bank text, "accountNumber" text, "holderId" text)
        WHERE s.load_id = ${loadId} AND s.kind = 'bankAccount'
        ON CONFLICT (id) DO UPDATE SET person_id = excluded.person_id, bank = excluded.bank, account_number = excluded.account_number,
          holder_id = excluded.holder_id, updated_at = now()
        WHERE (bank_accounts.person_id, bank_accounts.bank, bank_accounts.account_number, bank_accounts.holder_id)
          IS DISTINCT FROM (excluded.person_id, excluded.bank, excluded.account_number, excluded.holder_id)`),
    ),
};

/** Each person's registered accounts, by id: one query for all of them. */
export async function accountsByPersonIds(db: Db, ids: readonly string[]): Promise<BankAccountRow[][]> {
  const rows = await db.select().from(bankAccounts).where(anyOf(bankAccounts.personId, ids)).orderBy(asc(bankAccounts.id));
  const groups = new Map<string, BankAccountRow[]>(ids.map((id) => [id, []]));
  for (const row of rows) groups.get(row.personId)?.push(row);
  return ids.map((id) => groups.get(id)!);
}

export function createAccountLoader(db: Db) {
  return new DataLoader<string, BankAccountRow[]>(observedBatch('civilAffairs.accounts', (ids) => accountsByPersonIds(db, ids)));
}


/**
 * The accounts registered for a sweep batch's persons, in compact rows, with the holder's household
 * as civil affairs records it (null when the holder is not registered): the coordination office's
 * checks compare who holds an account with whom it pays (ACCOUNT_NOT_RECIPIENT).
 */
export async function sweepAccountRows(db: Db, personIds: readonly string[]): Promise<SweepRows<typeof SWEEP_ACCOUNT_COLUMNS>> {
  if (!personIds.length) return toSweepRows(SWEEP_ACCOUNT_COLUMNS, []);
  const rows = await rowsOf<{ id: string; person_id: string; account_number: string; holder_id: string; household_id: string | null }>(
    db,
    sql`SELECT a.id, a.person_id, a.account_number, a.holder_id, p.household_id FROM ${bankAccounts} a
        LEFT JOIN ${persons} p ON p.id = a.holder_id WHERE ${anyOf(sql`a.person_id`, personIds)} ORDER BY a.id`,
  );
  return { columns: SWEEP_ACCOUNT_COLUMNS, rows: rows.map((r) => [r.id, r.person_id, r.account_number, r.holder_id, r.household_id]) };
}

/**
 * Every registration of these account numbers, wherever the person lives, in the sweep's rows: a
 * payment check must tell an account registered to someone else from one nobody registered
 * (ACCOUNT_NOT_RECIPIENT). For a caller bound to a region, a registration of which neither the
 * person registered for nor the holder lives there says only that the number is registered: its
 * id, person and holder read `-` (the rules need no more to judge it someone else's).
 */
export async function accountRegistrationRows(db: Db, accountNumbers: readonly string[], region: string | null): Promise<SweepRows<typeof SWEEP_ACCOUNT_COLUMNS>> {
  if (!accountNumbers.length) return toSweepRows(SWEEP_ACCOUNT_COLUMNS, []);
  const rows = await rowsOf<{ id: string; person_id: string; account_number: string; holder_id: string; household_id: string | null; seen: boolean }>(
    db,
    sql`SELECT a.id, a.person_id, a.account_number, a.holder_id, hp.household_id,
               ${region === null ? sql`true` : sql`(rh.region_code LIKE ${`${region}%`} OR hh.region_code LIKE ${`${region}%`})`} AS seen
        FROM ${bankAccounts} a
        LEFT JOIN ${persons} hp ON hp.id = a.holder_id
        LEFT JOIN households hh ON hh.id = hp.household_id
        LEFT JOIN ${persons} rp ON rp.id = a.person_id
        LEFT JOIN households rh ON rh.id = rp.household_id
        WHERE ${anyOf(sql`a.account_number`, accountNumbers)} ORDER BY a.id`,
  );
  return {
    columns: SWEEP_ACCOUNT_COLUMNS,
    rows: rows.map((r) => (r.seen ? [r.id, r.person_id, r.account_number, r.holder_id, r.household_id] : ['-', '-', r.account_number, '-', null])),
  };
}
