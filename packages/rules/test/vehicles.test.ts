import { describe, expect, it } from 'vitest';
import { defaultEligibilityRules, evaluateVehicles, parseEligibilityRules, type AssessedVehicle } from '../src/index.ts';

const DAY = '2025-06-30';
const car = (kind = '小型轿车', registeredOn = '2019-06-01', estimatedValueFen: number | null = 4_500_000): AssessedVehicle => ({ personId: 'p', plate: '新F·A1234', kind, registeredOn, estimatedValueFen });
const lowIncome = defaultEligibilityRules.programmes.MINIMUM_LIVING_URBAN!.vehicles!;

describe('the vehicle condition (公安’s part of the economic check)', () => {
  it('ships for 低保 and 特困: no motor vehicle but the exempt kinds, not required while 公安 may be absent', () => {
    expect(lowIncome).toMatchObject({ maxCount: 0, required: false });
    expect(defaultEligibilityRules.programmes.EXTREME_POVERTY_DISPERSED!.vehicles).toBeDefined();
    expect(defaultEligibilityRules.programmes.TEMPORARY_ASSISTANCE!.vehicles).toBeUndefined();
  });

  it('refuses a household with a car; an exempt kind, or one registered after the day, does not count', () => {
    const refused = evaluateVehicles(lowIncome, [car()], DAY);
    expect(refused.met).toBe(false);
    expect(refused.reasons.join(' ')).toMatch(/机动车 1 辆/);
    expect(evaluateVehicles(lowIncome, [car('残疾人机动轮椅车')], DAY).met).toBe(true);
    expect(evaluateVehicles(lowIncome, [car('小型轿车', '2025-07-01')], DAY).met).toBe(true);
    expect(evaluateVehicles(lowIncome, [], DAY)).toMatchObject({ met: true });
  });

  it('takes a value limit: the sum at it passes, a fen above does not; no condition, no verdict', () => {
    const byValue = { maxCount: null, maxTotalValueFen: 5_000_000, exemptKinds: [], required: true };
    expect(evaluateVehicles(byValue, [car(undefined, undefined, 2_500_000), car(undefined, undefined, 2_500_000)], DAY).met).toBe(true);
    expect(evaluateVehicles(byValue, [car(undefined, undefined, 2_500_001), car(undefined, undefined, 2_500_000), car(undefined, undefined, null)], DAY)).toMatchObject({ met: false, reasons: [expect.stringMatching(/50000\.01 元/)] });
    expect(evaluateVehicles(undefined, [car()], DAY)).toEqual({ met: null, reasons: [] });
  });

  it('is checked as data: a mistake names where it is; stored conditions without it still read', () => {
    const rules = JSON.parse(JSON.stringify(defaultEligibilityRules));
    rules.programmes.MINIMUM_LIVING_URBAN.vehicles.required = 'yes';
    expect(() => parseEligibilityRules(rules)).toThrow(/programmes\.MINIMUM_LIVING_URBAN\.vehicles\.required/);
    delete rules.programmes.MINIMUM_LIVING_URBAN.vehicles;
    expect(parseEligibilityRules(rules).programmes.MINIMUM_LIVING_URBAN!.vehicles).toBeUndefined();
  });
});
