import DataLoader from 'dataloader';
import { asc, sql } from 'drizzle-orm';
import { anyOf, type Db } from '@saf/db';
import { rowCount, type IngestKind } from '@saf/department';
import { observedBatch } from '@saf/service';
import { incomes, type IncomeRow } from './schema.ts';

/** Income records: insert new, replace changed, leave identical rows untouched (a re-load changes nothing). */
export const incomeKind: IngestKind = {
  type: 'income',
  statistics: { table: incomes, columns: [incomes.personId] },
  commit: async (tx, loadId) =>
    rowCount(
      await tx.execute(sql`
        INSERT INTO incomes (id, person_id, source, monthly_fen, start_date, end_date)
        SELECT r.id, r."personId", r.source, r."monthlyFen", r."startDate"::date, r."endDate"::date
        FROM ingest_staging s, jsonb_to_record(s.payload) AS r(id text, "personId" text, source text, "monthlyFen" integer,
          "startDate" text, "endDate" text)
        WHERE s.load_id = ${loadId} AND s.kind = 'income'
        ON CONFLICT (id) DO UPDATE SET person_id = excluded.person_id, source = excluded.source, monthly_fen = excluded.monthly_fen,
          start_date = excluded.start_date, end_date = excluded.end_date, updated_at = now()
        WHERE (incomes.person_id, incomes.source, incomes.monthly_fen, incomes.start_date, incomes.end_date)
          IS DISTINCT FROM (excluded.person_id, excluded.source, excluded.monthly_fen, excluded.start_date, excluded.end_date)`),
    ),
};

/** Each person's incomes, oldest first: one query for all of them. */
export async function incomesByPersonIds(db: Db, ids: readonly string[]): Promise<IncomeRow[][]> {
  const rows = await db.select().from(incomes).where(anyOf(incomes.personId, ids)).orderBy(asc(incomes.startDate), asc(incomes.id));
  const groups = new Map<string, IncomeRow[]>(ids.map((id) => [id, []]));
  for (const row of rows) groups.get(row.personId)?.push(row);
  return ids.map((id) => groups.get(id)!);
}

/** Per request: N persons in one tick are one SQL query. */
export function createIncomeLoader(db: Db) {
  return new DataLoader<string, IncomeRow[]>(observedBatch('labour.incomes', (ids) => incomesByPersonIds(db, ids)));
}
