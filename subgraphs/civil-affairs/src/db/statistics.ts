import { and, asc, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@saf/db';
import { jsonTextSet, payingOn } from '@saf/department';
import { awards, households, persons } from './schema.ts';

/**
 * What the coordination office needs from civil affairs to count coverage gaps and relief
 * timeliness: where persons live, who lives in assisted households, disaster relief cases.
 * Person-level, internal: see the `_internal…` fields.
 */

/** A person living in a household under a region (the household's region code). */
export interface PersonPlace {
  personId: string;
  householdId: string;
  regionCode: string;
}

const PLACE = { personId: persons.id, householdId: households.id, regionCode: households.regionCode };

function householdUnder(prefix: string): SQL {
  return sql`${households.regionCode} LIKE ${`${prefix}%`}`;
}

/** Alive on the date (a person who dies that day still counts for it). */
function aliveOn(date: string): SQL {
  return sql`(${persons.deathDate} IS NULL OR ${persons.deathDate} >= ${date}::date)`;
}

/** Where these persons live (alive on the date), optionally only those under a region prefix. */
export async function locatePersons(db: Db, personIds: readonly string[], prefix: string | null, date: string): Promise<PersonPlace[]> {
  if (!personIds.length) return [];
  return db
    .select(PLACE)
    .from(persons)
    .innerJoin(households, sql`${households.id} = ${persons.householdId}`)
    .where(and(sql`${persons.id} IN ${jsonTextSet(personIds)}`, prefix ? householdUnder(prefix) : undefined, aliveOn(date)))
    .orderBy(asc(persons.id));
}

export interface AssistedMembersFilter {
  prefix: string;
  date: string;
  /** Household programmes (低保): every member of a household with one paying counts. */
  householdProgrammes: readonly string[];
  /** Personal programmes (特困): the recipient alone counts. */
  personProgrammes?: readonly string[] | null;
  /** Age in whole years on the date, both ends inclusive. */
  minAge?: number | null;
  maxAge?: number | null;
  /** A page in order of resident ID: at most `first`, after the ID `after`. */
  first?: number | null;
  after?: string | null;
}

/**
 * Living members of households under the prefix that receive a household programme on the date
 * (the award recorded against the household, or paid to one of its members), and recipients of
 * personal programmes, within an age range.
 */
export async function assistedMembers(db: Db, f: AssistedMembersFilter): Promise<PersonPlace[]> {
  const paying = payingOn(f.date);
  const assistedHouseholds = sql`(
    SELECT ${awards.householdId} FROM ${awards} WHERE ${awards.programme} IN ${jsonTextSet(f.householdProgrammes)} AND ${paying} AND ${awards.householdId} IS NOT NULL
    UNION
    SELECT m.household_id FROM ${awards} JOIN persons m ON m.id = ${awards.personId} WHERE ${awards.programme} IN ${jsonTextSet(f.householdProgrammes)} AND ${paying})`;
  const personal = f.personProgrammes?.length
    ? sql` OR ${persons.id} IN (SELECT ${awards.personId} FROM ${awards} WHERE ${awards.programme} IN ${jsonTextSet(f.personProgrammes)} AND ${paying})`
    : sql``;
  const query = db
    .select(PLACE)
    .from(persons)
    .innerJoin(households, sql`${households.id} = ${persons.householdId}`)
    .where(
      and(
        householdUnder(f.prefix),
        aliveOn(f.date),
        // Born on or before the date minus minAge years; after the date minus (maxAge + 1) years.
        f.minAge === null || f.minAge === undefined ? undefined : sql`${persons.birthDate} <= (${f.date}::date - make_interval(years => ${f.minAge}::int))::date`,
        f.maxAge === null || f.maxAge === undefined ? undefined : sql`${persons.birthDate} > (${f.date}::date - make_interval(years => ${f.maxAge + 1}::int))::date`,
        sql`(${households.id} IN ${assistedHouseholds}${personal})`,
        f.after ? sql`${persons.id} > ${f.after}` : undefined,
      ),
    )
    .orderBy(asc(persons.id))
    .$dynamic();
  return f.first ? query.limit(f.first) : query;
}

/** One disaster relief award (灾民救助) with the times civil affairs recorded. */
export interface DisasterReliefCase {
  awardId: string;
  householdId: string | null;
  regionCode: string;
  occurredAt: string | null;
  reliefAt: string | null;
}

/**
 * Disaster relief awards granted under the prefix (ACTIVE or ENDED: relief actually given) for
 * disasters that occurred between `from` and `to` (the date as recorded, else the award's start).
 */
export async function disasterReliefCases(db: Db, prefix: string, from: string, to: string): Promise<DisasterReliefCase[]> {
  const occurredOn = sql`coalesce(left(${awards.details}->>'occurredAt', 10), ${awards.startDate}::text)`;
  return db
    .select({
      awardId: awards.id,
      householdId: awards.householdId,
      regionCode: awards.regionCode,
      occurredAt: sql<string | null>`${awards.details}->>'occurredAt'`,
      reliefAt: sql<string | null>`${awards.details}->>'reliefAt'`,
    })
    .from(awards)
    .where(
      and(
        sql`${awards.programme} = 'DISASTER_RELIEF'`,
        sql`${awards.status} IN ('ACTIVE', 'ENDED')`,
        sql`${awards.regionCode} LIKE ${`${prefix}%`}`,
        sql`${occurredOn} BETWEEN ${from} AND ${to}`,
      ),
    )
    .orderBy(asc(awards.id));
}
