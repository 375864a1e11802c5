import DataLoader from 'dataloader';
import { inArray, or, sql } from 'drizzle-orm';
import { anyOf, rowsOf, selectList, type Db } from '@saf/db';
import { SWEEP_AWARD_COLUMNS, toSweepRows, type SweepRows } from '@saf/interchange';
import { observedBatch } from '@saf/service';
import { awards, type AwardRow } from './schema.ts';
import { createAwardAggregates } from './statistics.ts';

const ORDER = (a: AwardRow, b: AwardRow) => a.startDate.localeCompare(b.startDate) || a.id.localeCompare(b.id);

function groupBy(rows: AwardRow[], keys: readonly string[], key: (r: AwardRow) => string | null): AwardRow[][] {
  const groups = new Map<string, AwardRow[]>(keys.map((k) => [k, []]));
  for (const row of rows) {
    const k = key(row);
    if (k !== null) groups.get(k)?.push(row);
  }
  return keys.map((k) => (groups.get(k) ?? []).sort(ORDER));
}

export async function awardsByPersonIds(db: Db, ids: readonly string[]): Promise<AwardRow[][]> {
  const rows = await db.select().from(awards).where(inArray(awards.personId, [...ids]));
  return groupBy(rows, ids, (r) => r.personId);
}

export async function awardsByHouseholdIds(db: Db, ids: readonly string[]): Promise<AwardRow[][]> {
  const rows = await db.select().from(awards).where(inArray(awards.householdId, [...ids]));
  return groupBy(rows, ids, (r) => r.householdId);
}

export async function awardsByIds(db: Db, ids: readonly string[]): Promise<(AwardRow | null)[]> {
  const rows = await db.select().from(awards).where(inArray(awards.id, [...ids]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

/**
 * A sweep batch's awards: those of the persons and those recorded against the households, each
 * once, as compact rows (index scans on person and household, OR-ed as a bitmap).
 */
export async function sweepAwardRows(db: Db, personIds: readonly string[], householdIds: readonly string[]): Promise<SweepRows<typeof SWEEP_AWARD_COLUMNS>> {
  if (!personIds.length && !householdIds.length) return toSweepRows(SWEEP_AWARD_COLUMNS, []);
  // Raw rows (no per-field mapping): a page is tens of thousands of awards. The columns are the awards table's fields of those names.
  const columns = selectList(Object.fromEntries(SWEEP_AWARD_COLUMNS.map((c) => [c, awards[c]])));
  const rows = await rowsOf<Record<(typeof SWEEP_AWARD_COLUMNS)[number], string | null>>(
    db,
    sql`SELECT ${columns} FROM ${awards} WHERE ${or(anyOf(awards.personId, personIds), anyOf(awards.householdId, householdIds))}`,
  );
  return toSweepRows(SWEEP_AWARD_COLUMNS, rows);
}

/** Per-request loaders: N lookups in one tick are one SQL query. */
export function createAwardLoaders(db: Db) {
  return {
    byPerson: new DataLoader<string, AwardRow[]>(observedBatch('awards.byPerson', (ids) => awardsByPersonIds(db, ids))),
    byHousehold: new DataLoader<string, AwardRow[]>(observedBatch('awards.byHousehold', (ids) => awardsByHouseholdIds(db, ids))),
    byId: new DataLoader<string, AwardRow | null>(observedBatch('awards.byId', (ids) => awardsByIds(db, ids))),
    /** Aggregates for the statistics fields (statistics.ts); not loaders, but per request like them. */
    aggregates: createAwardAggregates(db),
    /** A sweep batch's awards in compact rows (one query; not cached: each batch is asked for once). */
    sweep: (personIds: readonly string[], householdIds: readonly string[]) => sweepAwardRows(db, personIds, householdIds),
  };
}
export type AwardLoaders = ReturnType<typeof createAwardLoaders>;

