import { isRegionPrefix } from '@saf/identity';
import { badInput } from '@saf/service';
import { householdsInRegion, searchHouseholds } from '../db/queries.ts';
import type { Context } from '../loaders.ts';

function regionPrefix(regionCode: string): string {
  if (!isRegionPrefix(regionCode)) throw badInput('regionCode must be a region code prefix of 2, 4, 6, 9 or 12 digits', 'regionCode');
  return regionCode;
}

export const Query = {
  household: (_: unknown, { id }: { id: string }, ctx: Context) => ctx.loaders.household.load(id),
  person: (_: unknown, { id }: { id: string }, ctx: Context) => ctx.loaders.person.load(id),
  civilAffairsAward: (_: unknown, { id }: { id: string }, ctx: Context) => ctx.loaders.awards.byId.load(id),
  households: (_: unknown, { ids }: { ids: string[] }, ctx: Context) => {
    if (ids.length > 500) throw badInput('at most 500 ids at once', 'ids');
    return ctx.loaders.household.loadMany(ids);
  },
  householdsInRegion: async (_: unknown, args: { regionCode: string; first: number; after?: string | null }, ctx: Context) => {
    if (args.first < 1 || args.first > 1000) throw badInput('first must be 1 to 1000', 'first');
    const page = await householdsInRegion(ctx.db, regionPrefix(args.regionCode), args.first, args.after ?? null);
    return {
      edges: page.rows.map((node) => ({ node, cursor: node.id })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.rows.at(-1)?.id ?? null },
      totalCount: page.totalCount,
    };
  },
  searchHouseholds: (_: unknown, args: { regionCode: string; text: string }, ctx: Context) => {
    const text = args.text.trim();
    if (text.length < 2) throw badInput('search text must be at least 2 characters', 'text');
    return searchHouseholds(ctx.db, regionPrefix(args.regionCode), text);
  },
};
