import { z } from 'zod';
import { isRegionPrefix } from '@saf/identity';
import { awardById, fundsStatisticsField, rollFields, unawardedPaymentsField } from '@saf/department';
import { accountRegistrations, rollAccounts } from '../rollAccounts.ts';
import { MAX_SWEEP_BATCH } from '@saf/interchange';
import type { SQL } from 'drizzle-orm';
import { assertMaySweep, assertPersonLevel, badInput } from '@saf/service';
import { householdScope, visibleHousehold, visiblePerson } from '../access.ts';
import { householdsInRegion, searchHouseholds, sweepHouseholds, sweepPlan } from '../db/queries.ts';
import type { Context } from '../loaders.ts';
import { statisticsQuery } from '../statistics.ts';
import { standardsQuery } from '../standards.ts';

/** A list's region prefix, checked, and the households of it the caller may see (`householdScope`). */
function regionList(ctx: Context, regionCode: string): { prefix: string; scope: SQL | undefined } {
  if (!isRegionPrefix(regionCode)) throw badInput('regionCode must be a region code prefix of 2, 4, 6, 9 or 12 digits', 'regionCode');
  return { prefix: regionCode, scope: householdScope(ctx, regionCode) };
}

/** A sweep page is defined by its region, size, start and end: its id says them, as a JSON array (household numbers may hold any character). */
function sweepBatchId(regionCode: string, first: number, after: string | null, until: string | null, only: string | null): string {
  return JSON.stringify(only === null ? [regionCode, first, after, until] : [regionCode, first, after, until, only]);
}

const sweepBatchKey = z.union([
  z.tuple([z.string(), z.number().int(), z.string().nullable(), z.string().nullable()]),
  z.tuple([z.string(), z.number().int(), z.string().nullable(), z.string().nullable(), z.string()]),
]);

/** A sweep page again from its id (`sweepBatchId`), should the gateway ever ask for it by key. */
export function sweepBatchById(ctx: Context, id: string) {
  let key: z.infer<typeof sweepBatchKey>;
  try {
    key = sweepBatchKey.parse(JSON.parse(id));
  } catch {
    throw badInput('not a sweep batch id', 'id');
  }
  const [regionCode, first, after, until, only] = key;
  return sweepBatch(ctx, regionCode, first, after, until, only ?? null);
}

/** The region and page size of a sweep request, checked: a region prefix, a sweeping caller within it, a bounded page. */
function sweepRequest(ctx: Context, regionCode: string, size: number, field: string): void {
  if (!isRegionPrefix(regionCode)) throw badInput('regionCode must be a region code prefix of 2, 4, 6, 9 or 12 digits', 'regionCode');
  assertMaySweep(ctx.caller, regionCode);
  if (!Number.isInteger(size) || size < 1 || size > MAX_SWEEP_BATCH) throw badInput(`${field} must be 1 to ${MAX_SWEEP_BATCH}`, field);
}

export async function sweepBatch(ctx: Context, regionCode: string, first: number, after: string | null, until: string | null = null, only: string | null = null) {
  sweepRequest(ctx, regionCode, first, 'first');
  const batch = await sweepHouseholds(ctx.db, regionCode, first, after, until, only);
  // Read only when asked for (graphql-js calls a function-valued property): a sweep by streams
  // asks for the households and members alone.
  const civilAffairsAwards = () => ctx.loaders.awards.sweep(batch.personIds, batch.householdIds);
  return { id: sweepBatchId(regionCode, first, after, until, only), regionCode, ...batch, civilAffairsAwards };
}

export const Query = {
  household: async (_: unknown, { id }: { id: string }, ctx: Context) => visibleHousehold(ctx, await ctx.loaders.household.load(id)),
  person: async (_: unknown, { id }: { id: string }, ctx: Context) => visiblePerson(ctx, await ctx.loaders.person.load(id)),
  civilAffairsAward: awardById('CIVIL_AFFAIRS'),
  civilAffairsFundsStatistics: fundsStatisticsField('CIVIL_AFFAIRS'),
  _internalCivilAffairsRollAwards: rollFields('CIVIL_AFFAIRS').awards,
  _internalRollAccounts: rollAccounts,
  _internalAccountRegistrations: accountRegistrations,
  _internalCivilAffairsUnawardedPayments: unawardedPaymentsField(),
  households: async (_: unknown, { ids }: { ids: string[] }, ctx: Context) => {
    assertPersonLevel(ctx.caller);
    if (ids.length > 500) throw badInput('at most 500 ids at once', 'ids');
    const rows = await ctx.loaders.household.loadMany(ids);
    // An error in a list item answers null with FORBIDDEN for that item alone (the same for a
    // household elsewhere as for none: `visibleHousehold`).
    return Promise.all(rows.map((row) => (row instanceof Error ? row : visibleHousehold(ctx, row).catch((err: Error) => err))));
  },
  householdsInRegion: async (_: unknown, args: { regionCode: string; first: number; after?: string | null }, ctx: Context) => {
    const { prefix, scope } = regionList(ctx, args.regionCode);
    if (args.first < 1 || args.first > 1000) throw badInput('first must be 1 to 1000', 'first');
    const page = await householdsInRegion(ctx.db, prefix, args.first, args.after ?? null, scope);
    return {
      edges: page.rows.map((node) => ({ node, cursor: node.id })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.rows.at(-1)?.id ?? null },
      totalCount: page.totalCount,
    };
  },
  searchHouseholds: (_: unknown, args: { regionCode: string; text: string }, ctx: Context) => {
    const { prefix, scope } = regionList(ctx, args.regionCode);
    const text = args.text.trim();
    if (text.length < 2) throw badInput('search text must be at least 2 characters', 'text');
    return searchHouseholds(ctx.db, prefix, text, 50, scope);
  },
  /** A page of a sweep: households and members here; the departments add their awards (SweepBatch). */
  _internalSweepBatch: (_: unknown, args: { regionCode: string; first: number; after?: string | null; until?: string | null; householdId?: string | null }, ctx: Context) =>
    sweepBatch(ctx, args.regionCode, args.first, args.after ?? null, args.until ?? null, args.householdId ?? null),
  _internalSweepPlan: async (_: unknown, args: { regionCode: string; pageSize: number; maxIds?: number | null }, ctx: Context) => {
    sweepRequest(ctx, args.regionCode, args.pageSize, 'pageSize');
    const maxIds = args.maxIds ?? null;
    if (maxIds !== null && maxIds < 1) throw badInput('maxIds must be at least 1', 'maxIds');
    return { regionCode: args.regionCode, ...(await sweepPlan(ctx.db, args.regionCode, args.pageSize, maxIds)) };
  },
  ...statisticsQuery,
  ...standardsQuery,
};
