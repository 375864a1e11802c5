import { describe, expect, it } from 'vitest';
import type { InterchangeRecord } from '@saf/interchange';
import { defaultRuleSet, detectPaymentFindings } from '@saf/rules';
import { createGeneration, PAYMENT_RULES, paymentRuleInputs, type PlantedPaymentFinding } from '../src/index.ts';

/** The payment rules over every month of a generation, as a region-wide sweep sees them (the engine of the sweep). */
function sweepAll(records: InterchangeRecord[], year: number) {
  const { persons: rulePersons, awards, accounts, payments } = paymentRuleInputs(records);
  const found: PlantedPaymentFinding[] = [];
  for (let m = 1; m <= 12; m++) {
    const period = `${year}-${String(m).padStart(2, '0')}`;
    const month = payments.filter((p) => p.period === period).map((p) => ({ ...p, paidDate: undefined }));
    for (const f of detectPaymentFindings({ period, payments: month, awards, persons: rulePersons, accounts, ruleSet: defaultRuleSet })) {
      found.push({ rule: f.rule, period: f.period, paymentKeys: f.paymentKeys });
    }
  }
  return found;
}
const sorted = (list: PlantedPaymentFinding[]) => list.map((f) => `${f.period} ${f.rule} ${f.paymentKeys.join(' ')}`).sort();

describe('generated payments (SPEC section 11)', () => {
  it('a year of payments whose sweep finds exactly the planted cases, every rule among them', { timeout: 120_000 }, () => {
    const generation = createGeneration({ households: 1500, seed: 'money', regionPrefix: '654002', paymentsYear: 2025 });
    const records = [...generation.records];
    const payments = records.filter((r) => r.type === 'payment');
    expect(payments.length).toBeGreaterThan(1500);
    expect(new Set(generation.plantedPayments.map((f) => f.rule))).toEqual(new Set(PAYMENT_RULES));
    expect(sorted(sweepAll(records, 2025))).toEqual(sorted(generation.plantedPayments));
    // The near misses are there, and none of them is a finding.
    const kinds = new Set(generation.paymentNearMisses.map((n) => n.kind));
    for (const kind of ['FAILED_THEN_PAID', 'SPOUSE_ACCOUNT', 'PAID_IN_MONTH_OF_DEATH', 'TWO_HOUSEHOLDS_ONE_ACCOUNT']) expect(kinds, kind).toContain(kind);
  });

  it('a clean year without planting: no payment finding at all', { timeout: 60_000 }, () => {
    const generation = createGeneration({ households: 400, seed: 'clean', regionPrefix: '654002', paymentsYear: 2025, plant: false });
    const records = [...generation.records];
    expect(records.some((r) => r.type === 'payment')).toBe(true);
    expect(sweepAll(records, 2025)).toEqual([]);
    expect(generation.plantedPayments).toEqual([]);
  });

  it('changes nothing else: the same records before payments as without them', { timeout: 60_000 }, () => {
    const without = [...createGeneration({ households: 200, seed: 's' }).records];
    const withPayments = [...createGeneration({ households: 200, seed: 's', paymentsYear: 2025 }).records].filter((r) => r.type !== 'payment' && r.type !== 'bankAccount');
    expect(withPayments).toEqual(without);
  });
});
