import type { AwardRecord, BankAccountRecord, InterchangeRecord, PaymentRecord, PersonRecord } from '@saf/interchange';
import type { PaymentRuleAward, RulePerson } from '@saf/rules';

/**
 * A generation's records as the payment rules take them, the whole region at once (what a
 * region-wide payment sweep hands the engine): persons, awards, registered accounts with their
 * holders' households, and every payment. Used by the generator's tests and `bench/paymentRules.ts`.
 */
export function paymentRuleInputs(records: readonly InterchangeRecord[]) {
  const persons = records.filter((r): r is PersonRecord => r.type === 'person');
  const byPerson = new Map(persons.map((p) => [p.id, p]));
  const rulePersons: RulePerson[] = persons.map((p) => ({ id: p.id, householdId: p.householdId, deathDate: p.deathDate ?? null }));
  const awards: PaymentRuleAward[] = records
    .filter((r): r is AwardRecord => r.type === 'award')
    .map((a) => ({ department: a.department, id: a.id, programme: a.programme, personId: a.personId, householdId: a.householdId ?? null, startDate: a.startDate, endDate: a.endDate ?? null, frequency: a.frequency, status: a.status, amountFen: a.amountFen }));
  const accounts = records
    .filter((r): r is BankAccountRecord => r.type === 'bankAccount')
    .map((a) => ({ accountNumber: a.accountNumber, holderId: a.holderId, holderHouseholdId: byPerson.get(a.holderId)?.householdId ?? null }));
  const payments = records.filter((r): r is PaymentRecord => r.type === 'payment');
  return { persons: rulePersons, awards, accounts, payments };
}
