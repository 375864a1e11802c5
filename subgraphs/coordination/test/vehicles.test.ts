import { describe, expect, it } from 'vitest';
import type { VehicleCondition } from '@saf/rules';
import type { Assessment } from '../src/casework/assessment.ts';
import { missingNames, withVehicles } from '../src/casework/vehicles.ts';

// 公安's part of the economic assessment (casework/vehicles.ts) on an assessment the departments'
// parts made eligible: 30,000 fen a head against 72,000, the gap 42,000.
const base: Assessment = { date: '2026-12-07', complete: true, missingDepartments: [], householdSize: 2, incomePerHeadFen: 30_000, standardFen: 72_000, eligible: true, reasons: ['人均月收入 300.00 元 低于保障标准 720.00 元'], gapFen: 42_000, rulesVersion: 1, memberIds: ['a', 'b'] };
const condition = (required: boolean): VehicleCondition => ({ maxCount: 0, maxTotalValueFen: null, exemptKinds: ['残疾人机动轮椅车'], required });
const car = (personId: string, kind = '小型轿车') => ({ personId, plate: '新F·X', kind, registeredOn: '2020-01-01', estimatedValueFen: 3_000_000 });

describe('公安’s part of the economic assessment', () => {
  it('lists the living members’ vehicles and refuses by the condition; a dead member’s car or an exempt kind does not count', () => {
    const refused = withVehicles(base, { vehicles: [car('a')] }, condition(false));
    expect(refused).toMatchObject({ complete: true, eligible: false, gapFen: null, missingParts: [], vehicles: [car('a')] });
    expect(refused.reasons.at(-1)).toMatch(/机动车 1 辆，超过 0 辆/);
    const kept = withVehicles(base, { vehicles: [car('gone'), car('b', '残疾人机动轮椅车')] }, condition(true));
    expect(kept).toMatchObject({ complete: true, eligible: true, gapFen: 42_000, vehicles: [car('b', '残疾人机动轮椅车')] });
  });

  it('names the part missing; required, the assessment is incomplete with no conclusion (a refusal already found stays)', () => {
    const named = withVehicles(base, { missing: '公安未答复 (public security did not answer)' }, condition(false));
    expect(named).toMatchObject({ complete: true, eligible: true, missingParts: ['public-security'], vehicles: null });
    const blocked = withVehicles(base, { missing: '公安未答复 (public security did not answer)' }, condition(true));
    expect(blocked).toMatchObject({ complete: false, eligible: null, missingParts: ['public-security'] });
    expect(blocked.reasons.at(-1)).toMatch(/不能据此审批/);
    expect(withVehicles({ ...base, eligible: false }, { missing: 'x' }, condition(true)).eligible).toBe(false);
    expect(missingNames(blocked)).toBe('public-security');
    expect(missingNames({ ...blocked, missingDepartments: ['LABOUR'] })).toBe('LABOUR, public-security');
    // Missing but not required: shown in missingParts, not named by a refusal (a department's absence is).
    expect(missingNames({ ...named, missingDepartments: ['LABOUR'] })).toBe('LABOUR');
  });

  it('without a vehicle condition (临时救助) lists the vehicles and concludes nothing from them', () => {
    expect(withVehicles(base, { vehicles: [car('a')] }, undefined)).toMatchObject({ eligible: true, gapFen: 42_000, reasons: base.reasons, vehicles: [car('a')] });
  });
});
