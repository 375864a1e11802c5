import { STATISTICS_PURPOSE, type Caller } from '@saf/auth';
import { DEPARTMENTS, department as departmentInfo, type Department } from '@saf/programmes';
import { badInput, forbidden, unavailable } from '@saf/service';
import type { Context } from '../context.ts';
import { GraphRequestError } from '../graph.ts';
import { officeCaller } from './access.ts';

/**
 * Each department's statistics root fields, named per department because root fields of
 * different subgraphs must not collide. Keep in sync with the departments' schema.graphql.
 */
export const STATISTICS_FIELDS = {
  CIVIL_AFFAIRS: { aggregates: 'civilAffairsStatistics', recipients: '_internalCivilAffairsRecipients' },
  LABOUR: { aggregates: 'labourStatistics', recipients: '_internalLabourRecipients' },
  HEALTH: { aggregates: 'healthStatistics', recipients: '_internalHealthRecipients' },
  EDUCATION: { aggregates: 'educationStatistics', recipients: '_internalEducationRecipients' },
  HOUSING: { aggregates: 'housingStatistics', recipients: '_internalHousingRecipients' },
  JUSTICE: { aggregates: 'justiceStatistics', recipients: '_internalJusticeRecipients' },
  DISABLED_PERSONS_FEDERATION: { aggregates: 'disabilityStatistics', recipients: '_internalDisabilityRecipients' },
} as const satisfies Record<Department, { aggregates: string; recipients: string }>;

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
async function ask<T>(ctx: Context, caller: Caller, query: string, variables: Record<string, unknown>): Promise<T> {
  try {
    // The office's own read, to work out a figure: declared as statistics whoever asked.
    return await ctx.graph.request<T>(query, variables, officeCaller(caller), STATISTICS_PURPOSE);
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
export async function fromEachDepartment<T>(ctx: Context, fn: (department: Department) => Promise<T>, departments: readonly Department[] = DEPARTMENTS): Promise<Gathered<T>> {
  const settled = await Promise.allSettled(departments.map(fn));
  const values = new Map<Department, T>();
  const missing: Department[] = [];
  settled.forEach((result, i) => {
    const department = departments[i]!;
    if (result.status === 'fulfilled') values.set(department, result.value);
    else if (result.reason instanceof GraphRequestError) {
      ctx.log.warn({ department, err: result.reason.message, requestId: ctx.requestId }, 'a department did not answer for statistics');
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

/** Throws when any department the figure depends on did not answer. */
export function requireAll(missing: readonly Department[]): void {
  if (missing.length) throw missingError(missing);
}

/** Aggregate requests in flight, per graph client: identical ones share one answer. */
const aggregatesInFlight = new WeakMap<Context['graph'], Map<string, Promise<ProgrammeAggregate[]>>>();

/**
 * A department's figures per programme and county. Identical requests in flight at once (the
 * office's dashboards opened together on the same region and date) share one department query:
 * the figures do not depend on who asks, and each caller's right to them is checked before this.
 */
export function aggregates(ctx: Context, caller: Caller, department: Department, prefix: string, date: string): Promise<ProgrammeAggregate[]> {
  let inFlight = aggregatesInFlight.get(ctx.graph);
  if (!inFlight) aggregatesInFlight.set(ctx.graph, (inFlight = new Map()));
  const key = `${department}|${prefix}|${date}`;
  const shared = inFlight.get(key);
  if (shared) return shared;
  const field = STATISTICS_FIELDS[department].aggregates;
  const asked = ask<{ rows: ProgrammeAggregate[] }>(ctx, caller, `query Aggregates($r: String!, $d: String!) { rows: ${field}(regionCode: $r, date: $d) { programme regionCode beneficiaries households amountFen } }`, { r: prefix, d: date })
    .then((d) => d.rows)
    .finally(() => inFlight.delete(key));
  inFlight.set(key, asked);
  return asked;
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

export async function recipients(ctx: Context, caller: Caller, department: Department, q: RecipientQuery): Promise<ProgrammeRecipient[]> {
  const field = STATISTICS_FIELDS[department].recipients;
  const query = `query Recipients($r: String, $ids: [ID!], $p: [Programme!], $d: String!) { rows: ${field}(regionCode: $r, personIds: $ids, programmes: $p, date: $d) { programme personId householdId } }`;
  const run = (ids: readonly string[] | null) => ask<{ rows: ProgrammeRecipient[] }>(ctx, caller, query, { r: q.prefix ?? null, ids, p: q.programmes ?? null, d: q.date }).then((d) => d.rows);
  if (!q.personIds) return run(null);
  const out: ProgrammeRecipient[] = [];
  for (const ids of chunks(q.personIds)) out.push(...(await run(ids)));
  return out;
}

/** Where persons live (alive on the date), optionally only under a prefix; civil affairs. */
export async function locatePersons(ctx: Context, caller: Caller, personIds: readonly string[], prefix: string | null, date: string): Promise<PersonPlace[]> {
  const out: PersonPlace[] = [];
  for (const ids of chunks(personIds)) {
    const data = await ask<{ rows: PersonPlace[] }>(ctx, caller, `query Locate($ids: [ID!]!, $r: String, $d: String) { rows: _internalLocatePersons(personIds: $ids, regionCode: $r, date: $d) { personId householdId regionCode } }`, { ids, r: prefix, d: date });
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

export function assistedMembers(ctx: Context, caller: Caller, q: AssistedMembersQuery): Promise<PersonPlace[]> {
  return ask<{ rows: PersonPlace[] }>(
    ctx,
    caller,
    `query Assisted($r: String!, $d: String, $hp: [Programme!]!, $pp: [Programme!], $min: Int, $max: Int) { rows: _internalAssistedMembers(regionCode: $r, date: $d, householdProgrammes: $hp, personProgrammes: $pp, minAge: $min, maxAge: $max) { personId householdId regionCode } }`,
    { r: q.prefix, d: q.date, hp: q.householdProgrammes, pp: q.personProgrammes ?? null, min: q.minAge ?? null, max: q.maxAge ?? null },
  ).then((d) => d.rows);
}

/** Persons with a certificate valid on the date, of grade 1 to `maxGrade` (all when null); the federation. */
export async function certificateHolders(ctx: Context, caller: Caller, date: string, maxGrade: number | null, personIds: readonly string[] | null): Promise<string[]> {
  const query = `query Holders($d: String, $g: Int, $ids: [ID!]) { rows: _internalCertificateHolders(date: $d, maxGrade: $g, personIds: $ids) }`;
  const run = (ids: readonly string[] | null) => ask<{ rows: string[] }>(ctx, caller, query, { d: date, g: maxGrade, ids }).then((d) => d.rows);
  if (!personIds) return run(null);
  const out: string[] = [];
  for (const ids of chunks(personIds)) out.push(...(await run(ids)));
  return out;
}

export function disasterReliefCases(ctx: Context, caller: Caller, prefix: string, from: string, to: string): Promise<DisasterReliefCase[]> {
  return ask<{ rows: DisasterReliefCase[] }>(
    ctx,
    caller,
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
