import type { HouseholdRow } from '../db/schema.ts';
import type { Context } from '../loaders.ts';

export const Household = {
  __resolveReference: (ref: { id: string }, ctx: Context) => ctx.loaders.household.load(ref.id),
  members: (h: HouseholdRow, _: unknown, ctx: Context) => ctx.loaders.members.load(h.id),
  civilAffairsAwards: (h: HouseholdRow, _: unknown, ctx: Context) => ctx.loaders.awards.byHousehold.load(h.id),
};
