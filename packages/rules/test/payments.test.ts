import { describe, expect, it } from 'vitest';
import { coversMonth, defaultRuleSet, detectPaymentFindings, monthDays, parsePaymentRuleSet, type PaymentRuleAward, type RuleAccount, type RulePayment } from '../src/index.ts';
import paymentRulesJson from '../payment-rules.json' with { type: 'json' };
import { of, person } from './helpers.ts';

const ACCOUNT = '6228480000000000017';
/** 城市低保 to P1 (H1) all of 2025, 560 yuan a month. */
const dibao = (extra: Partial<PaymentRuleAward> = {}): PaymentRuleAward => ({ ...of('MINIMUM_LIVING_URBAN', { id: 'CA-1', startDate: '2025-01-01', endDate: null }), amountFen: 56_000, ...extra });
const pay = (extra: Partial<RulePayment> & { id: string }): RulePayment => ({
  department: 'CIVIL_AFFAIRS', awardId: 'CA-1', personId: 'P1', period: '2025-06', amountFen: 56_000, accountNumber: ACCOUNT, status: 'PAID', ...extra,
});
const persons = [person('P1', { name: '张三' }), person('P2', { name: '李四' }), person('P3', { householdId: 'H2' }), person('P4', { householdId: 'H3' }), person('P5', { householdId: 'H4' })];
const own: RuleAccount[] = [{ accountNumber: ACCOUNT, holderId: 'P1', holderHouseholdId: 'H1' }];

function detect(payments: RulePayment[], awards: PaymentRuleAward[] = [dibao()], extra: { persons?: typeof persons; accounts?: RuleAccount[]; period?: string } = {}) {
  return detectPaymentFindings({ period: extra.period ?? '2025-06', payments, awards, persons: extra.persons ?? persons, accounts: extra.accounts ?? own, ruleSet: defaultRuleSet });
}
const rules = (found: { rule: string }[]) => found.map((f) => f.rule);

