import { STATISTICS_PURPOSE, type Caller } from '@saf/auth';
import { DEPARTMENTS, department as departmentInfo, type Department } from '@saf/programmes';
import { badInput, forbidden, unavailable, type Logger } from '@saf/service';
import { GraphRequestError, type GraphClient } from '../graph.ts';

/**
 * Each department's statistics root fields, named per department because root fields of
 * different subgraphs must not collide. Keep in sync with the departments' schema.graphql.
 */
export const STATISTICS_FIELDS = {
  CIVIL_AFFAIRS: { aggregates: 'civilAffairsStatistics', recipients: '_internalCivilAffairsRecipients', version: '_internalCivilAffairsDataVersion' },
  LABOUR: { aggregates: 'labourStatistics', recipients: '_internalLabourRecipients', version: '_internalLabourDataVersion' },
  HEALTH: { aggregates: 'healthStatistics', recipients: '_internalHealthRecipients', version: '_internalHealthDataVersion' },
  EDUCATION: { aggregates: 'educationStatistics', recipients: '_internalEducationRecipients', version: '_internalEducationDataVersion' },
  HOUSING: { aggregates: 'housingStatistics', recipients: '_internalHousingRecipients', version: '_internalHousingDataVersion' },
  JUSTICE: { aggregates: 'justiceStatistics', recipients: '_internalJusticeRecipients', version: '_internalJusticeDataVersion' },
  DISABLED_PERSONS_FEDERATION: { aggregates: 'disabilityStatistics', recipients: '_internalDisabilityRecipients', version: '_internalDisabilityDataVersion' },
} as const satisfies Record<Department, { aggregates: string; recipients: string; version: string }>;

/**
 * Who the office's statistics read the departments as: the office itself. Figures are computed
 * once and shared by every caller allowed to read them (cache.ts), so no caller is named; each
 * caller's right to a figure is checked before it is served (publication.ts), and the access log
 * shows these reads as the office's.
 */
export const STATISTICS_OFFICE: Caller = { sub: 'coordination office (statistics)', role: 'COORDINATOR' };

/** What reading the departments needs: the graph, and where to report a department that did not answer. */
export interface Reader {
  graph: GraphClient;
  log: Logger;
  requestId?: string;
}

/** A department's figures for one programme in one county, unsuppressed. */
export interface ProgrammeAggregate {
  programme: string;
  regionCode: string;
  beneficiaries: number;
  households: number;
  amountFen: string;
}

export interface ProgrammeRecipient {
  programme: string;
  personId: string;
  householdId: string | null;
  /** County of the award (first 6 digits of its region code). */
  regionCode: string;
}

export interface PersonPlace {
  personId: string;
  householdId: string;
  regionCode: string;
}

export interface DisasterReliefCase {
  awardId: string;
  householdId: string | null;
  regionCode: string;
  occurredAt: string | null;
  reliefAt: string | null;
}

/** The departments' answers, and those that did not answer. */
export interface Gathered<T> {
  values: Map<Department, T>;
  missing: Department[];
}

/** A department that did not answer is missing; a refusal or bad input is the caller's error. */
export async function ask<T>(reader: Reader, query: string, variables: Record<string, unknown>): Promise<T> {
  try {
    // The office's own read, to work out a figure: declared as statistics whoever asked.
    return await reader.graph.request<T>(query, variables, STATISTICS_OFFICE, STATISTICS_PURPOSE);
  } catch (err) {
    if (err instanceof GraphRequestError) {
      const refused = err.errors.find((e) => e.extensions?.code === 'FORBIDDEN');
      if (refused) throw forbidden(refused.message);
      const bad = err.errors.find((e) => e.extensions?.code === 'BAD_USER_INPUT');
      if (bad) throw badInput(bad.message);
    }
    throw err;
  }
}

/** Asks every department at once; one that fails is listed as missing, the others' answers kept. */
export async function fromEachDepartment<T>(reader: Reader, fn: (department: Department) => Promise<T>, departments: readonly Department[] = DEPARTMENTS): Promise<Gathered<T>> {
  const settled = await Promise.allSettled(departments.map(fn));
  const values = new Map<Department, T>();
  const missing: Department[] = [];
  settled.forEach((result, i) => {
    const department = departments[i]!;
    if (result.status === 'fulfilled') values.set(department, result.value);
    else if (result.reason instanceof GraphRequestError || isMissing(result.reason)) {
      reader.log.warn({ department, err: (result.reason as Error).message, requestId: reader.requestId }, 'a department did not answer for statistics');
      missing.push(department);
    } else throw result.reason;
  });
  return { values, missing };
}

/** The error that says which departments' figures are missing (the gateway names the coordination subgraph). */
export function missingError(missing: readonly Department[]): Error {
  const names = missing.map((d) => `${departmentInfo(d).nameZh} (${departmentInfo(d).subgraph})`).join(', ');
  return unavailable(`${names} did not answer; their figures are missing`, { departments: [...missing], services: missing.map((d) => departmentInfo(d).subgraph) });
}

/** Whether an error is `missingError`'s (a department that did not answer). */
export function isMissing(err: unknown): boolean {
  return (err as { extensions?: { code?: string } } | null)?.extensions?.code === 'SUBGRAPH_UNAVAILABLE';
}

