import { assertPersonLevel } from '@saf/service';
import type { Context } from '../context.ts';
import { householdFindings } from '../live.ts';
import { gatherAwards, type HouseholdRepresentation, type HouseholdFacts } from '../requires.ts';

export const Household = {
  __resolveReference: (ref: HouseholdRepresentation) => ref,
  awards: (h: HouseholdRepresentation, _: unknown, ctx: Context) => {
    assertPersonLevel(ctx.caller);
    return gatherAwards([h, ...(h.members ?? [])]);
  },
  duplicateAidFindings: (h: HouseholdFacts, _: unknown, ctx: Context) => {
    assertPersonLevel(ctx.caller);
    return householdFindings(ctx, h);
  },
};
