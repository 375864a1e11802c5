import type { Resolvers } from '@saf/service';
import { sweepBatchResolvers, type DepartmentContext } from '@saf/department';
import { HealthAward } from './HealthAward.ts';
import { Household } from './Household.ts';
import { Person } from './Person.ts';
import { Query } from './Query.ts';

export const resolvers = { Query, Person, Household, HealthAward, SweepBatch: sweepBatchResolvers('healthAwards') } as unknown as Resolvers<DepartmentContext>;
