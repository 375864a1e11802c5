import type { Resolvers } from '@saf/service';
import { sweepBatchResolvers, type DepartmentContext } from '@saf/department';
import { EducationAward } from './EducationAward.ts';
import { Household } from './Household.ts';
import { Person } from './Person.ts';
import { Query } from './Query.ts';

export const resolvers = { Query, Person, Household, EducationAward, SweepBatch: sweepBatchResolvers('educationAwards') } as unknown as Resolvers<DepartmentContext>;
