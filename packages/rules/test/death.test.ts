import { describe, expect, it } from 'vitest';
import { detectFindings, type Mode, type RuleAward } from '../src/index.ts';
import { of, person } from './helpers.ts';

const persons = [person('P1', { name: '张三', deathDate: '2024-03-15' }), person('P2')];

function afterDeath(overrides: Partial<RuleAward>, mode: Mode = 'paying') {
  const awards = [of('MINIMUM_LIVING_URBAN', { id: 'A', ...overrides })];
  return detectFindings({ persons, awards, mode }).map((f) => {
    expect(f).toMatchObject({ rule: 'AWARD_AFTER_DEATH', personIds: [f.personIds[0]], awardIds: ['A'] });
    return [f.overlapStart, f.overlapEnd];
  });
}

describe('AWARD_AFTER_DEATH (person died 2024-03-15)', () => {
  it.each([
    { label: 'award ending on the death date: paid to the last day of life', award: { endDate: '2024-03-15' }, expected: [] },
    { label: 'award ending the day after death', award: { endDate: '2024-03-16' }, expected: [['2024-03-16', '2024-03-16']] },
    { label: 'award ending before death', award: { endDate: '2024-02-29' }, expected: [] },
    { label: 'open award started before death', award: { endDate: null }, expected: [['2024-03-16', null]] },
    { label: 'award starting after death', award: { startDate: '2024-05-01', endDate: '2024-06-30' }, expected: [['2024-05-01', '2024-06-30']] },
    { label: 'award starting the day after death, open', award: { startDate: '2024-03-16', endDate: null }, expected: [['2024-03-16', null]] },
    { label: 'ONCE on the death date', award: { frequency: 'ONCE' as const, startDate: '2024-03-15', endDate: null }, expected: [] },
    { label: 'ONCE the day after death', award: { frequency: 'ONCE' as const, startDate: '2024-03-16', endDate: null }, expected: [['2024-03-16', '2024-03-16']] },
    { label: 'ONCE with an end after death', award: { frequency: 'ONCE' as const, startDate: '2024-03-01', endDate: '2024-03-31' }, expected: [['2024-03-16', '2024-03-31']] },
    { label: 'ENDED award still counts', award: { status: 'ENDED' as const }, expected: [['2024-03-16', '2024-06-30']] },
    { label: 'SUSPENDED award is not paying', award: { status: 'SUSPENDED' as const }, expected: [] },
    { label: 'REJECTED award is not paying', award: { status: 'REJECTED' as const }, expected: [] },
    { label: 'PENDING award is not paying outside proposals', award: { status: 'PENDING' as const }, expected: [] },
    { label: 'award to a living person', award: { personId: 'P2' }, expected: [] },
    { label: 'award to a person civil affairs does not know', award: { personId: 'PX' }, expected: [] },
  ])('$label', ({ award, expected }) => {
    expect(afterDeath(award)).toEqual(expected);
  });

  it('counts a PENDING award in proposal mode', () => {
    expect(afterDeath({ status: 'PENDING' }, 'proposal')).toEqual([['2024-03-16', '2024-06-30']]);
  });

  it('gives one finding per award, whatever the programme (repeatable ones too)', () => {
    const awards = [
      of('TEMPORARY_ASSISTANCE', { id: 'T1', frequency: 'ONCE', startDate: '2024-04-01', endDate: null }),
      of('TEMPORARY_ASSISTANCE', { id: 'T2', frequency: 'ONCE', startDate: '2024-04-01', endDate: null }),
      of('MEDICAL_ASSISTANCE_INPATIENT', { id: 'M1', frequency: 'ONCE', startDate: '2024-03-14', endDate: '2024-03-20' }),
    ];
    const findings = detectFindings({ persons, awards });
    // Sorted by the first day paid after death, then by award.
    expect(findings.map((f) => [f.rule, f.awardKeys.join(), f.overlapStart, f.overlapEnd])).toEqual([
      ['AWARD_AFTER_DEATH', 'HEALTH:M1', '2024-03-16', '2024-03-20'],
      ['AWARD_AFTER_DEATH', 'CIVIL_AFFAIRS:T1', '2024-04-01', '2024-04-01'],
      ['AWARD_AFTER_DEATH', 'CIVIL_AFFAIRS:T2', '2024-04-01', '2024-04-01'],
    ]);
  });

  it('tells the caseworker the death date and the department to stop payment', () => {
    const [finding] = detectFindings({ persons, awards: [of('RENTAL_SUBSIDY', { id: 'R-9', endDate: null })] });
    expect(finding).toMatchObject({ householdId: 'H1', departments: ['HOUSING'], overlapStart: '2024-03-16', overlapEnd: null });
    expect(finding?.explanation).toBe('张三 已于 2024-03-15 死亡，廉租住房租赁补贴仍在发放（2024-03-16 至今），请联系住建停发核实。');
    expect(finding?.explanationEn).toContain('died on 2024-03-15');
  });
});