/** Throws when any department the figure depends on did not answer. */
export function requireAll(missing: readonly Department[]): void {
  if (missing.length) throw missingError(missing);
}

/** A department's figures per programme and county under a prefix. */
export function aggregates(reader: Reader, department: Department, prefix: string, date: string): Promise<ProgrammeAggregate[]> {
  const field = STATISTICS_FIELDS[department].aggregates;
  return ask<{ rows: ProgrammeAggregate[] }>(reader, `query Aggregates($r: String!, $d: String!) { rows: ${field}(regionCode: $r, date: $d) { programme regionCode beneficiaries households amountFen } }`, { r: prefix, d: date }).then((d) => d.rows);
}

/** The most ids one request names (the departments accept up to 5000). */
export const ID_CHUNK = 2000;

function chunks<T>(items: readonly T[], size = ID_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface RecipientQuery {
  prefix?: string | null;
  personIds?: readonly string[] | null;
  programmes?: readonly string[] | null;
  date: string;
}

export async function recipients(reader: Reader, department: Department, q: RecipientQuery): Promise<ProgrammeRecipient[]> {
  const field = STATISTICS_FIELDS[department].recipients;
  const query = `query Recipients($r: String, $ids: [ID!], $p: [Programme!], $d: String!) { rows: ${field}(regionCode: $r, personIds: $ids, programmes: $p, date: $d) { programme personId householdId regionCode } }`;
  const run = (ids: readonly string[] | null) => ask<{ rows: ProgrammeRecipient[] }>(reader, query, { r: q.prefix ?? null, ids, p: q.programmes ?? null, d: q.date }).then((d) => d.rows);
  if (!q.personIds) return run(null);
  const out: ProgrammeRecipient[] = [];
  for (const ids of chunks(q.personIds)) out.push(...(await run(ids)));
  return out;
}

/** Where persons live (alive on the date), optionally only under a prefix; civil affairs. */
export async function locatePersons(reader: Reader, personIds: readonly string[], prefix: string | null, date: string): Promise<PersonPlace[]> {
  const out: PersonPlace[] = [];
  for (const ids of chunks(personIds)) {
    const data = await ask<{ rows: PersonPlace[] }>(reader, `query Locate($ids: [ID!]!, $r: String, $d: String) { rows: _internalLocatePersons(personIds: $ids, regionCode: $r, date: $d) { personId householdId regionCode } }`, { ids, r: prefix, d: date });
    out.push(...data.rows);
  }
  return out;
}

export interface AssistedMembersQuery {
  prefix: string;
  date: string;
  householdProgrammes: readonly string[];
  personProgrammes?: readonly string[];
  minAge?: number;
  maxAge?: number;
}

/** Members civil affairs lists per request (its most): a province's in one answer would pass the gateway's deadline. */
export const MEMBERS_PAGE = 10_000;

/** Living members of assisted households under a prefix (civil affairs), page after page. */
export async function assistedMembers(reader: Reader, q: AssistedMembersQuery): Promise<PersonPlace[]> {
  const query = `query Assisted($r: String!, $d: String, $hp: [Programme!]!, $pp: [Programme!], $min: Int, $max: Int, $first: Int, $after: ID) { rows: _internalAssistedMembers(regionCode: $r, date: $d, householdProgrammes: $hp, personProgrammes: $pp, minAge: $min, maxAge: $max, first: $first, after: $after) { personId householdId regionCode } }`;
  const out: PersonPlace[] = [];
  for (let after: string | null = null; ; ) {
    const { rows }: { rows: PersonPlace[] } = await ask(reader, query, { r: q.prefix, d: q.date, hp: q.householdProgrammes, pp: q.personProgrammes ?? null, min: q.minAge ?? null, max: q.maxAge ?? null, first: MEMBERS_PAGE, after });
    out.push(...rows);
    if (rows.length < MEMBERS_PAGE) return out;
    after = rows.at(-1)!.personId;
  }
}

/** Persons with a certificate valid on the date, of grade 1 to `maxGrade` (all when null); the federation. */
export async function certificateHolders(reader: Reader, date: string, maxGrade: number | null, personIds: readonly string[] | null): Promise<string[]> {
  const query = `query Holders($d: String, $g: Int, $ids: [ID!]) { rows: _internalCertificateHolders(date: $d, maxGrade: $g, personIds: $ids) }`;
  const run = (ids: readonly string[] | null) => ask<{ rows: string[] }>(reader, query, { d: date, g: maxGrade, ids }).then((d) => d.rows);
  if (!personIds) return run(null);
  const out: string[] = [];
  for (const ids of chunks(personIds)) out.push(...(await run(ids)));
  return out;
}

export function disasterReliefCases(reader: Reader, prefix: string, from: string, to: string): Promise<DisasterReliefCase[]> {
  return ask<{ rows: DisasterReliefCase[] }>(
    reader,
    `query Relief($r: String!, $f: String!, $t: String!) { rows: _internalDisasterReliefCases(regionCode: $r, from: $f, to: $t) { awardId householdId regionCode occurredAt reliefAt } }`,
    { r: prefix, f: from, t: to },
  ).then((d) => d.rows);
}

/** A figure that needs one department: its answer, or an error naming it. */
export async function fromDepartment<T>(department: Department, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof GraphRequestError) throw missingError([department]);
    throw err;
  }
}
