import { countyOf } from '@saf/identity';
import { RegionTree, sumOfPublished, type RegionTreeOptions } from './disclosure.ts';
import type { GapFigures } from './gaps.ts';
import { inScope, type Disclosure } from './publication.ts';
import type { DisasterReliefCase, ProgrammeAggregate } from './sources.ts';

/**
 * The policy's targets (reference: 城乡社会救助体系 opinion): 特困/五保 集中供养率 of at least 50%,
 * and disaster relief in place within 24 hours. Pure computations over a universe's exact figures
 * (publication.ts): exact for the coordination office and caseworkers, published as
 * disclosure.ts says for everyone else.
 */
export const CENTRALIZED_SUPPORT_GOAL = 0.5;
export const RELIEF_TARGET_HOURS = 24;

/** What a target is asked about: the region prefix, what the caller gets, and the universe its figures cover. */
export interface TargetQuery {
  prefix: string;
  universe: string;
  disclosure: Disclosure;
}

/** One count per county of the universe: exact, or published through its region tree. */
function counter(counts: ReadonlyMap<string, number>, q: TargetQuery, options: RegionTreeOptions = {}): (code: string) => number | null {
  const tree = new RegionTree(counts, options);
  return (code) => (q.disclosure === 'EXACT' ? tree.exact(code) : tree.published(code));
}

/** The counties of the answer (in order), then the whole region under the prefix. */
function rowCodes(counties: Iterable<string>, q: TargetQuery): { counties: string[]; region: string } {
  return { counties: [...new Set(counties)].filter((c) => inScope(q, c)).sort(), region: q.prefix };
}

function add(map: Map<string, number>, key: string, n = 1): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

export interface CentralizedSupportRate {
  regionCode: string;
  centralized: number | null;
  dispersed: number | null;
  total: number | null;
  rate: number | null;
  met: boolean | null;
}

/**
 * 集中供养率 per county and for the whole region: persons in centralized support over persons in
 * centralized or dispersed support, paying on the date. The counts are `assistanceStatistics`'s
 * beneficiaries of the two programmes, each its own region tree; the total and the rate are
 * published only when both counts are.
 */
export function centralizedSupport(rows: readonly ProgrammeAggregate[], q: TargetQuery): { goal: number; region: CentralizedSupportRate; counties: CentralizedSupportRate[] } {
  const centralized = new Map<string, number>();
  const dispersed = new Map<string, number>();
  for (const row of rows) {
    if (row.programme === 'EXTREME_POVERTY_CENTRALIZED') add(centralized, row.regionCode, row.beneficiaries);
    if (row.programme === 'EXTREME_POVERTY_DISPERSED') add(dispersed, row.regionCode, row.beneficiaries);
  }
  // Programme counts: a county without any has no `assistanceStatistics` row, so its zero is known.
  const c = counter(centralized, q, { zerosKnown: true });
  const d = counter(dispersed, q, { zerosKnown: true });
  const row = (regionCode: string): CentralizedSupportRate => {
    const [cs, ds] = [c(regionCode), d(regionCode)];
    const total = sumOfPublished([cs, ds]);
    const rate = cs !== null && total ? cs / total : null;
    return { regionCode, centralized: cs, dispersed: ds, total, rate, met: rate === null ? null : rate >= CENTRALIZED_SUPPORT_GOAL };
  };
  const codes = rowCodes([...centralized.keys(), ...dispersed.keys()], q);
  return { goal: CENTRALIZED_SUPPORT_GOAL, region: row(codes.region), counties: codes.counties.map(row) };
}

/** Hours from the disaster to relief in place, or null when a time is missing or they are out of order. */
export function reliefHours(c: Pick<DisasterReliefCase, 'occurredAt' | 'reliefAt'>): number | null {
  if (!c.occurredAt || !c.reliefAt) return null;
  const from = Date.parse(c.occurredAt);
  const to = Date.parse(c.reliefAt);
  if (Number.isNaN(from) || Number.isNaN(to) || to < from) return null;
  return (to - from) / 3_600_000;
}

