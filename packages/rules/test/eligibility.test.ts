import { describe, expect, it } from 'vitest';
import { defaultEligibilityRules, evaluateMeans, parseEligibilityRules, type MeansMember } from '../src/index.ts';

// The 低保 conditions of SPEC section 10 against hand-computed households, on 2025-06-30, with a
// local urban standard of 720 元 (72,000 fen) a month per person.
const DAY = '2025-06-30';
const STANDARDS = [{ programme: 'MINIMUM_LIVING_URBAN', monthlyFen: 72_000 }, { programme: 'MINIMUM_LIVING_RURAL', monthlyFen: 50_000 }];
const member = (id: string, incomes: number[] = [], properties: string[] = [], deathDate: string | null = null): MeansMember => ({
  id,
  deathDate,
  incomes: incomes.map((monthlyFen) => ({ monthlyFen, startDate: '2024-01-01', endDate: null })),
  properties: properties.map((kind) => ({ kind, acquiredDate: '2015-01-01', disposedDate: null })),
});
const evaluate = (members: MeansMember[], programme = 'MINIMUM_LIVING_URBAN', standards: typeof STANDARDS | null = STANDARDS, hukou = 'URBAN') =>
  evaluateMeans(defaultEligibilityRules, { programme, date: DAY, hukou, members, standards });

describe('the 低保 conditions', () => {
  it('takes income per head strictly below the standard: at it is not, a fen below is, above is not', () => {
    // 144,000 over 2 = 72,000: at the standard.
    expect(evaluate([member('a', [144_000]), member('b')])).toMatchObject({ householdSize: 2, incomePerHeadFen: 72_000, standardFen: 72_000, eligible: false, gapFen: null });
    // 215,999 over 3 = 71,999.67: below (rounded down to 71,999), the gap 1 fen.
    expect(evaluate([member('a', [200_000]), member('b', [15_999]), member('c')])).toMatchObject({ householdSize: 3, incomePerHeadFen: 71_999, eligible: true, gapFen: 1 });
    // 80,000 for one: above.
    expect(evaluate([member('a', [80_000])])).toMatchObject({ incomePerHeadFen: 80_000, eligible: false });
    // 150,000 over 3 = 50,000: the gap is 22,000 a month for each member.
    expect(evaluate([member('a', [100_000]), member('b', [50_000]), member('c')])).toMatchObject({ incomePerHeadFen: 50_000, eligible: true, gapFen: 22_000 });
  });

  it('counts only incomes whose period covers the day, and only members alive on it', () => {
    const ended = { ...member('a'), incomes: [{ monthlyFen: 300_000, startDate: '2020-01-01', endDate: '2025-06-29' }, { monthlyFen: 60_000, startDate: '2025-06-30', endDate: null }, { monthlyFen: 99_000, startDate: '2025-07-01', endDate: null }] };
    expect(evaluate([ended, member('b')])).toMatchObject({ householdSize: 2, incomePerHeadFen: 30_000, eligible: true });
    // A member who died on or before the day counts neither as a head nor with an income.
    expect(evaluate([member('a', [60_000]), member('b', [500_000], [], '2025-06-30')])).toMatchObject({ householdSize: 1, incomePerHeadFen: 60_000, eligible: true, gapFen: 12_000 });
  });

  it('refuses a household with commercial property or more than one residence; one disposed of does not count', () => {
    const commercial = evaluate([member('a', [], ['RESIDENTIAL', 'COMMERCIAL']), member('b')]);
    expect(commercial.eligible).toBe(false);
    expect(commercial.reasons.join(' ')).toMatch(/商业用房/);
    const twoHomes = evaluate([member('a', [], ['RESIDENTIAL']), member('b', [], ['RESIDENTIAL'])]);
    expect(twoHomes.eligible).toBe(false);
    expect(twoHomes.reasons.join(' ')).toMatch(/住房 2 套/);
    const disposed = { ...member('a'), properties: [{ kind: 'COMMERCIAL', acquiredDate: '2010-01-01', disposedDate: '2025-06-29' }, { kind: 'RESIDENTIAL', acquiredDate: '2010-01-01', disposedDate: null }, { kind: 'RESIDENTIAL', acquiredDate: '2025-07-01', disposedDate: null }] };
    expect(evaluate([disposed]).eligible).toBe(true);
  });

  it('measures against the standard of the programme applied for; 特困 against the 低保 one of the household’s hukou', () => {
    expect(evaluate([member('a', [55_000])], 'MINIMUM_LIVING_RURAL', STANDARDS, 'RURAL')).toMatchObject({ standardFen: 50_000, eligible: false });
    expect(evaluate([member('a', [45_000])], 'EXTREME_POVERTY_DISPERSED', STANDARDS, 'RURAL')).toMatchObject({ standardFen: 50_000, eligible: true, gapFen: null });
    // No standard in force for the place: not eligible, and says so.
    const none = evaluate([member('a')], 'MINIMUM_LIVING_URBAN', []);
    expect(none.eligible).toBe(false);
    expect(none.reasons.join(' ')).toMatch(/无 MINIMUM_LIVING_URBAN 保障标准/);
  });

  it('cannot decide without a department’s part: eligible null, never true', () => {
    const noIncomes = { ...member('a'), incomes: null };
    expect(evaluate([noIncomes])).toMatchObject({ incomePerHeadFen: null, eligible: null, gapFen: null });
    const noProperties = { ...member('a', [10_000]), properties: null };
    expect(evaluate([noProperties]).eligible).toBeNull();
    expect(evaluate([member('a', [10_000])], 'MINIMUM_LIVING_URBAN', null).eligible).toBeNull();
    // A condition that fails on what is known stays a no.
    expect(evaluate([{ ...member('a', [], ['COMMERCIAL']), incomes: null }]).eligible).toBe(false);
  });

  it('holds the conditions as data: a changed set applies, and a bad one is refused naming the mistake', () => {
    const rules = parseEligibilityRules({ ...defaultEligibilityRules, programmes: { ...defaultEligibilityRules.programmes, MINIMUM_LIVING_URBAN: { ...defaultEligibilityRules.programmes.MINIMUM_LIVING_URBAN!, maxResidences: 2 } } });
    expect(evaluateMeans(rules, { programme: 'MINIMUM_LIVING_URBAN', date: DAY, hukou: 'URBAN', members: [member('a', [], ['RESIDENTIAL']), member('b', [], ['RESIDENTIAL'])], standards: STANDARDS }).eligible).toBe(true);
    expect(() => parseEligibilityRules({ ...defaultEligibilityRules, consentRequired: ['NO_SUCH_PROGRAMME'] })).toThrow(/consentRequired\.0: unknown programme/);
    expect(() => parseEligibilityRules({ ...defaultEligibilityRules, programmes: { MINIMUM_LIVING_URBAN: { incomeBelowStandard: null, forbiddenPropertyKinds: ['CASTLE'], maxResidences: 1, gapAmount: true } } })).toThrow(/forbiddenPropertyKinds/);
    // Programmes without conditions: no verdict.
    expect(evaluate([member('a')], 'LEGAL_AID').eligible).toBeNull();
  });
});
