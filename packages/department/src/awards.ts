import DataLoader from 'dataloader';
import { or, sql } from 'drizzle-orm';
import { anyOf, anyOfPlaceholder, preparedPer, rowsOf, selectList, type Db } from '@saf/db';
import { SWEEP_AWARD_COLUMNS, toSweepRows, type SweepRows } from '@saf/interchange';
import { observedBatch } from '@saf/service';
import { awards, type AwardRow } from './schema.ts';
import { createAwardAggregates } from './statistics.ts';

const ORDER = (a: AwardRow, b: AwardRow) => a.startDate.localeCompare(b.startDate) || a.id.localeCompare(b.id);

/** Rows by `key`, sorted, for each of `keys` (an empty list for a key without rows). */
function groupBy(rows: AwardRow[], keys: readonly string[], key: (r: AwardRow) => string | null): Map<string, AwardRow[]> {
  const groups = new Map<string, AwardRow[]>(keys.map((k) => [k, []]));
  for (const row of rows) {
    const k = key(row);
    if (k !== null) groups.get(k)?.push(row);
  }
  for (const group of groups.values()) group.sort(ORDER);
  return groups;
}

/** Whose awards: a person's (by `person_id`) or a household's (by `household_id`). */
export interface AwardOwner {
  by: 'person' | 'household';
  id: string;
}

const byOwnersQuery = preparedPer((db) =>
  db
    .select()
    .from(awards)
    .where(or(anyOfPlaceholder(awards.personId, 'persons'), anyOfPlaceholder(awards.householdId, 'households')))
    .prepare('awards_by_owners'),
);
const byIdsQuery = preparedPer((db) => db.select().from(awards).where(anyOfPlaceholder(awards.id, 'ids')).prepare('awards_by_ids'));

/**
 * The awards of each owner, persons and households in one query: a household picture asks a
 * department for the household's awards and for its members' in one request (two operations),
 * and both reach one loader in the same tick.
 */
export async function awardsByOwners(db: Db, owners: readonly AwardOwner[]): Promise<AwardRow[][]> {
  const personIds = owners.filter((o) => o.by === 'person').map((o) => o.id);
  const householdIds = owners.filter((o) => o.by === 'household').map((o) => o.id);
  const rows = await byOwnersQuery(db).execute({ persons: JSON.stringify(personIds), households: JSON.stringify(householdIds) });
  const byPerson = groupBy(rows, personIds, (r) => r.personId);
  const byHousehold = groupBy(rows, householdIds, (r) => r.householdId);
  return owners.map((o) => (o.by === 'person' ? byPerson : byHousehold).get(o.id)!);
}

export async function awardsByIds(db: Db, ids: readonly string[]): Promise<(AwardRow | null)[]> {
  const rows = await byIdsQuery(db).execute({ ids: JSON.stringify(ids) });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** The sweep rows' columns: the awards table's fields of those names. */
const SWEEP_AWARD_SELECT = selectList(Object.fromEntries(SWEEP_AWARD_COLUMNS.map((c) => [c, awards[c]])));

/**
 * A sweep batch's awards: those of the persons and those recorded against the households, each
 * once, as compact rows (index scans on person and household, OR-ed as a bitmap).
 */
export async function sweepAwardRows(db: Db, personIds: readonly string[], householdIds: readonly string[]): Promise<SweepRows<typeof SWEEP_AWARD_COLUMNS>> {
  if (!personIds.length && !householdIds.length) return toSweepRows(SWEEP_AWARD_COLUMNS, []);
  // Raw rows (no per-field mapping): a page is tens of thousands of awards.
  const rows = await rowsOf<Record<(typeof SWEEP_AWARD_COLUMNS)[number], string | null>>(
    db,
    sql`SELECT ${SWEEP_AWARD_SELECT} FROM ${awards} WHERE ${or(anyOf(awards.personId, personIds), anyOf(awards.householdId, householdIds))}`,
  );
  return toSweepRows(SWEEP_AWARD_COLUMNS, rows);
}

/** Per-request loaders: N lookups in one tick are one SQL query. */
export function createAwardLoaders(db: Db) {
  const byOwner = new DataLoader<AwardOwner, AwardRow[], string>(observedBatch('awards.byOwner', (owners) => awardsByOwners(db, owners)), { cacheKeyFn: (o) => `${o.by}:${o.id}` });
  return {
    byPerson: { load: (id: string) => byOwner.load({ by: 'person', id }) },
    byHousehold: { load: (id: string) => byOwner.load({ by: 'household', id }) },
    byId: new DataLoader<string, AwardRow | null>(observedBatch('awards.byId', (ids) => awardsByIds(db, ids))),
    /** Aggregates for the statistics fields (statistics.ts); not loaders, but per request like them. */
    aggregates: createAwardAggregates(db),
    /** A sweep batch's awards in compact rows (one query; not cached: each batch is asked for once). */
    sweep: (personIds: readonly string[], householdIds: readonly string[]) => sweepAwardRows(db, personIds, householdIds),
  };
}
export type AwardLoaders = ReturnType<typeof createAwardLoaders>;

