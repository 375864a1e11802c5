import { isValidIsoDate } from '@saf/identity';
import { badInput } from '@saf/service';
import type { Context } from '../context.ts';
import { canSeeHouseholds } from './access.ts';
import { departmentFigures, figureContext, gapFigure, reliefFigure } from './figures.ts';
import { GAP_KINDS, type GapKind } from './gaps.ts';
import { publishedPeriod, type StatisticsScope } from './publication.ts';
import { fromDepartment } from './sources.ts';
import { centralizedSupport, gapCounts, reliefTimeliness, RELIEF_TARGET_HOURS, type GapCount, type LateCase } from './targets.ts';

/**
 * The targets as a caller gets them: exact or published counts (publication.ts), household
 * numbers only where `canSeeHouseholds` allows (every household here lies under the prefix the
 * caller asked about, which `statisticsScope` has checked against their jurisdiction).
 */
export async function centralizedSupportView(ctx: Context, s: StatisticsScope) {
  const fc = await figureContext(ctx);
  const { value, asOf } = await fromDepartment('CIVIL_AFFAIRS', () => departmentFigures(fc, 'CIVIL_AFFAIRS', s.universe, s.date));
  return { ...centralizedSupport(value, s), asOf };
}

/** The period of disasters counted: by default from 1 January of the date's year to the date. */
export function reliefPeriod(date: string, from?: string | null, to?: string | null): { from: string; to: string } {
  for (const [field, value] of [['from', from], ['to', to]] as const) {
    if (value !== null && value !== undefined && !isValidIsoDate(value)) throw badInput(`${field} must be a date YYYY-MM-DD`, field);
  }
  const period = { from: from ?? `${date.slice(0, 4)}-01-01`, to: to ?? date };
  if (period.to < period.from) throw badInput('to must not be before from', 'to');
  return period;
}

export async function disasterReliefView(ctx: Context, s: StatisticsScope, from?: string | null, to?: string | null) {
  const asked = reliefPeriod(s.date, from, to);
  // Published figures are for whole months: two periods a day apart would give a day's cases away.
  const period = s.disclosure === 'PUBLISHED' ? publishedPeriod(asked) : asked;
  const fc = await figureContext(ctx);
  const { value, asOf } = await reliefFigure(fc, s.universe, period.from, period.to);
  const { region, counties, lateCases } = reliefTimeliness(value, s);
  return {
    ...period,
    targetHours: RELIEF_TARGET_HOURS,
    region,
    counties,
    lateCases: canSeeHouseholds(ctx, s.prefix) ? lateCases : (null as LateCase[] | null),
    asOf,
  };
}

function withHouseholds(ctx: Context, s: StatisticsScope, row: GapCount) {
  return { ...row, householdIds: canSeeHouseholds(ctx, s.prefix) ? row.householdIds : null };
}

/** Each gap, or in its place an error naming the department that did not answer. */
export async function coverageGapsView(ctx: Context, s: StatisticsScope) {
  const fc = await figureContext(ctx);
  const kinds = Object.keys(GAP_KINDS) as GapKind[];
  const settled = await Promise.allSettled(kinds.map((kind) => gapFigure(fc, kind, s.universe, s.date)));
  return settled.map((result, i) => {
    if (result.status === 'rejected') {
      if (result.reason instanceof Error) return result.reason;
      throw result.reason;
    }
    const kind = kinds[i]!;
    const { region, counties } = gapCounts(result.value.value, s);
    return { kind, description: GAP_KINDS[kind], region: withHouseholds(ctx, s, region), counties: counties.map((c) => withHouseholds(ctx, s, c)), asOf: result.value.asOf };
  });
}
