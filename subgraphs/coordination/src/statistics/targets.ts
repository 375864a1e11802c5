import { countyOf } from '@saf/identity';
import { suppressLines, suppressTable } from './disclosure.ts';
import type { DisasterReliefCase, ProgrammeAggregate } from './sources.ts';

/**
 * The policy's targets (reference: 城乡社会救助体系 opinion): 特困/五保 集中供养率 of at least 50%,
 * and disaster relief in place within 24 hours. Pure computations over the departments' figures;
 * every count is suppressed like any other published figure.
 */
export const CENTRALIZED_SUPPORT_GOAL = 0.5;
export const RELIEF_TARGET_HOURS = 24;

/** Keys of the rows: the counties in order, then the whole region under the prefix. */
function rowsFor<T>(counties: ReadonlyMap<string, T>, prefix: string): { regionCode: string; value: T | undefined }[] {
  return [...[...counties.keys()].sort().map((regionCode) => ({ regionCode, value: counties.get(regionCode) })), { regionCode: prefix, value: undefined }];
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
 * centralized or dispersed support, paying on the date. The table (counties and the region's
 * total row × centralized, dispersed, total) is suppressed by rows and columns, a line's total
 * withheld first (the counts are the same figures `assistanceStatistics` publishes); the rate and
 * whether the goal is met are published only when both counts are.
 */
export function centralizedSupport(rows: readonly ProgrammeAggregate[], prefix: string): { goal: number; region: CentralizedSupportRate; counties: CentralizedSupportRate[] } {
  const counties = new Map<string, [number, number]>();
  for (const row of rows) {
    const i = row.programme === 'EXTREME_POVERTY_CENTRALIZED' ? 0 : row.programme === 'EXTREME_POVERTY_DISPERSED' ? 1 : null;
    if (i === null) continue;
    const counts: [number, number] = counties.get(row.regionCode) ?? [0, 0];
    counts[i] += row.beneficiaries;
    counties.set(row.regionCode, counts);
  }
  const keys = rowsFor(counties, prefix);
  const sum = (i: 0 | 1) => [...counties.values()].reduce((s, c) => s + c[i], 0);
  const table = keys.map(({ value }) => {
    const [c, d] = value ?? [sum(0), sum(1)];
    return [c, d, c + d];
  });
  const published = suppressTable(table, { totals: true }).map((row, r): CentralizedSupportRate => {
    const [centralized, dispersed, total] = row as [number | null, number | null, number | null];
    const rate = centralized !== null && dispersed !== null && total ? centralized / total : null;
    return { regionCode: keys[r]!.regionCode, centralized, dispersed, total, rate, met: rate === null ? null : rate >= CENTRALIZED_SUPPORT_GOAL };
  });
  return { goal: CENTRALIZED_SUPPORT_GOAL, region: published.at(-1)!, counties: published.slice(0, -1) };
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
 * Timeliness per county (of the award's region) and for the region: the table (rows × within,
 * late, unrecorded, cases) is suppressed by rows and columns, totals first. Late cases are returned in full for
 * the caller to filter (household numbers are person-level).
 */
export function reliefTimeliness(cases: readonly DisasterReliefCase[], prefix: string): { region: ReliefCounts; counties: ReliefCounts[]; lateCases: LateCase[] } {
  const counties = new Map<string, [number, number, number]>();
  const lateCases: LateCase[] = [];
  for (const c of cases) {
    const county = countyOf(c.regionCode);
    const counts = counties.get(county) ?? [0, 0, 0];
    const hours = reliefHours(c);
    if (hours === null) counts[2] += 1;
    else if (hours <= RELIEF_TARGET_HOURS) counts[0] += 1;
    else {
      counts[1] += 1;
      lateCases.push({ awardId: c.awardId, householdId: c.householdId, regionCode: c.regionCode, hours: Math.round(hours * 10) / 10 });
    }
    counties.set(county, counts);
  }
  const keys = rowsFor(counties, prefix);
  const total = (i: number) => [...counties.values()].reduce((s, c) => s + c[i]!, 0);
  const table = keys.map(({ value }) => {
    const [w, l, u] = value ?? [total(0), total(1), total(2)];
    return [w, l, u, w + l + u];
  });
  const published = suppressTable(table, { totals: true }).map((row, r): ReliefCounts => {
    const [within24Hours, late, unrecorded, cases] = row as [number | null, number | null, number | null, number | null];
    const timed = within24Hours !== null && late !== null ? within24Hours + late : 0;
    return {
      regionCode: keys[r]!.regionCode,
      cases,
      within24Hours,
      late,
      unrecorded,
      shareWithin24Hours: within24Hours !== null && timed > 0 ? within24Hours / timed : null,
    };
  });
  lateCases.sort((a, b) => b.hours - a.hours || a.awardId.localeCompare(b.awardId));
  return { region: published.at(-1)!, counties: published.slice(0, -1), lateCases };
}

/** One coverage gap's exact figures per county: persons and their households. */
export interface GapFigures {
  /** County of the household → persons (resident IDs) and households in the gap. */
  counties: Map<string, { persons: Set<string>; households: Set<string> }>;
}

export interface GapCount {
  regionCode: string;
  persons: number | null;
  households: number | null;
  /** Exact household numbers, for the caller to filter by `canSeeHouseholds`. */
  householdIds: string[];
}

/**
 * Gap counts per county and for the region. Persons and households are each a column that adds
 * up to the region's total row, so each column is a line whose total is withheld first (the same
 * county counts are published by a query for that county alone); a row's two counts do not add
 * up to anything and are suppressed separately.
 */
export function gapCounts(f: GapFigures, prefix: string): { region: GapCount; counties: GapCount[] } {
  const keys = rowsFor(f.counties, prefix);
  const rows = keys.map(({ value }) => {
    if (value) return { persons: value.persons.size, households: [...value.households] };
    const all = [...f.counties.values()];
    return { persons: all.reduce((s, c) => s + c.persons.size, 0), households: all.flatMap((c) => [...c.households]) };
  });
  // The region's row is each column's total.
  const column = (values: number[]) => suppressLines(values, [{ cells: values.map((_, i) => i), total: values.length - 1, totalFirst: true }]);
  const persons = column(rows.map((r) => r.persons));
  const households = column(rows.map((r) => r.households.length));
  const published = rows.map((r, i): GapCount => ({ regionCode: keys[i]!.regionCode, persons: persons[i] ?? null, households: households[i] ?? null, householdIds: [...r.households].sort() }));
  return { region: published.at(-1)!, counties: published.slice(0, -1) };
}
