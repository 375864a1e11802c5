import type { Resolvers } from '@saf/service';
import { countHouseholds } from '../db/queries.ts';
import type { Context } from '../loaders.ts';
import { CivilAffairsAward } from './CivilAffairsAward.ts';
import { Household } from './Household.ts';
import { BankAccount, Person } from './Person.ts';
import { paymentResolvers, rollFields, sweepBatchPayments } from '@saf/department';
import { assertMayReadPayments, assertMaySweep } from '@saf/service';
import { sweepAccountRows } from '../db/accounts.ts';
import { Query, sweepBatchById } from './Query.ts';

const SweepBatch = {
  __resolveReference: (ref: { id: string }, ctx: Context) => sweepBatchById(ctx, ref.id),
  /** Counted only when asked for (a sweep has the total from its plan, not on every page). */
  totalCount: (batch: { regionCode: string }, _: unknown, ctx: Context) => countHouseholds(ctx.db, batch.regionCode),
  civilAffairsPayments: sweepBatchPayments('CIVIL_AFFAIRS'),
  bankAccounts: (batch: { regionCode: string; personIds: string[] }, _: unknown, ctx: Context) => {
    assertMaySweep(ctx.caller, batch.regionCode);
    assertMayReadPayments(ctx.caller, 'CIVIL_AFFAIRS');
    return sweepAccountRows(ctx.db, batch.personIds);
  },
};

const Mutation = { _internalCivilAffairsRecordRollPayments: rollFields('CIVIL_AFFAIRS').record };

export const resolvers = { Query, Mutation, Household, Person, CivilAffairsAward, SweepBatch, BankAccount, Payment: paymentResolvers('CIVIL_AFFAIRS') } as unknown as Resolvers<Context>;
