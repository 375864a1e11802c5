import { householdAwards } from '@saf/department';
import { visibleHousehold } from '../access.ts';
import type { HouseholdRow } from '../db/schema.ts';
import type { Context } from '../loaders.ts';
import { householdStandards } from '../standards.ts';

export const Household = {
  __resolveReference: async (ref: { id: string }, ctx: Context) => visibleHousehold(ctx, await ctx.loaders.household.load(ref.id)),
  members: (h: HouseholdRow, _: unknown, ctx: Context) => ctx.loaders.members.load(h.id),
  civilAffairsAwards: householdAwards,
  assistanceStandards: householdStandards,
};
