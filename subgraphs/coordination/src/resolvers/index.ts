import type { Resolvers } from '@saf/service';
import type { Context } from '../context.ts';
import { AidAward } from './AidAward.ts';
import { AssistanceTargets } from './AssistanceTargets.ts';
import { DuplicateAidFinding } from './DuplicateAidFinding.ts';
import { Household } from './Household.ts';
import { Mutation } from './Mutation.ts';
import { Person } from './Person.ts';
import { Query } from './Query.ts';
import { SharingAgreement, SharingMutation, SharingQuery } from './Sharing.ts';

export const resolvers = { Query: { ...Query, ...SharingQuery }, Mutation: { ...Mutation, ...SharingMutation }, SharingAgreement, Person, Household, AidAward, DuplicateAidFinding, AssistanceTargets } as unknown as Resolvers<Context>;
