import type { Resolvers } from '@saf/service';
import { sweepBatchResolvers, type DepartmentContext } from '@saf/department';
import { Household } from './Household.ts';
import { LabourAward } from './LabourAward.ts';
import { Person } from './Person.ts';
import { Query } from './Query.ts';

export const resolvers = { Query, Person, Household, LabourAward, SweepBatch: sweepBatchResolvers('labourAwards') } as unknown as Resolvers<DepartmentContext>;
