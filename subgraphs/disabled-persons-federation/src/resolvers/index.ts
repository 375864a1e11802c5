import type { Resolvers } from '@saf/service';
import { sweepBatchResolvers, type DepartmentContext } from '@saf/department';
import { DisabilityAward } from './DisabilityAward.ts';
import { Household } from './Household.ts';
import { Person } from './Person.ts';
import { Query } from './Query.ts';

export const resolvers = { Query, Person, Household, DisabilityAward, SweepBatch: sweepBatchResolvers('disabilityAwards') } as unknown as Resolvers<DepartmentContext>;
