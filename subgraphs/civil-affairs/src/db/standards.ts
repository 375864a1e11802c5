import DataLoader from 'dataloader';
import { asc, sql } from 'drizzle-orm';
import { anyOf, type Db } from '@saf/db';
import { rowCount, type IngestKind } from '@saf/department';
import { STANDARD_PROGRAMMES } from '@saf/programmes';
import { observedBatch } from '@saf/service';
import { standards, type StandardRow } from './schema.ts';

/** Standard records: insert new, replace changed, leave identical rows untouched (a re-load changes nothing). */
export const standardKind: IngestKind = {
  type: 'standard',
  statistics: { table: standards, columns: [standards.regionCode, standards.programme] },
  commit: async (tx, loadId) =>
    rowCount(
      await tx.execute(sql`
        INSERT INTO standards (id, programme, region_code, monthly_fen, start_date, end_date)
        SELECT r.id, r.programme, r."regionCode", r."monthlyFen", r."startDate"::date, r."endDate"::date
        FROM ingest_staging s, jsonb_to_record(s.payload) AS r(id text, programme text, "regionCode" text, "monthlyFen" integer,
          "startDate" text, "endDate" text)
        WHERE s.load_id = ${loadId} AND s.kind = 'standard'
        ON CONFLICT (id) DO UPDATE SET programme = excluded.programme, region_code = excluded.region_code, monthly_fen = excluded.monthly_fen,
          start_date = excluded.start_date, end_date = excluded.end_date, updated_at = now()
        WHERE (standards.programme, standards.region_code, standards.monthly_fen, standards.start_date, standards.end_date)
          IS DISTINCT FROM (excluded.programme, excluded.region_code, excluded.monthly_fen, excluded.start_date, excluded.end_date)`),
    ),
};

/** The region prefixes a standard may be set for that a place's code starts with (2, 4, 6, 9 and 12 digits, as long as the code). */
export function regionPrefixes(regionCode: string): string[] {
  return [2, 4, 6, 9, 12].filter((n) => n <= regionCode.length).map((n) => regionCode.slice(0, n));
}

/** A place and a day: whose standards are asked for. */
export interface StandardsKey {
  regionCode: string;
  date: string;
}

/**
 * The standard in force for each programme at a place on a day, in catalogue order (programmes
 * without one are left out): among the standards whose period covers the day, the one set for the
 * longest prefix of the place's code; where two of one prefix both cover it, the one that started
 * later (a new standard takes over from the day it starts), then the larger id.
 */
export function standardsInForce(rows: readonly StandardRow[], key: StandardsKey): StandardRow[] {
  const best = new Map<string, StandardRow>();
  for (const row of rows) {
    if (!key.regionCode.startsWith(row.regionCode) || row.startDate > key.date || (row.endDate !== null && row.endDate < key.date)) continue;
    const current = best.get(row.programme);
    if (!current || precedes(current, row)) best.set(row.programme, row);
  }
  return STANDARD_PROGRAMMES.flatMap((p) => best.get(p) ?? []);
}

/** Whether `b` takes precedence over `a` (both cover the day, same programme). */
function precedes(a: StandardRow, b: StandardRow): boolean {
  if (a.regionCode.length !== b.regionCode.length) return b.regionCode.length > a.regionCode.length;
  if (a.startDate !== b.startDate) return b.startDate > a.startDate;
  return b.id > a.id;
}

/**
 * The standards in force for each key, in one query for all of them: every standard set for a
 * prefix of one of the places whose period reaches the days asked about.
 */
export async function standardsFor(db: Db, keys: readonly StandardsKey[]): Promise<StandardRow[][]> {
  if (!keys.length) return [];
  const prefixes = [...new Set(keys.flatMap((k) => regionPrefixes(k.regionCode)))];
  const dates = keys.map((k) => k.date).sort();
  const rows = await db
    .select()
    .from(standards)
    .where(sql`${anyOf(standards.regionCode, prefixes)} AND ${standards.startDate} <= ${dates.at(-1)}::date AND (${standards.endDate} IS NULL OR ${standards.endDate} >= ${dates[0]}::date)`)
    .orderBy(asc(standards.id));
  return keys.map((k) => standardsInForce(rows, k));
}

/** Per request: the standards of N households (or places) in one tick are one SQL query. */
export function createStandardLoader(db: Db) {
  return new DataLoader<StandardsKey, StandardRow[], string>(observedBatch('civilAffairs.standards', (keys) => standardsFor(db, keys)), {
    cacheKeyFn: (k) => `${k.regionCode}|${k.date}`,
  });
}