export interface ReliefCounts {
  regionCode: string;
  /** Relief awards for disasters in the period. */
  cases: number | null;
  /** In place within 24 hours (24 hours exactly included). */
  within24Hours: number | null;
  late: number | null;
  /** Without both times recorded (or relief before the disaster): not timed. */
  unrecorded: number | null;
  /** within24Hours / (within24Hours + late); published only when both are. */
  shareWithin24Hours: number | null;
}

export interface LateCase {
  awardId: string;
  householdId: string | null;
  regionCode: string;
  hours: number;
}

/**
 * Timeliness per county (of the award's region) and for the region: in time, late and
 * unrecorded are each a region tree; the cases (their sum) are published only when all three
 * are, the share only when both of its counts are. Late cases under the prefix are returned in
 * full for the caller to filter (household numbers are person-level).
 */
export function reliefTimeliness(cases: readonly DisasterReliefCase[], q: TargetQuery): { region: ReliefCounts; counties: ReliefCounts[]; lateCases: LateCase[] } {
  const counts = [new Map<string, number>(), new Map<string, number>(), new Map<string, number>()] as const;
  const lateCases: LateCase[] = [];
  for (const c of cases) {
    const county = countyOf(c.regionCode);
    const hours = reliefHours(c);
    // A county listed has all three counts, zeros included: a listed zero is withheld like any small count.
    for (const m of counts) add(m, county, 0);
    add(counts[hours === null ? 2 : hours <= RELIEF_TARGET_HOURS ? 0 : 1], county);
    if (hours !== null && hours > RELIEF_TARGET_HOURS && inScope(q, county)) lateCases.push({ awardId: c.awardId, householdId: c.householdId, regionCode: c.regionCode, hours: Math.round(hours * 10) / 10 });
  }
  const [within, late, unrecorded] = counts.map((m) => counter(m, q));
  const row = (regionCode: string): ReliefCounts => {
    const [w, l, u] = [within!(regionCode), late!(regionCode), unrecorded!(regionCode)];
    return { regionCode, cases: sumOfPublished([w, l, u]), within24Hours: w, late: l, unrecorded: u, shareWithin24Hours: w !== null && l !== null && w + l > 0 ? w / (w + l) : null };
  };
  const codes = rowCodes(counts.flatMap((m) => [...m.keys()]), q);
  lateCases.sort((a, b) => b.hours - a.hours || a.awardId.localeCompare(b.awardId));
  return { region: row(codes.region), counties: codes.counties.map(row), lateCases };
}

export interface GapCount {
  regionCode: string;
  persons: number | null;
  households: number | null;
  /** Exact household numbers, for the caller to filter by `canSeeHouseholds`. */
  householdIds: string[];
}

/**
 * Gap counts per county and for the region. Persons are a region tree; households too, but a
 * total is published only when no county's is withheld (households ≤ persons would otherwise let
 * one tree's bounds narrow the other's withheld counts; disclosure.ts, point 6).
 */
export function gapCounts(f: GapFigures, q: TargetQuery): { region: GapCount; counties: GapCount[] } {
  const persons = new Map([...f.counties].map(([county, c]) => [county, c.persons.size]));
  const households = new Map([...f.counties].map(([county, c]) => [county, c.households.size]));
  // A county is listed only with someone in the gap: each listed count is at least 1, the others 0.
  const p = counter(persons, q, { zerosKnown: true });
  const h = counter(households, q, { allOrNothing: true });
  const ids = (codes: string[]) => codes.flatMap((county) => [...(f.counties.get(county)?.households ?? [])]).sort();
  const codes = rowCodes(f.counties.keys(), q);
  const row = (regionCode: string, counties: string[]): GapCount => ({ regionCode, persons: p(regionCode), households: h(regionCode), householdIds: ids(counties) });
  return { region: row(codes.region, codes.counties), counties: codes.counties.map((c) => row(c, [c])) };
}
