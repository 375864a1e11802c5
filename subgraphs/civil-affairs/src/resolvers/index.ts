import type { Resolvers } from '@saf/service';
import { countHouseholds } from '../db/queries.ts';
import type { Context } from '../loaders.ts';
import { CivilAffairsAward } from './CivilAffairsAward.ts';
import { Household } from './Household.ts';
import { Person } from './Person.ts';
import { Query, sweepBatch } from './Query.ts';

const SweepBatch = {
  /** A sweep page again from its id (region:first:after), should the gateway ever ask for it by key. */
  __resolveReference: (ref: { id: string }, ctx: Context) => {
    const [regionCode = '', first = '', ...rest] = ref.id.split(':');
    const after = rest.join(':');
    return sweepBatch(ctx, regionCode, Number(first), after === '' ? null : after);
  },
  /** Counted only when asked for (a sweep has the total from its plan, not on every page). */
  totalCount: (batch: { regionCode: string }, _: unknown, ctx: Context) => countHouseholds(ctx.db, batch.regionCode),
};

export const resolvers = { Query, Household, Person, CivilAffairsAward, SweepBatch } as unknown as Resolvers<Context>;
