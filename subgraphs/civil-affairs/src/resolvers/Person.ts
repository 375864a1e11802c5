import type { PersonRow } from '../db/schema.ts';
import type { Context } from '../loaders.ts';

export const Person = {
  __resolveReference: (ref: { id: string }, ctx: Context) => ctx.loaders.person.load(ref.id),
  household: (p: PersonRow, _: unknown, ctx: Context) => ctx.loaders.household.load(p.householdId),
  civilAffairsAwards: (p: PersonRow, _: unknown, ctx: Context) => ctx.loaders.awards.byPerson.load(p.id),
};
