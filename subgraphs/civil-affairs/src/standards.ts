import { statisticsDate, statisticsRegion } from '@saf/department';
import { assertPersonLevel, assertRole } from '@saf/service';
import type { HouseholdRow } from './db/schema.ts';
import type { Context } from './loaders.ts';

/**
 * The assistance standards in force (保障标准). They are published policy, not anyone's data: any
 * signed-in role may ask for a place's; on a household they are read with the household (whose
 * jurisdiction civil affairs has checked already).
 */
export const standardsQuery = {
  assistanceStandards: (_: unknown, args: { regionCode: string; date?: string | null }, ctx: Context) => {
    assertRole(ctx.caller, 'CASEWORKER', 'DEPARTMENT_OFFICER', 'COORDINATOR', 'ANALYST', 'AUDITOR');
    return ctx.loaders.standards.load({ regionCode: statisticsRegion(args.regionCode), date: statisticsDate(args.date) });
  },
};

export function householdStandards(h: HouseholdRow, args: { date?: string | null }, ctx: Context) {
  assertPersonLevel(ctx.caller);
  return ctx.loaders.standards.load({ regionCode: h.regionCode, date: statisticsDate(args.date) });
}
