import type { Resolvers } from '@saf/service';
import { countHouseholds } from '../db/queries.ts';
import type { Context } from '../loaders.ts';
import { CivilAffairsAward } from './CivilAffairsAward.ts';
import { Household } from './Household.ts';
import { BankAccount, Person } from './Person.ts';
import { paymentResolvers } from '@saf/department';
import { Query, sweepBatchById } from './Query.ts';

const SweepBatch = {
  __resolveReference: (ref: { id: string }, ctx: Context) => sweepBatchById(ctx, ref.id),
  /** Counted only when asked for (a sweep has the total from its plan, not on every page). */
  totalCount: (batch: { regionCode: string }, _: unknown, ctx: Context) => countHouseholds(ctx.db, batch.regionCode),
};

export const resolvers = { Query, Household, Person, CivilAffairsAward, SweepBatch, BankAccount, Payment: paymentResolvers('CIVIL_AFFAIRS') } as unknown as Resolvers<Context>;
