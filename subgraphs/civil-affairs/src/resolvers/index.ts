import type { Resolvers } from '@saf/service';
import type { Context } from '../loaders.ts';
import { CivilAffairsAward } from './CivilAffairsAward.ts';
import { Household } from './Household.ts';
import { Person } from './Person.ts';
import { Query } from './Query.ts';

export const resolvers = { Query, Household, Person, CivilAffairsAward } as unknown as Resolvers<Context>;
