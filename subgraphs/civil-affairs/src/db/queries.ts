import { asc, inArray, sql } from 'drizzle-orm';
import type { Db } from '@saf/db';
import { households, persons, type HouseholdRow, type PersonRow } from './schema.ts';

const RELATION_ORDER = sql`array_position(ARRAY['HEAD','SPOUSE','CHILD','PARENT','GRANDCHILD','GRANDPARENT','SIBLING','OTHER'], ${persons.relation})`;

export async function householdsByIds(db: Db, ids: readonly string[]): Promise<(HouseholdRow | null)[]> {
  const rows = await db.select().from(households).where(inArray(households.id, [...ids]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

export async function personsByIds(db: Db, ids: readonly string[]): Promise<(PersonRow | null)[]> {
  const rows = await db.select().from(persons).where(inArray(persons.id, [...ids]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** Members of each household, head first, in key order. */
export async function membersByHouseholdIds(db: Db, ids: readonly string[]): Promise<PersonRow[][]> {
  const rows = await db
    .select()
    .from(persons)
    .where(inArray(persons.householdId, [...ids]))
    .orderBy(RELATION_ORDER, asc(persons.birthDate), asc(persons.id));
  const groups = new Map<string, PersonRow[]>(ids.map((id) => [id, []]));
  for (const row of rows) groups.get(row.householdId)?.push(row);
  return ids.map((id) => groups.get(id) ?? []);
}

/** Which of these ids exist (the loader checks references against them). */
export async function existing(db: Db, personIds: string[], householdIds: string[]) {
  const [p, h] = await Promise.all([
    personIds.length ? db.select({ id: persons.id }).from(persons).where(inArray(persons.id, personIds)) : [],
    householdIds.length ? db.select({ id: households.id }).from(households).where(inArray(households.id, householdIds)) : [],
  ]);
  return { persons: p.map((r) => r.id), households: h.map((r) => r.id) };
}
