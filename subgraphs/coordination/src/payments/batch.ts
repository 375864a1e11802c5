import { SWEEP_ACCOUNT_COLUMNS, SWEEP_PAYMENT_COLUMNS, columnIndex, sweepRowsOf } from '@saf/interchange';
import type { Department } from '@saf/programmes';
import type { PaymentRuleAward, RuleAccount, RulePayment } from '@saf/rules';
import type { Caller } from '@saf/auth';
import { readSweepBatch, type SweepBatchAnswer } from '../batch.ts';
import type { GraphClient } from '../graph.ts';
import { AWARD_FIELDS } from '../requires.ts';

/**
 * The departments' payment-list fields on a sweep page (`SweepBatch.<department>Payments`).
 * Keep in sync with the departments' schemas.
 */
export const PAYMENT_FIELDS = {
  civilAffairsPayments: 'CIVIL_AFFAIRS',
  labourPayments: 'LABOUR',
  healthPayments: 'HEALTH',
  educationPayments: 'EDUCATION',
  housingPayments: 'HOUSING',
  justicePayments: 'JUSTICE',
  disabilityPayments: 'DISABLED_PERSONS_FEDERATION',
} as const satisfies Record<string, Department>;
type PaymentField = keyof typeof PAYMENT_FIELDS;

/**
 * A page of a payment sweep: what a duplicate-aid sweep page holds (households, members, every
 * department's awards), plus every department's payments of the members for the period and the
 * accounts registered for them. One gateway request; `householdIds` names every household read in
 * the access log.
 */
export const PAYMENT_SWEEP_BATCH_FIELDS = `hasNextPage endCursor householdIds households persons bankAccounts
    ${Object.keys(AWARD_FIELDS).join(' ')}
    ${Object.keys(PAYMENT_FIELDS).map((f) => `${f}(period: $period)`).join(' ')}`;
export const PAYMENT_SWEEP_BATCH = `query PaymentSweepBatch($region: String!, $first: Int!, $after: String, $until: String, $period: String!) {
  _internalSweepBatch(regionCode: $region, first: $first, after: $after, until: $until) { ${PAYMENT_SWEEP_BATCH_FIELDS} }
}`;

export type PaymentSweepAnswer = SweepBatchAnswer & { bankAccounts: unknown } & Partial<Record<PaymentField, unknown>>;

const P = columnIndex(SWEEP_PAYMENT_COLUMNS);
const C = columnIndex(SWEEP_ACCOUNT_COLUMNS);

/**
 * A payment sweep page's facts: the duplicate-aid page's (households new to the sweep, members,
 * awards), every department's payments of the members for the period, with the amount of the
 * award each names, and the accounts registered for them. Throws naming the part that is not what
 * was asked for (a department that did not answer has failed the request before this).
 */
export function readPaymentBatch(batch: PaymentSweepAnswer, seen: { has(id: string): boolean }, period: string | null) {
  const facts = readSweepBatch(batch, seen);
  const members = new Set(facts.persons.map((p) => p.id));
  const payments: RulePayment[] = [];
  const amounts = new Map<string, number>();
  for (const [field, department] of Object.entries(PAYMENT_FIELDS) as [PaymentField, Department][]) {
    if (batch[field] === undefined || batch[field] === null) throw new Error(`${field}: missing from the payment sweep page`);
    for (const r of sweepRowsOf(batch[field], SWEEP_PAYMENT_COLUMNS, field, ['programme', 'awardAmountFen'])) {
      const personId = r[P.personId]!;
      if (!members.has(personId)) continue;
      const status = r[P.status] as RulePayment['status'];
      payments.push({ department, id: r[P.id]!, awardId: r[P.awardId]!, personId, period: period ?? r[P.period]!, amountFen: Number(r[P.amountFen]), accountNumber: r[P.accountNumber]!, status });
      if (r[P.awardAmountFen] !== null) amounts.set(`${department}:${r[P.awardId]}`, Number(r[P.awardAmountFen]));
    }
  }
  // Awards with the amount where a payment named them (only those are compared with what was paid).
  const awards: PaymentRuleAward[] = facts.awards.map((a) => ({ ...a, amountFen: amounts.get(`${a.department}:${a.id}`) ?? 0 }));
  const accounts = accountsOf(batch.bankAccounts, 'bankAccounts');
  return { ...facts, payments, awards, accounts };
}

const REGISTRATIONS = `query AccountRegistrations($numbers: [String!]!) { _internalAccountRegistrations(accountNumbers: $numbers) }`;
const REGISTRATIONS_CHUNK = 5000;

/**
 * The register's entries for the account numbers PAID into that `known` does not already hold a
 * registration of (the region's own are on the sweep's pages): one account may be registered to
 * someone elsewhere, and one nobody registered must be told apart (ACCOUNT_NOT_RECIPIENT).
 */
export async function registrationsOf(
  graph: GraphClient,
  payments: readonly RulePayment[],
  known: readonly RuleAccount[],
  caller: Caller,
  purpose: string | null,
): Promise<RuleAccount[]> {
  const have = new Set(known.map((a) => a.accountNumber));
  const missing = [...new Set(payments.filter((p) => p.status === 'PAID' && !have.has(p.accountNumber)).map((p) => p.accountNumber))].sort();
  const found: RuleAccount[] = [];
  for (let i = 0; i < missing.length; i += REGISTRATIONS_CHUNK) {
    const answer = await graph.request<{ _internalAccountRegistrations: unknown }>(REGISTRATIONS, { numbers: missing.slice(i, i + REGISTRATIONS_CHUNK) }, caller, purpose);
    found.push(...accountsOf(answer._internalAccountRegistrations, '_internalAccountRegistrations'));
  }
  return found;
}

function accountsOf(value: unknown, what: string): RuleAccount[] {
  return sweepRowsOf(value, SWEEP_ACCOUNT_COLUMNS, what, ['holderHouseholdId']).map((r) => ({
    accountNumber: r[C.accountNumber]!,
    holderId: r[C.holderId]!,
    holderHouseholdId: r[C.holderHouseholdId] ?? null,
  }));
}
