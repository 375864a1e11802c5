import { describe, expect, it } from 'vitest';
import { defaultRuleSet, detectFindings, findingId, parseRuleSet, type RuleAward, type RulePerson } from '../src/index.ts';
import { household, of, person } from './helpers.ts';

describe('a finding', () => {
  it('names awards by id as loaded and by department:id, with the departments to contact', () => {
    // Ids are unique only within a department: these are two awards, both numbered 7.
    const awards = [of('LOW_RENT_HOUSING', { id: '7' }), of('EXTREME_POVERTY_CENTRALIZED', { id: '7' })];
    expect(detectFindings({ persons: household, awards })).toEqual([
      {
        id: findingId('EXCLUSIVE_PROGRAMMES', ['CIVIL_AFFAIRS:7', 'HOUSING:7']),
        rule: 'EXCLUSIVE_PROGRAMMES',
        householdId: 'H1',
        personIds: ['P1'],
        awardIds: ['7', '7'],
        awardKeys: ['CIVIL_AFFAIRS:7', 'HOUSING:7'],
        departments: ['CIVIL_AFFAIRS', 'HOUSING'],
        programmes: ['EXTREME_POVERTY_CENTRALIZED', 'LOW_RENT_HOUSING'],
        overlapStart: '2024-01-01',
        overlapEnd: '2024-06-30',
        explanation: '张三 同时领取特困人员（五保）集中供养与廉租住房实物配租（2024-01-01 至 2024-06-30 重叠），两者不得兼得，请联系民政、住建核实。',
        explanationEn:
          '张三 receives both Extreme poverty support, centralized and Low-rent housing allocation (overlapping 2024-01-01 to 2024-06-30), which are mutually exclusive; contact Civil Affairs and Housing and Urban-Rural Development to verify.',
      },
    ]);
  });

  it.each([
    {
      label: 'urban × rural 低保, named person',
      persons: [person('P1', { name: '张三' })],
      awards: [of('MINIMUM_LIVING_URBAN', { id: 'A' }), of('MINIMUM_LIVING_RURAL', { id: 'B' })],
      explanation: '张三 同时领取城市居民最低生活保障与农村最低生活保障（2024-01-01 至 2024-06-30 重叠），两者不得兼得，请联系民政核实。',
    },
    {
      label: 'no name on record: the ID number instead',
      persons: [person('654002199003150012')],
      awards: [of('MINIMUM_LIVING_URBAN', { id: 'A', personId: '654002199003150012' }), of('MINIMUM_LIVING_URBAN', { id: 'B', personId: '654002199003150012', endDate: null })],
      explanation: '654002199003150012 重复领取城市居民最低生活保障（2024-01-01 至 2024-06-30 重叠），请联系民政核实。',
    },
    {
      label: '特困 × disability subsidy: both departments',
      persons: [person('P1', { name: '张三' })],
      awards: [of('DISABILITY_LIVING_SUBSIDY', { id: 'A', endDate: null }), of('EXTREME_POVERTY_DISPERSED', { id: 'B', startDate: '2024-03-01', endDate: null })],
      explanation: '张三 同时领取特困人员（五保）分散供养与困难残疾人生活补贴（2024-03-01 至今 重叠），两者不得兼得，请联系民政、残联核实。',
    },
    {
      label: 'household: both members named',
      persons: household,
      awards: [of('LOW_RENT_HOUSING', { id: 'A' }), of('RENTAL_SUBSIDY', { id: 'B', personId: 'P2' })],
      explanation: '户 H1 的 张三、李四 同时享受廉租住房实物配租与廉租住房租赁补贴（2024-01-01 至 2024-06-30 重叠），同一户不得重复享受，请联系住建核实。',
    },
  ])('explains itself in one Chinese sentence: $label', ({ persons, awards, explanation }) => {
    const [finding, ...rest] = detectFindings({ persons, awards });
    expect(rest).toEqual([]);
    expect(finding?.explanation).toBe(explanation);
  });

  it('counts a record reached twice once, and rejects two different records under one award key', () => {
    const twice = [of('MINIMUM_LIVING_URBAN', { id: 'A' }), of('MINIMUM_LIVING_URBAN', { id: 'A' })];
    expect(detectFindings({ persons: [...household, ...household], awards: twice })).toEqual([]);
    const clash = [of('MINIMUM_LIVING_URBAN', { id: 'A' }), of('MINIMUM_LIVING_RURAL', { id: 'A' })];
    expect(() => detectFindings({ persons: household, awards: clash })).toThrow('award CIVIL_AFFAIRS:A appears more than once, with different contents');
    const deadAndAlive = [...household, { ...household[0]!, deathDate: '2024-01-01' }];
    expect(() => detectFindings({ persons: deadAndAlive, awards: twice })).toThrow('person P1 appears more than once');
  });
});

