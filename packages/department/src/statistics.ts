import { and, asc, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '@saf/db';
import { isRegionPrefix, isValidIsoDate } from '@saf/identity';
import { badInput } from '@saf/service';
import { awards } from './schema.ts';

/**
 * Aggregates over a department's own award table, for the coordination office's statistics
 * (SPEC section 6). Everything is computed in SQL; figures leave the department unsuppressed,
 * and the coordination office applies small-cell suppression before anyone else sees them.
 */

/** Today in Beijing time (Xinjiang's official time): the default statistics date. */
export function todayInChina(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function statisticsDate(date: string | null | undefined): string {
  if (date === null || date === undefined) return todayInChina();
  if (!isValidIsoDate(date)) throw badInput('date must be a date YYYY-MM-DD', 'date');
  return date;
}

export function statisticsRegion(regionCode: string): string {
  if (!isRegionPrefix(regionCode)) throw badInput('regionCode must be a region code prefix of 2, 4, 6, 9 or 12 digits', 'regionCode');
  return regionCode;
}

/**
 * Awards paying on `date` (SPEC section 7): ACTIVE or ENDED, and the date within the period; a
 * ONCE award without an end pays on its start date only, any other award without an end is open.
 * Keep in sync with `periodOf` and `isPaying` in @saf/rules.
 */
export function payingOn(date: string): SQL {
  return sql`${awards.status} IN ('ACTIVE', 'ENDED') AND ${awards.startDate} <= ${date}::date
    AND coalesce(${awards.endDate}, CASE WHEN ${awards.frequency} = 'ONCE' THEN ${awards.startDate} END, 'infinity'::date) >= ${date}::date`;
}

/** Awards granted under a region prefix; a plain prefix LIKE uses the text_pattern_ops index. */
export function underRegion(prefix: string): SQL {
  return sql`${awards.regionCode} LIKE ${`${prefix}%`}`;
}

/** A JSON array parameter as a set of text values (one parameter, any length, on both drivers). */
export function jsonTextSet(values: readonly string[]): SQL {
  return sql`(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
}

/** One programme in one county (the first 6 digits of the award's region code). */
export interface ProgrammeAggregate {
  programme: string;
  regionCode: string;
  /** Distinct persons with a paying award. */
  beneficiaries: number;
  /** Their distinct households (awards recorded without a household are not counted here). */
  households: number;
  /** Sum of the paying awards' amountFen, as a decimal string (numeric in SQL: never overflows). */
  amountFen: string;
}

export async function programmeAggregates(db: Db, prefix: string, date: string): Promise<ProgrammeAggregate[]> {
  const county = sql<string>`left(${awards.regionCode}, 6)`;
  return db
    .select({
      programme: awards.programme,
      regionCode: county,
      beneficiaries: sql<number>`count(DISTINCT ${awards.personId})::int`,
      households: sql<number>`count(DISTINCT ${awards.householdId})::int`,
      amountFen: sql<string>`sum(${awards.amountFen}::numeric)::text`,
    })
    .from(awards)
    .where(and(underRegion(prefix), payingOn(date)))
    .groupBy(awards.programme, county)
    .orderBy(asc(awards.programme), asc(county));
}

/** A person receiving a programme on the date, the household the award is recorded against, and its county. */
export interface ProgrammeRecipient {
  programme: string;
  personId: string;
  householdId: string | null;
  /** The county: the first 6 digits of the award's region code. */
  regionCode: string;
}

export interface RecipientFilter {
  /** Awards granted under this prefix. */
  prefix?: string | null;
  /** Awards to these persons only. */
  personIds?: readonly string[] | null;
  programmes?: readonly string[] | null;
  date: string;
}

/** Who receives which programme on the date: distinct (programme, person, household, county). */
export async function programmeRecipients(db: Db, filter: RecipientFilter): Promise<ProgrammeRecipient[]> {
  const conditions: SQL[] = [payingOn(filter.date)];
  if (filter.prefix) conditions.push(underRegion(filter.prefix));
  if (filter.personIds) conditions.push(sql`${awards.personId} IN ${jsonTextSet(filter.personIds)}`);
  if (filter.programmes) conditions.push(sql`${awards.programme} IN ${jsonTextSet(filter.programmes)}`);
  const county = sql<string>`left(${awards.regionCode}, 6)`;
  return db
    .selectDistinct({ programme: awards.programme, personId: awards.personId, householdId: awards.householdId, regionCode: county })
    .from(awards)
    .where(and(...conditions))
    .orderBy(asc(awards.programme), asc(awards.personId), asc(awards.householdId), asc(county));
}

/**
 * The department's data version: changes with every load commit that changed a row (ingest.ts),
 * in the same transaction, so figures computed from one version are those of that data exactly.
 * Read from the same database as the figures (a read replica gives the version it has replayed).
 */
export async function dataVersion(db: Db): Promise<string> {
  const [row] = await rowsOf<{ n: number; token: string | null }>(db, sql`SELECT (SELECT count(*)::int FROM data_versions) AS n, (SELECT token::text FROM data_versions ORDER BY seq DESC LIMIT 1) AS token`);
  return `${row?.n ?? 0}:${row?.token ?? 'none'}`;
}

/** Per-request readers of the aggregates (the department context has no database handle of its own). */
export function createAwardAggregates(db: Db) {
  return {
    statistics: (prefix: string, date: string) => programmeAggregates(db, prefix, date),
    recipients: (filter: RecipientFilter) => programmeRecipients(db, filter),
    version: () => dataVersion(db),
  };
}
export type AwardAggregates = ReturnType<typeof createAwardAggregates>;
