import { and, asc, eq, gt, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { anyOf, anyOfPlaceholder, preparedPer, rowsOf, selectList, type Db } from '@saf/db';
import { SWEEP_HOUSEHOLD_COLUMNS, SWEEP_PERSON_COLUMNS, toSweepRows } from '@saf/interchange';
import { households, persons, type HouseholdRow, type PersonRow } from './schema.ts';

const RELATION_ORDER = sql`array_position(ARRAY['HEAD','SPOUSE','CHILD','PARENT','GRANDCHILD','GRANDPARENT','SIBLING','OTHER'], ${persons.relation})`;

// The lookups every household page makes, prepared (`preparedPer`).
const householdsQuery = preparedPer((db) => db.select().from(households).where(anyOfPlaceholder(households.id, 'ids')).prepare('households_by_ids'));
const personsQuery = preparedPer((db) => db.select().from(persons).where(anyOfPlaceholder(persons.id, 'ids')).prepare('persons_by_ids'));
const membersQuery = preparedPer((db) =>
  db
    .select()
    .from(persons)
    .where(anyOfPlaceholder(persons.householdId, 'ids'))
    .orderBy(RELATION_ORDER, asc(persons.birthDate), asc(persons.id))
    .prepare('members_by_household_ids'),
);

export async function householdsByIds(db: Db, ids: readonly string[]): Promise<(HouseholdRow | null)[]> {
  const rows = await householdsQuery(db).execute({ ids: JSON.stringify(ids) });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

export async function personsByIds(db: Db, ids: readonly string[]): Promise<(PersonRow | null)[]> {
  const rows = await personsQuery(db).execute({ ids: JSON.stringify(ids) });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** Members of each household, head first, in key order. */
export async function membersByHouseholdIds(db: Db, ids: readonly string[]): Promise<PersonRow[][]> {
  const rows = await membersQuery(db).execute({ ids: JSON.stringify(ids) });
  const groups = new Map<string, PersonRow[]>(ids.map((id) => [id, []]));
  for (const row of rows) groups.get(row.householdId)?.push(row);
  return ids.map((id) => groups.get(id) ?? []);
}

/** Which of these ids exist (the loader checks references against them). */
export async function existing(db: Db, personIds: string[], householdIds: string[]) {
  const [p, h] = await Promise.all([
    personIds.length ? db.select({ id: persons.id, householdId: persons.householdId }).from(persons).where(inArray(persons.id, personIds)) : [],
    householdIds.length ? db.select({ id: households.id }).from(households).where(inArray(households.id, householdIds)) : [],
  ]);
  // Each registered person's household: the loader checks an award's household against it.
  return { persons: p.map((r) => r.id), households: h.map((r) => r.id), householdOf: Object.fromEntries(p.map((r) => [r.id, r.householdId])) as Record<string, string> };
}

/**
 * What the loader checks a file's persons against: each registered person's household, relation
 * and name (`members`), and the registered heads (户主) of households (`headsOf`).
 */
export async function memberships(db: Db, members: string[], headsOf: string[]) {
  const [p, h] = await Promise.all([
    members.length ? db.select({ id: persons.id, householdId: persons.householdId, relation: persons.relation, name: persons.name }).from(persons).where(inArray(persons.id, members)) : [],
    headsOf.length ? db.select({ id: persons.id, householdId: persons.householdId }).from(persons).where(and(inArray(persons.householdId, headsOf), eq(persons.relation, 'HEAD'))) : [],
  ]);
  const heads: Record<string, string[]> = {};
  for (const r of h) (heads[r.householdId] ??= []).push(r.id);
  return { registered: Object.fromEntries(p.map((r) => [r.id, { householdId: r.householdId, relation: r.relation, name: r.name }])) as Record<string, { householdId: string; relation: string; name: string }>, heads };
}

/**
 * A page of households under a region prefix, keyed by household number (keyset pagination);
 * with `scope`, only the households it admits (what the caller may see, `householdScope`).
 */
export async function householdsInRegion(db: Db, prefix: string, first: number, after: string | null, scope?: SQL) {
  const like = `${prefix}%`;
  const rows = await db
    .select()
    .from(households)
    .where(and(sql`${households.regionCode} LIKE ${like}`, after === null ? undefined : gt(households.id, after), scope))
    .orderBy(asc(households.id))
    .limit(first + 1);
  return { rows: rows.slice(0, first), hasNextPage: rows.length > first, totalCount: await countHouseholds(db, prefix, scope) };
}

/** How many households there are under a region prefix (with `scope`: that it admits). */
export async function countHouseholds(db: Db, prefix: string, scope?: SQL): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(households).where(and(sql`${households.regionCode} LIKE ${`${prefix}%`}`, scope));
  return row?.count ?? 0;
}

/** Households under a prefix (and `scope`) matching a household number, an ID number or part of a member's name. */
export async function searchHouseholds(db: Db, prefix: string, text: string, limit = 50, scope?: SQL): Promise<HouseholdRow[]> {
  const like = `${prefix}%`;
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .select()
    .from(households)
    .where(
      and(
        sql`${households.regionCode} LIKE ${like} AND (${households.id} = ${text} OR ${households.id} IN (
        SELECT ${persons.householdId} FROM ${persons} WHERE ${persons.id} = ${text} OR ${persons.name} LIKE ${pattern}))`,
        scope,
      ),
    )
    .orderBy(asc(households.id))
    .limit(limit);
}

/** The sweep rows' columns: the persons table's fields of those names. */
const SWEEP_PERSON_SELECT = selectList(Object.fromEntries(SWEEP_PERSON_COLUMNS.map((c) => [c, persons[c]])));

/**
 * A page of a duplicate-aid sweep: the households under a prefix after `after` (by household
 * number, as `householdsInRegion`) and, with `until`, up to and including that one; their
 * members, in compact rows, and the ids the departments are asked about. (The region's total is
 * counted only when asked for: a sweep has it from its plan.)
 */
export async function sweepHouseholds(db: Db, prefix: string, first: number, after: string | null, until: string | null = null, only: string | null = null) {
  const like = `${prefix}%`;
  const rows = await db
    .select({ id: households.id, regionCode: households.regionCode })
    .from(households)
    .where(and(sql`${households.regionCode} LIKE ${like}`, after === null ? undefined : gt(households.id, after), until === null ? undefined : lte(households.id, until), only === null ? undefined : eq(households.id, only)))
    .orderBy(asc(households.id))
    .limit(first + 1);
  const page = rows.slice(0, first);
  const householdIds = page.map((h) => h.id);
  // Raw rows (no per-field mapping): a page is thousands of persons.
  const members = householdIds.length
    ? await rowsOf<Record<Exclude<(typeof SWEEP_PERSON_COLUMNS)[number], 'deathDate'>, string> & { deathDate: string | null }>(
        db,
        sql`SELECT ${SWEEP_PERSON_SELECT} FROM ${persons} WHERE ${anyOf(persons.householdId, householdIds)} ORDER BY ${persons.householdId}, ${persons.id}`,
      )
    : [];
  return {
    hasNextPage: rows.length > first,
    endCursor: page.at(-1)?.id ?? null,
    householdIds,
    personIds: members.map((m) => m.id),
    households: toSweepRows(SWEEP_HOUSEHOLD_COLUMNS, page),
    persons: toSweepRows(SWEEP_PERSON_COLUMNS, members),
  };
}

export interface SweepPlan {
  totalCount: number;
  /** The `after` of every page but the first: the last household of the page before. */
  householdIds: string[];
  /** Households in each page, in order. */
  pageSizes: number[];
}

/**
 * Where the pages of a sweep start and how many households each holds: `pageSize` households, or
 * fewer where the page's households and their members would come to more than `maxIds` (an
 * access-log entry names every id a page read, up to a limit); a household larger than that is a
 * page of its own. One pass over the region's households in order, with their member counts.
 */
export async function sweepPlan(db: Db, prefix: string, pageSize: number, maxIds: number | null): Promise<SweepPlan> {
  const like = `${prefix}%`;
  const rows = await rowsOf<{ id: string; members: number | string }>(
    db,
    // A join the planner can make a hash join for a large region (a subquery per household took 4× as long for 34,000).
    sql`SELECT ${households.id} AS id, count(${persons.id}) AS members
        FROM ${households} LEFT JOIN ${persons} ON ${persons.householdId} = ${households.id}
        WHERE ${households.regionCode} LIKE ${like} GROUP BY ${households.id} ORDER BY ${households.id}`,
  );
  const householdIds: string[] = [];
  const pageSizes: number[] = [];
  let inPage = 0;
  let ids = 0;
  for (let i = 0; i < rows.length; i++) {
    const cost = 1 + Number(rows[i]!.members);
    if (inPage > 0 && (inPage === pageSize || (maxIds !== null && ids + cost > maxIds))) {
      householdIds.push(rows[i - 1]!.id);
      pageSizes.push(inPage);
      inPage = 0;
      ids = 0;
    }
    inPage += 1;
    ids += cost;
  }
  if (inPage > 0) pageSizes.push(inPage);
  return { totalCount: rows.length, householdIds, pageSizes };
}
