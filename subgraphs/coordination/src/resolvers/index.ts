import type { Resolvers } from '@saf/service';
import type { Context } from '../context.ts';
import { AidAward } from './AidAward.ts';
import { AssistanceApplication } from './AssistanceApplication.ts';
import { AssistanceTargets } from './AssistanceTargets.ts';
import { EconomicAssessmentVehicles } from '../casework/vehicles.ts';
import { DuplicateAidFinding } from './DuplicateAidFinding.ts';
import { Household } from './Household.ts';
import { Mutation } from './Mutation.ts';
import { Person } from './Person.ts';
import { Query } from './Query.ts';
import { PaymentFinding, paymentMutation, paymentQuery } from './payments.ts';
import { PaymentRoll, PaymentRollLine, rollMutation, rollQuery } from './rolls.ts';
import { casework } from './casework.ts';
import { SharingAgreement, SharingMutation, SharingQuery } from './Sharing.ts';

export const resolvers = {
  Query: { ...Query, ...paymentQuery, ...rollQuery, ...SharingQuery },
  Mutation: { ...Mutation, ...paymentMutation, ...rollMutation, ...SharingMutation },
  Person,
  Household,
  AidAward,
  DuplicateAidFinding,
  AssistanceTargets,
  AssistanceApplication,
  EconomicAssessment: EconomicAssessmentVehicles,
  PaymentFinding,
  PaymentRoll,
  PaymentRollLine,
  SharingAgreement,
  ReviewTask: casework.ReviewTask,
} as unknown as Resolvers<Context>;
