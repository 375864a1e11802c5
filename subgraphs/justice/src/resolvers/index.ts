import type { Resolvers } from '@saf/service';
import { sweepBatchResolvers, type DepartmentContext } from '@saf/department';
import { Household } from './Household.ts';
import { JusticeAward } from './JusticeAward.ts';
import { Person } from './Person.ts';
import { Query } from './Query.ts';

export const resolvers = { Query, Person, Household, JusticeAward, SweepBatch: sweepBatchResolvers('justiceAwards') } as unknown as Resolvers<DepartmentContext>;