describe('payment rules (SPEC section 11)', () => {
  it('finds nothing in an award paid once, in full, into the recipient’s own account', () => {
    expect(detect([pay({ id: 'MZ-1' })])).toEqual([]);
  });

  it('holds the seven rules as data, and refuses a rule set that misses one or names an unknown placeholder', () => {
    expect(parsePaymentRuleSet(paymentRulesJson).rules.map((r) => r.code)).toHaveLength(7);
    expect(() => parsePaymentRuleSet({ ...paymentRulesJson, rules: paymentRulesJson.rules.slice(1) })).toThrow(/missing rule PAID_TWICE/);
    const bad = { ...paymentRulesJson, rules: paymentRulesJson.rules.map((r, i) => (i === 0 ? { ...r, explanationEn: '{nobody}' } : r)) };
    expect(() => parsePaymentRuleSet(bad)).toThrow(/unknown placeholder \{nobody\}/);
  });

  describe('PAID_TWICE', () => {
    it('finds one award paid twice for a period, with a stable id whatever the order', () => {
      const a = detect([pay({ id: 'MZ-1' }), pay({ id: 'MZ-2' })]);
      expect(rules(a)).toEqual(['PAID_TWICE']);
      expect(a[0]).toMatchObject({ paymentIds: ['MZ-1', 'MZ-2'], awardIds: ['CA-1'], personIds: ['P1'], period: '2025-06', departments: ['CIVIL_AFFAIRS'] });
      expect(detect([pay({ id: 'MZ-2' }), pay({ id: 'MZ-1' })])[0]!.id).toBe(a[0]!.id);
    });

    it('finds one person paid one non-repeatable programme under two awards; a repeatable one paid twice is not a finding', () => {
      const second = dibao({ id: 'CA-2' });
      expect(rules(detect([pay({ id: 'MZ-1' }), pay({ id: 'MZ-2', awardId: 'CA-2' })], [dibao(), second]))).toEqual(['PAID_TWICE']);
      const temp = (id: string): PaymentRuleAward => ({ ...of('TEMPORARY_ASSISTANCE', { id, startDate: '2025-06-03', endDate: '2025-06-03', frequency: 'ONCE' }), amountFen: 30_000 });
      expect(detect([pay({ id: 'MZ-1', awardId: 'T-1', amountFen: 30_000 }), pay({ id: 'MZ-2', awardId: 'T-2', amountFen: 30_000 })], [temp('T-1'), temp('T-2')])).toEqual([]);
    });

    it('counts only PAID payments: a failed first try and a paid second one are one payment', () => {
      expect(detect([pay({ id: 'MZ-1', status: 'FAILED' }), pay({ id: 'MZ-2' }), pay({ id: 'MZ-3', status: 'RETURNED' })])).toEqual([]);
    });

    it('judges the period, not the paid date: June and July paid on one day are two months', () => {
      expect(detect([pay({ id: 'MZ-1' }), pay({ id: 'MZ-2', period: '2025-07' })])).toEqual([]);
    });
  });

  describe('PAID_AFTER_DEATH', () => {
    const died = (deathDate: string) => persons.map((p) => (p.id === 'P1' ? { ...p, deathDate } : p));
    it('finds a payment for a month after the month of death', () => {
      const found = detect([pay({ id: 'MZ-1', period: '2025-06' })], [dibao()], { persons: died('2025-05-31') });
      expect(rules(found)).toEqual(['PAID_AFTER_DEATH']);
      expect(found[0]!.explanation).toContain('2025-05-31');
    });
    it('leaves the month of death itself alone, even a death on its first day', () => {
      expect(detect([pay({ id: 'MZ-1' })], [dibao()], { persons: died('2025-06-01') })).toEqual([]);
      expect(detect([pay({ id: 'MZ-1' })], [dibao()], { persons: died('2025-06-30') })).toEqual([]);
    });
  });

  describe('PAID_WITHOUT_AWARD', () => {
    it('finds a payment naming no award, or an award that does not pay that month', () => {
      expect(rules(detect([pay({ id: 'MZ-1', awardId: 'CA-404' })]))).toEqual(['PAID_WITHOUT_AWARD']);
      expect(rules(detect([pay({ id: 'MZ-1' })], [dibao({ status: 'SUSPENDED' })]))).toEqual(['PAID_WITHOUT_AWARD']);
      expect(rules(detect([pay({ id: 'MZ-1' })], [dibao({ startDate: '2025-07-01' })]))).toEqual(['PAID_WITHOUT_AWARD']);
      expect(rules(detect([pay({ id: 'MZ-1' })], [dibao({ endDate: '2025-05-31', status: 'ENDED' })]))).toEqual(['PAID_WITHOUT_AWARD']);
    });
    it('counts an award ending (or starting) mid-month as covering that month', () => {
      expect(detect([pay({ id: 'MZ-1' })], [dibao({ endDate: '2025-06-15', status: 'ENDED' })])).toEqual([]);
      expect(detect([pay({ id: 'MZ-1' })], [dibao({ startDate: '2025-06-30' })])).toEqual([]);
      expect(coversMonth(dibao({ endDate: '2025-06-01' }), '2025-06')).toBe(true);
      expect(coversMonth(dibao({ startDate: '2025-07-01' }), '2025-06')).toBe(false);
      expect(monthDays('2024-02')).toEqual({ start: '2024-02-01', end: '2024-02-29' });
    });
    it('accepts another paying award of the same programme to the recipient', () => {
      expect(detect([pay({ id: 'MZ-1' })], [dibao({ status: 'SUSPENDED' }), dibao({ id: 'CA-9' })])).toEqual([]);
    });
  });

  describe('AMOUNT_MISMATCH', () => {
    it('finds an amount other than the award’s, in yuan in the explanation', () => {
      const found = detect([pay({ id: 'MZ-1', amountFen: 65_000 })]);
      expect(rules(found)).toEqual(['AMOUNT_MISMATCH']);
      expect(found[0]!.explanation).toContain('650.00 元');
      expect(found[0]!.explanation).toContain('560.00 元');
    });
  });

  describe('SHARED_ACCOUNT', () => {
    const three = [pay({ id: 'MZ-1' }), pay({ id: 'MZ-3', personId: 'P3', awardId: 'CA-3' }), pay({ id: 'MZ-4', personId: 'P4', awardId: 'CA-4' })];
    const awards = [dibao(), dibao({ id: 'CA-3', personId: 'P3' }), dibao({ id: 'CA-4', personId: 'P4' }), dibao({ id: 'CA-2', personId: 'P2' })];
    it('finds one account paying three households, also as paid to non-holders, the number masked', () => {
      const found = detect(three, awards);
      expect(rules(found)).toEqual(['SHARED_ACCOUNT', 'ACCOUNT_NOT_RECIPIENT', 'ACCOUNT_NOT_RECIPIENT']);
      expect(found[0]).toMatchObject({ householdIds: ['H1', 'H2', 'H3'], accountLast4: '0017', paymentIds: ['MZ-1', 'MZ-3', 'MZ-4'] });
      expect(JSON.stringify(found)).not.toContain(ACCOUNT.slice(0, 8));
      expect(found[0]!.explanation).toContain('**** 0017');
    });
    it('leaves two households on one account, and two members of one household, alone', () => {
      const two = detect([three[0]!, three[1]!, pay({ id: 'MZ-2', personId: 'P2', awardId: 'CA-2' })], awards);
      expect(rules(two)).toEqual(['ACCOUNT_NOT_RECIPIENT']);
    });
  });

  describe('ACCOUNT_NOT_RECIPIENT', () => {
    it('accepts the recipient’s own account and a spouse’s (a member of the household)', () => {
      expect(detect([pay({ id: 'MZ-1' })], [dibao()], { accounts: [{ accountNumber: ACCOUNT, holderId: 'P2', holderHouseholdId: 'H1' }] })).toEqual([]);
    });
    it('finds an account held by someone of another household, or by someone not registered', () => {
      expect(rules(detect([pay({ id: 'MZ-1' })], [dibao()], { accounts: [{ accountNumber: ACCOUNT, holderId: 'P3', holderHouseholdId: 'H2' }] }))).toEqual(['ACCOUNT_NOT_RECIPIENT']);
      expect(rules(detect([pay({ id: 'MZ-1' })], [dibao()], { accounts: [{ accountNumber: ACCOUNT, holderId: 'X', holderHouseholdId: null }] }))).toEqual(['ACCOUNT_NOT_RECIPIENT']);
    });
    it('judges an account nobody registered as well, and says so apart from someone else’s account', () => {
      const own = detect([pay({ id: 'MZ-1' })], [dibao()], { accounts: [{ accountNumber: ACCOUNT, holderId: 'P1', holderHouseholdId: 'H1' }] });
      const other = detect([pay({ id: 'MZ-1' })], [dibao()], { accounts: [{ accountNumber: ACCOUNT, holderId: 'P3', holderHouseholdId: 'H2' }] });
      const none = detect([pay({ id: 'MZ-1' })], [dibao()], { accounts: [] });
      // Registered to another account number than the one paid into: the one paid into is unknown.
      const elsewhere = detect([pay({ id: 'MZ-1' })], [dibao()], { accounts: [{ accountNumber: '6228480000000000099', holderId: 'P1', holderHouseholdId: 'H1' }] });
      expect(own).toEqual([]);
      expect(rules(other)).toEqual(['ACCOUNT_NOT_RECIPIENT']);
      expect(rules(none)).toEqual(['ACCOUNT_NOT_RECIPIENT']);
      expect(rules(elsewhere)).toEqual(['ACCOUNT_NOT_RECIPIENT']);
      expect(other[0]!.explanation).toContain('持有人既非本人也非同户成员');
      expect(other[0]!.explanationEn).toContain('held by neither the recipient nor a member of the household');
      expect(none[0]!.explanation).toContain('未在民政部门登记');
      expect(none[0]!.explanationEn).toContain('not registered with civil affairs');
      expect(none[0]!.explanation).not.toContain('既非本人');
      expect(none[0]).toMatchObject({ accountLast4: '0017', paymentIds: ['MZ-1'], personIds: ['P1'] });
      expect(JSON.stringify(none)).not.toContain(ACCOUNT.slice(0, 8));
      // The same payments, the same finding: registering the account later keeps its id.
      expect(none[0]!.id).toBe(other[0]!.id);
    });
  });

  describe('PAID_EXCLUSIVE', () => {
    const rural: PaymentRuleAward = { ...of('MINIMUM_LIVING_RURAL', { id: 'CA-R', startDate: '2025-01-01', endDate: null }), amountFen: 40_000 };
    const disability: PaymentRuleAward = { ...of('DISABILITY_LIVING_SUBSIDY', { id: 'DP-1', startDate: '2025-01-01', endDate: null }), amountFen: 10_000 };
    const tekun: PaymentRuleAward = { ...of('EXTREME_POVERTY_DISPERSED', { id: 'CA-T', startDate: '2025-01-01', endDate: null }), amountFen: 90_000 };
    it('finds one person paid two programmes of an exclusive pair for one period, across two departments', () => {
      const found = detect([pay({ id: 'MZ-T', awardId: 'CA-T', amountFen: 90_000 }), pay({ id: 'CL-1', department: 'DISABLED_PERSONS_FEDERATION', awardId: 'DP-1', amountFen: 10_000 })], [tekun, disability]);
      expect(rules(found)).toEqual(['PAID_EXCLUSIVE']);
      expect(found[0]).toMatchObject({ departments: ['CIVIL_AFFAIRS', 'DISABLED_PERSONS_FEDERATION'], awardIds: ['CA-T', 'DP-1'] });
    });
    it('follows the rule set’s pairs (urban × rural 低保) and not other programmes (低保 × disability subsidy)', () => {
      expect(rules(detect([pay({ id: 'MZ-1' }), pay({ id: 'MZ-R', awardId: 'CA-R', amountFen: 40_000 })], [dibao(), rural]))).toEqual(['PAID_EXCLUSIVE']);
      expect(detect([pay({ id: 'MZ-1' }), pay({ id: 'CL-1', department: 'DISABLED_PERSONS_FEDERATION', awardId: 'DP-1', amountFen: 10_000 })], [dibao(), disability])).toEqual([]);
      const noPairs = { ...defaultRuleSet, exclusivePairs: [] };
      const found = detectPaymentFindings({ period: '2025-06', payments: [pay({ id: 'MZ-1' }), pay({ id: 'MZ-R', awardId: 'CA-R', amountFen: 40_000 })], awards: [dibao(), rural], persons, accounts: own, ruleSet: noPairs });
      expect(found).toEqual([]);
    });
    it('judges one period: programmes paid in different months are not a finding', () => {
      expect(detect([pay({ id: 'MZ-1' }), pay({ id: 'MZ-R', awardId: 'CA-R', amountFen: 40_000, period: '2025-07' })], [dibao(), rural])).toEqual([]);
    });
  });
});
