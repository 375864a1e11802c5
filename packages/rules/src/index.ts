export * from './types.ts';
export { ruleSetSchema, parseRuleSet, defaultRuleSet, TEMPLATE_PLACEHOLDERS } from './ruleSet.ts';
export type { RuleSet, RuleSetInput, RuleDefinition } from './ruleSet.ts';
export { detectFindings } from './detect.ts';
export type { DetectInput } from './detect.ts';
export { checkProposal } from './proposal.ts';
export type { ProposalInput } from './proposal.ts';
export { detectPossibleDuplicateIdentities, duplicateIdentityRule, IdentityLeads } from './identities.ts';
export { normaliseName } from './names.ts';
export { nameKey } from './nameKey.ts';
export { findingId } from './finding.ts';
export { awardKey, isPaying, periodOf } from './dates.ts';
export type { Period } from './dates.ts';
export { sortDepartments } from './departments.ts';
export { departmentsText, joinList } from './explain.ts';
export {
  PAYMENT_RULE_CODES, PAYMENT_TEMPLATE_PLACEHOLDERS, coversMonth, defaultPaymentRuleSet, detectPaymentFindings, monthDays, parsePaymentRuleSet, paymentFindingId, paymentKey,
  paymentRuleSetSchema,
} from './payments.ts';
export type { PaymentDetectInput, PaymentFinding, PaymentRuleAward, PaymentRuleCode, PaymentRuleSet, RuleAccount, RulePayment } from './payments.ts';
export { parseEligibilityRules, defaultEligibilityRules, evaluateMeans, eligibilityRulesSchema, BY_HUKOU } from './eligibility.ts';
export { evaluateVehicles, vehicleConditionSchema } from './vehicles.ts';
export type { AssessedVehicle, VehicleCondition, VehicleEvaluation } from './vehicles.ts';
export type { EligibilityRules, EligibilityConditions, MeansInput, MeansMember, Evaluation } from './eligibility.ts';
