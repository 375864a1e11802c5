import type { Context } from '../context.ts';
import { householdFindings } from '../live.ts';
import { gatherAwards, type HouseholdRepresentation, type HouseholdFacts } from '../requires.ts';

export const Household = {
  __resolveReference: (ref: HouseholdRepresentation) => ref,
  awards: (h: HouseholdRepresentation) => gatherAwards([h, ...(h.members ?? [])]),
  duplicateAidFindings: (h: HouseholdFacts, _: unknown, ctx: Context) => householdFindings(ctx, h),
};
