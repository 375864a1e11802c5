import { badInput, type Resolvers } from '@saf/service';
import { countHouseholds } from '../db/queries.ts';
import type { Context } from '../loaders.ts';
import { CivilAffairsAward } from './CivilAffairsAward.ts';
import { Household } from './Household.ts';
import { Person } from './Person.ts';
import { Query, sweepBatch } from './Query.ts';

const SweepBatch = {
  /** A sweep page again from its id (`sweepBatchId`: region, first, after, until), should the gateway ever ask for it by key. */
  __resolveReference: (ref: { id: string }, ctx: Context) => {
    const parsed = (() => {
      try {
        return JSON.parse(ref.id) as unknown;
      } catch {
        return null;
      }
    })();
    const text = (v: unknown) => typeof v === 'string' || v === null;
    if (!Array.isArray(parsed) || parsed.length !== 4 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'number' || !text(parsed[2]) || !text(parsed[3])) {
      throw badInput('not a sweep batch id', 'id');
    }
    const [regionCode, first, after, until] = parsed as [string, number, string | null, string | null];
    return sweepBatch(ctx, regionCode, first, after, until);
  },
  /** Counted only when asked for (a sweep has the total from its plan, not on every page). */
  totalCount: (batch: { regionCode: string }, _: unknown, ctx: Context) => countHouseholds(ctx.db, batch.regionCode),
};

export const resolvers = { Query, Household, Person, CivilAffairsAward, SweepBatch } as unknown as Resolvers<Context>;