describe('finding ids', () => {
  const persons: RulePerson[] = [...household, person('P4', { householdId: 'H2', deathDate: '2024-02-01' })];
  const awards: RuleAward[] = [
    of('MINIMUM_LIVING_URBAN', { id: 'A' }),
    of('MINIMUM_LIVING_RURAL', { id: 'B', startDate: '2024-02-01' }),
    of('EXTREME_POVERTY_DISPERSED', { id: 'C', endDate: null }),
    of('LOW_RENT_HOUSING', { id: 'D', personId: 'P2' }),
    of('RENTAL_SUBSIDY', { id: 'E' }),
    of('RENTAL_SUBSIDY', { id: 'F', personId: 'P3' }),
    of('RENTAL_SUBSIDY', { id: 'G', personId: 'P4' }),
    of('MINIMUM_LIVING_URBAN', { id: 'H', personId: 'P4', frequency: 'ONCE', startDate: '2024-03-01', endDate: null }),
  ];
  const findings = detectFindings({ persons, awards });

  it('come from the rule and the set of award keys, in any order', () => {
    expect(findingId('SAME_PROGRAMME_OVERLAP', ['HOUSING:2', 'CIVIL_AFFAIRS:1'])).toBe(findingId('SAME_PROGRAMME_OVERLAP', ['CIVIL_AFFAIRS:1', 'HOUSING:2']));
    expect(findingId('SAME_PROGRAMME_OVERLAP', ['CIVIL_AFFAIRS:1', 'HOUSING:2'])).not.toBe(findingId('EXCLUSIVE_PROGRAMMES', ['CIVIL_AFFAIRS:1', 'HOUSING:2']));
  });

  it('are F- and a sha256 prefix, distinct per finding', () => {
    expect(findings.length).toBe(7);
    for (const f of findings) expect(f.id).toMatch(/^F-[0-9a-f]{16}$/);
    expect(new Set(findings.map((f) => f.id)).size).toBe(findings.length);
  });

  it('and the whole result do not depend on the order of the input', () => {
    const shuffled = detectFindings({ persons: [...persons].reverse(), awards: [awards[4]!, ...awards.slice(5).reverse(), ...awards.slice(0, 4)] });
    expect(shuffled).toEqual(findings);
  });

  it('do not change when unrelated awards come and go', () => {
    const more = detectFindings({ persons, awards: [...awards, of('MINIMUM_LIVING_URBAN', { id: 'Z', personId: 'P2' })] });
    const before = findings.find((f) => f.awardKeys.join() === 'CIVIL_AFFAIRS:A,CIVIL_AFFAIRS:B');
    const after = more.find((f) => f.awardKeys.join() === 'CIVIL_AFFAIRS:A,CIVIL_AFFAIRS:B');
    expect(after?.id).toBeDefined();
    expect(after?.id).toBe(before?.id);
  });

  it('depend on the rule: the same awards under another rule are another finding', () => {
    const pair = [of('LOW_RENT_HOUSING', { id: 'A' }), of('LOW_RENT_HOUSING', { id: 'B' })];
    const same = detectFindings({ persons: household, awards: pair });
    const repeatable = parseRuleSet({ ...defaultRuleSet, repeatableOverrides: { LOW_RENT_HOUSING: true } });
    const householdRule = detectFindings({ persons: household, awards: pair, ruleSet: repeatable });
    expect(same.map((f) => f.rule)).toEqual(['SAME_PROGRAMME_OVERLAP']);
    expect(householdRule.map((f) => f.rule)).toEqual(['HOUSEHOLD_EXCLUSIVE_PROGRAMMES']);
    expect(same[0]?.id).not.toBe(householdRule[0]?.id);
  });

  it('are listed household by household, then person, then rule', () => {
    expect(findings.map((f) => [f.householdId, f.personIds.join(), f.rule])).toEqual([
      ['H1', 'P1', 'EXCLUSIVE_PROGRAMMES'],
      ['H1', 'P1', 'EXCLUSIVE_PROGRAMMES'],
      ['H1', 'P1', 'EXCLUSIVE_PROGRAMMES'],
      ['H1', 'P1,P2', 'HOUSEHOLD_EXCLUSIVE_PROGRAMMES'],
      ['H2', 'P3,P4', 'HOUSEHOLD_EXCLUSIVE_PROGRAMMES'],
      ['H2', 'P4', 'AWARD_AFTER_DEATH'],
      ['H2', 'P4', 'AWARD_AFTER_DEATH'],
    ]);
  });
});
