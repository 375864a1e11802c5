import DataLoader from 'dataloader';
import { inArray } from 'drizzle-orm';
import type { Db } from '@saf/db';
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

/** Per-request loaders: N lookups in one tick are one SQL query. */
export function createAwardLoaders(db: Db) {
  return {
    byPerson: new DataLoader<string, AwardRow[]>(observedBatch('awards.byPerson', (ids) => awardsByPersonIds(db, ids))),
    byHousehold: new DataLoader<string, AwardRow[]>(observedBatch('awards.byHousehold', (ids) => awardsByHouseholdIds(db, ids))),
    byId: new DataLoader<string, AwardRow | null>(observedBatch('awards.byId', (ids) => awardsByIds(db, ids))),
    /** Aggregates for the statistics fields (statistics.ts); not loaders, but per request like them. */
    aggregates: createAwardAggregates(db),
  };
}
export type AwardLoaders = ReturnType<typeof createAwardLoaders>;

