import type { Caller } from '@saf/auth';
import { isValidIsoDate } from '@saf/identity';
import { badInput } from '@saf/service';
import type { Context } from '../context.ts';
import { canSeeHouseholds } from './access.ts';
import { coverageGap, GAP_KINDS, type GapKind } from './gaps.ts';
import { aggregates, disasterReliefCases, fromDepartment } from './sources.ts';
import { centralizedSupport, reliefTimeliness, RELIEF_TARGET_HOURS, type GapCount, type LateCase } from './targets.ts';

/**
 * The targets as published to a caller: suppressed counts for everyone, household numbers only
 * where `canSeeHouseholds` allows (every household here lies under the prefix the caller asked
 * about, which `assertMayReadStatistics` has checked against their jurisdiction).
 */
export interface TargetsScope {
  prefix: string;
  date: string;
  caller: Caller;
}

export async function centralizedSupportView(ctx: Context, scope: TargetsScope) {
  const rows = await fromDepartment('CIVIL_AFFAIRS', () => aggregates(ctx, scope.caller, 'CIVIL_AFFAIRS', scope.prefix, scope.date));
  return centralizedSupport(rows, scope.prefix);
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

export async function disasterReliefView(ctx: Context, scope: TargetsScope, from?: string | null, to?: string | null) {
  const period = reliefPeriod(scope.date, from, to);
  const cases = await fromDepartment('CIVIL_AFFAIRS', () => disasterReliefCases(ctx, scope.caller, scope.prefix, period.from, period.to));
  const { region, counties, lateCases } = reliefTimeliness(cases, scope.prefix);
  return {
    ...period,
    targetHours: RELIEF_TARGET_HOURS,
    region,
    counties,
    lateCases: canSeeHouseholds(ctx, scope.prefix) ? lateCases : (null as LateCase[] | null),
  };
}

function withHouseholds(ctx: Context, scope: TargetsScope, row: GapCount) {
  return { ...row, householdIds: canSeeHouseholds(ctx, scope.prefix) ? row.householdIds : null };
}

/** Each gap, or in its place an error naming the department that did not answer. */
export async function coverageGapsView(ctx: Context, scope: TargetsScope) {
  const kinds = Object.keys(GAP_KINDS) as GapKind[];
  const settled = await Promise.allSettled(kinds.map((kind) => coverageGap(ctx, scope.caller, kind, scope.prefix, scope.date)));
  return settled.map((result) => {
    if (result.status === 'rejected') {
      if (result.reason instanceof Error) return result.reason;
      throw result.reason;
    }
    const gap = result.value;
    return { ...gap, region: withHouseholds(ctx, scope, gap.region), counties: gap.counties.map((c) => withHouseholds(ctx, scope, c)) };
  });
}
