import type { Resolvers } from '@saf/service';
import type { Context } from '../context.ts';
import { AidAward } from './AidAward.ts';
import { Household } from './Household.ts';
import { Person } from './Person.ts';

export const resolvers = { Person, Household, AidAward } as unknown as Resolvers<Context>;
