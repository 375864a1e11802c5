import type { Resolvers } from '@saf/service';
import type { Context } from '../context.ts';
import { AidAward } from './AidAward.ts';
import { AssistanceApplication } from './AssistanceApplication.ts';
import { AssistanceTargets } from './AssistanceTargets.ts';
import { DuplicateAidFinding } from './DuplicateAidFinding.ts';
import { Household } from './Household.ts';
import { Mutation } from './Mutation.ts';
import { Person } from './Person.ts';
import { Query } from './Query.ts';

export const resolvers = { Query, Mutation, Person, Household, AidAward, DuplicateAidFinding, AssistanceTargets, AssistanceApplication } as unknown as Resolvers<Context>;
