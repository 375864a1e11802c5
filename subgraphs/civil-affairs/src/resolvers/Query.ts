import type { Context } from '../loaders.ts';

export const Query = {
  household: (_: unknown, { id }: { id: string }, ctx: Context) => ctx.loaders.household.load(id),
  person: (_: unknown, { id }: { id: string }, ctx: Context) => ctx.loaders.person.load(id),
  civilAffairsAward: (_: unknown, { id }: { id: string }, ctx: Context) => ctx.loaders.awards.byId.load(id),
};
