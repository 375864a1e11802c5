import type { Resolvers } from '@saf/service';
import { sweepBatchResolvers, type DepartmentContext } from '@saf/department';
import { Household } from './Household.ts';
import { HousingAward } from './HousingAward.ts';
import { Person } from './Person.ts';
import { Query } from './Query.ts';

export const resolvers = { Query, Person, Household, HousingAward, SweepBatch: sweepBatchResolvers('housingAwards') } as unknown as Resolvers<DepartmentContext>;
