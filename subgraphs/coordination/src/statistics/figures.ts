import { DEPARTMENTS, type Department } from '@saf/programmes';
import { computing } from '@saf/service';
import type { Context } from '../context.ts';
import type { Computed, FigureCache, Outcome } from './cache.ts';
import { computeGap, GAP_DEPARTMENTS, type GapFigures, type GapKind } from './gaps.ts';
import { overlapFigures, type OverlapFigures } from './overlap.ts';
import { aggregates, disasterReliefCases, fromDepartment, fromEachDepartment, locatePersons, missingError, recipients, type DisasterReliefCase, type ProgrammeAggregate, type ProgrammeRecipient, type Reader } from './sources.ts';
import { dataVersions, type Versions } from './versions.ts';

/**
 * The exact figures the statistics are made of, each computed once for a universe (the province
 * for published figures, the prefix asked about for exact ones; publication.ts), a date, and the
 * data versions of the departments it is computed from, and kept (cache.ts). A request pays one small request for the
 * versions; a scan of the departments only when their data has changed since.
 */
export interface FigureContext extends Reader {
  cache: FigureCache;
  versions: Versions;
  /** What the computations read the departments with (a few requests at a time); `graph` serves the request's own small reads. */
  computeGraph: Reader['graph'];
  /** A request's: when it stops waiting for figures being computed (their computation goes on). */
  waitUntil?: number;
}

const perRequest = new WeakMap<Context, Promise<FigureContext>>();

/** The versions are read once per request, whatever figures it asks for. */
export function figureContext(ctx: Context): Promise<FigureContext> {
  let fc = perRequest.get(ctx);
  if (!fc) {
    const waitUntil = Date.now() + ctx.statisticsWaitMs;
    fc = dataVersions(ctx.graph).then((versions) => ({ graph: ctx.graph, computeGraph: ctx.statisticsGraph, log: ctx.log, requestId: ctx.requestId, cache: ctx.statistics, versions, waitUntil }));
    perRequest.set(ctx, fc);
  }
  return fc;
}

/**
 * A kept figure; its computation sees the services and the versions only (it may run again later,
 * for no request). A request waits for it until its `waitUntil`, then is told to ask again.
 */
function kept<T>(fc: FigureContext, figure: string, key: string, deps: readonly Department[], compute: (fc: FigureContext) => Promise<Outcome<T>>): Promise<Computed<T>> {
  const { computeGraph, log, cache } = fc;
  const figures = cache.get(figure, `${figure}|${key}`, deps, fc.versions, (versions) => compute({ graph: computeGraph, computeGraph, log, cache, versions }));
  return fc.waitUntil === undefined ? figures : untilReady(figures, fc.waitUntil);
}

/** The figures, or `STATISTICS_COMPUTING` once `waitUntil` has passed. */
export function untilReady<T>(figures: Promise<T>, waitUntil: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(computing('these figures are being computed (the data changed, or they were not asked for before); ask again in a few seconds', RETRY_AFTER_SECONDS)), Math.max(0, waitUntil - Date.now()));
  });
  return Promise.race([figures, late]).finally(() => clearTimeout(timer));
}

/** When a caller told to wait should ask again. */
const RETRY_AFTER_SECONDS = 5;

/** A department's figures per programme and county of the universe (`assistanceStatistics`, 集中供养率). */
export function departmentFigures(fc: FigureContext, department: Department, universe: string, date: string): Promise<Computed<ProgrammeAggregate[]>> {
  return kept(fc, 'aggregates', `${department}|${universe}|${date}`, [department], async (c) => ({ value: await aggregates(c, department, universe, date), complete: true }));
}

/** Per county of the universe, the overlap's exact figures; the departments that did not answer. */
export interface CountyOverlap {
  counties: Map<string, OverlapFigures>;
  missing: Department[];
}

/** Recipients one request asks for at most (about 1 MB through the gateway, well within its deadline). */
export const RECIPIENTS_PER_REQUEST = 10_000;

