import { personAwards } from '@saf/department';
import { visiblePerson } from '../access.ts';
import type { PersonRow } from '../db/schema.ts';
import type { Context } from '../loaders.ts';

export const Person = {
  __resolveReference: async (ref: { id: string }, ctx: Context) => visiblePerson(ctx, await ctx.loaders.person.load(ref.id)),
  household: (p: PersonRow, _: unknown, ctx: Context) => ctx.loaders.household.load(p.householdId),
  civilAffairsAwards: personAwards,
};
