import type { Resolvers } from '@saf/service';
import type { DepartmentContext } from '@saf/department';
import { HealthAward } from './HealthAward.ts';
import { Household } from './Household.ts';
import { Person } from './Person.ts';
import { Query } from './Query.ts';

export const resolvers = { Query, Person, Household, HealthAward } as unknown as Resolvers<DepartmentContext>;