/** Region prefixes that cover the counties in `sizes` under `prefix`, each with at most `limit` (a county however many). */
export function recipientBatches(sizes: ReadonlyMap<string, number>, prefix: string, limit = RECIPIENTS_PER_REQUEST): string[] {
  const under = [...sizes].filter(([county]) => county.startsWith(prefix));
  const total = under.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return [];
  if (total <= limit || prefix.length >= 6) return [prefix];
  const next = prefix.length < 4 ? 4 : 6;
  return [...new Set(under.map(([county]) => county.slice(0, next)))].sort().flatMap((p) => recipientBatches(sizes, p, limit));
}

/**
 * A department's recipients in the universe, in requests of at most `RECIPIENTS_PER_REQUEST`
 * (by the beneficiaries its own figures count per county): no answer through the gateway grows
 * with the province.
 */
async function departmentRecipients(fc: FigureContext, department: Department, universe: string, date: string): Promise<ProgrammeRecipient[]> {
  if (universe.length > 6) return recipients(fc, department, { prefix: universe, date });
  const sizes = new Map<string, number>();
  for (const r of (await departmentFigures(fc, department, universe, date)).value) sizes.set(r.regionCode, (sizes.get(r.regionCode) ?? 0) + r.beneficiaries);
  const out: ProgrammeRecipient[] = [];
  for (const prefix of recipientBatches(sizes, universe)) out.push(...(await recipients(fc, department, { prefix, date })));
  return out;
}

/**
 * Which household each recipient counts for: the one the award is recorded against, else the
 * one civil affairs registers the person in, else (not registered) a household of their own.
 */
async function householdOf(reader: Reader, rows: readonly ProgrammeRecipient[], date: string): Promise<(r: ProgrammeRecipient) => string> {
  const unhoused = [...new Set(rows.filter((r) => r.householdId === null).map((r) => r.personId))];
  const registered = new Map<string, string>();
  if (unhoused.length) for (const place of await fromDepartment('CIVIL_AFFAIRS', () => locatePersons(reader, unhoused, null, date))) registered.set(place.personId, place.householdId);
  return (r) => r.householdId ?? registered.get(r.personId) ?? `person:${r.personId}`;
}

/**
 * The overlap per county: a household counts in the county its awards were granted in, with the
 * awards granted there (a household with awards in two counties counts in each), so that regions'
 * figures are the sums of their counties' (disclosure.ts, point 4). Civil affairs is needed to
 * know households; any other department may be missing (its programmes are then absent).
 */
export function overlapFigure(fc: FigureContext, universe: string, date: string): Promise<Computed<CountyOverlap>> {
  return kept(fc, 'overlap', `${universe}|${date}`, DEPARTMENTS, async (c) => {
    const gathered = await fromEachDepartment(c, (department) => departmentRecipients(c, department, universe, date));
    if (gathered.missing.includes('CIVIL_AFFAIRS')) throw missingError(['CIVIL_AFFAIRS']);
    const rows = [...gathered.values.values()].flat();
    const household = await householdOf(c, rows, date);
    const byCounty = new Map<string, Map<string, Set<string>>>();
    for (const r of rows) {
      const programmes = byCounty.get(r.regionCode) ?? new Map<string, Set<string>>();
      const set = programmes.get(r.programme) ?? new Set<string>();
      set.add(household(r));
      programmes.set(r.programme, set);
      byCounty.set(r.regionCode, programmes);
    }
    const counties = new Map([...byCounty].sort(([a], [b]) => a.localeCompare(b)).map(([county, programmes]) => [county, overlapFigures(programmes)]));
    return { value: { counties, missing: gathered.missing }, complete: gathered.missing.length === 0 };
  });
}

/** A coverage gap's figures per county of the households in the universe. */
export function gapFigure(fc: FigureContext, kind: GapKind, universe: string, date: string): Promise<Computed<GapFigures>> {
  return kept(fc, `gap`, `${kind}|${universe}|${date}`, GAP_DEPARTMENTS[kind], async (c) => ({ value: await computeGap(c, kind, universe, date), complete: true }));
}

/** Disaster relief cases of the universe for disasters in the period. */
export function reliefFigure(fc: FigureContext, universe: string, from: string, to: string): Promise<Computed<DisasterReliefCase[]>> {
  return kept(fc, 'relief', `${universe}|${from}|${to}`, ['CIVIL_AFFAIRS'], async (c) => ({ value: await fromDepartment('CIVIL_AFFAIRS', () => disasterReliefCases(c, universe, from, to)), complete: true }));
}
