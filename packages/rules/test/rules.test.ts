import { describe, expect, it } from 'vitest';
import { programmes } from '@saf/programmes';
import { defaultRuleSet, detectFindings, parseRuleSet, type Finding, type RuleAward } from '../src/index.ts';
import { household, of } from './helpers.ts';

const summary = (findings: Finding[]) => findings.map((f) => `${f.rule} ${f.awardKeys.join(' ')}`).sort();
const run = (awards: RuleAward[], ruleSet = defaultRuleSet) => summary(detectFindings({ persons: household, awards, ruleSet }));

describe('SAME_PROGRAMME_OVERLAP', () => {
  it.each(programmes.filter((p) => !p.repeatable).map((p) => p.code))('%s twice for one person', (code) => {
    const awards = [of(code, { id: 'A' }), of(code, { id: 'B', startDate: '2024-06-30', endDate: null })];
    const [finding, ...rest] = detectFindings({ persons: household, awards });
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ rule: 'SAME_PROGRAMME_OVERLAP', personIds: ['P1'], overlapStart: '2024-06-30', overlapEnd: '2024-06-30' });
  });

  it.each(programmes.filter((p) => p.repeatable).map((p) => p.code))('%s is repeatable: never a finding', (code) => {
    expect(run([of(code, { id: 'A' }), of(code, { id: 'B' })])).toEqual([]);
  });

  it('is per person: one programme to two members is no finding', () => {
    expect(run([of('MINIMUM_LIVING_URBAN', { id: 'A' }), of('MINIMUM_LIVING_URBAN', { id: 'B', personId: 'P2' })])).toEqual([]);
  });
});

describe('EXCLUSIVE_PROGRAMMES', () => {
  const pairs = defaultRuleSet.exclusivePairs.map(([a, b]) => ({ a, b }));

  it.each(pairs)('$a × $b for one person', ({ a, b }) => {
    expect(run([of(a, { id: 'A' }), of(b, { id: 'B' })])).toEqual([`EXCLUSIVE_PROGRAMMES ${of(a, { id: 'A' }).department}:A ${of(b, { id: 'B' }).department}:B`].sort());
    expect(run([of(b, { id: 'A' }), of(a, { id: 'B' })])).toHaveLength(1);
  });

  it.each(pairs)('$a × $b on two members of one household is not EXCLUSIVE_PROGRAMMES', ({ a, b }) => {
    expect(run([of(a, { id: 'A' }), of(b, { id: 'B', personId: 'P2' })])).toEqual([]);
  });

  it.each(pairs)('$a × $b not overlapping (back to back) is no finding', ({ a, b }) => {
    expect(run([of(a, { id: 'A', endDate: '2024-03-31' }), of(b, { id: 'B', startDate: '2024-04-01', endDate: null })])).toEqual([]);
  });

  it.each([
    ['MINIMUM_LIVING_URBAN', 'UNEMPLOYMENT_INSURANCE'],
    ['MINIMUM_LIVING_URBAN', 'DISABILITY_LIVING_SUBSIDY'],
    ['MINIMUM_LIVING_RURAL', 'RENTAL_SUBSIDY'],
    ['EXTREME_POVERTY_DISPERSED', 'RENTAL_SUBSIDY'],
    ['EXTREME_POVERTY_DISPERSED', 'LOW_RENT_HOUSING'],
    ['DISABILITY_LIVING_SUBSIDY', 'SEVERE_DISABILITY_NURSING_SUBSIDY'],
  ])('%s × %s may be held together', (a, b) => {
    expect(run([of(a, { id: 'A' }), of(b, { id: 'B' })])).toEqual([]);
  });
});

describe('HOUSEHOLD_EXCLUSIVE_PROGRAMMES', () => {
  it.each([
    { label: 'LOW_RENT_HOUSING × RENTAL_SUBSIDY, two members', a: 'LOW_RENT_HOUSING', b: 'RENTAL_SUBSIDY', bPerson: 'P2', found: true },
    { label: 'LOW_RENT_HOUSING × RENTAL_SUBSIDY, one member', a: 'LOW_RENT_HOUSING', b: 'RENTAL_SUBSIDY', bPerson: 'P1', found: true },
    { label: 'LOW_RENT_HOUSING twice, two members', a: 'LOW_RENT_HOUSING', b: 'LOW_RENT_HOUSING', bPerson: 'P2', found: true },
    { label: 'RENTAL_SUBSIDY twice, two members', a: 'RENTAL_SUBSIDY', b: 'RENTAL_SUBSIDY', bPerson: 'P2', found: true },
    { label: 'LOW_RENT_HOUSING × RENTAL_SUBSIDY, two households', a: 'LOW_RENT_HOUSING', b: 'RENTAL_SUBSIDY', bPerson: 'P3', found: false },
    { label: 'LOW_RENT_HOUSING twice, two households', a: 'LOW_RENT_HOUSING', b: 'LOW_RENT_HOUSING', bPerson: 'P3', found: false },
    { label: 'LOW_RENT_HOUSING × AFFORDABLE_HOUSING, two members', a: 'LOW_RENT_HOUSING', b: 'AFFORDABLE_HOUSING', bPerson: 'P2', found: false },
  ])('$label', ({ a, b, bPerson, found }) => {
    const awards = [of(a, { id: 'A' }), of(b, { id: 'B', personId: bPerson, startDate: '2024-06-30', endDate: null })];
    const findings = detectFindings({ persons: household, awards });
    if (!found) return expect(findings).toEqual([]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: 'HOUSEHOLD_EXCLUSIVE_PROGRAMMES',
      householdId: 'H1',
      personIds: [...new Set(['P1', bPerson])].sort(),
      overlapStart: '2024-06-30',
      overlapEnd: '2024-06-30',
      departments: ['HOUSING'],
    });
  });

  it('takes membership from the person records, not the award’s householdId', () => {
    // The housing department filed both under H1, but civil affairs has P3 in H2.
    const filedTogether = [of('LOW_RENT_HOUSING', { id: 'A', householdId: 'H1' }), of('RENTAL_SUBSIDY', { id: 'B', personId: 'P3', householdId: 'H1' })];
    expect(run(filedTogether)).toEqual([]);
    // Filed under different households, but civil affairs has P1 and P2 in H1.
    const filedApart = [of('LOW_RENT_HOUSING', { id: 'A', householdId: 'H7' }), of('RENTAL_SUBSIDY', { id: 'B', personId: 'P2', householdId: 'H8' })];
    expect(detectFindings({ persons: household, awards: filedApart })).toMatchObject([{ rule: 'HOUSEHOLD_EXCLUSIVE_PROGRAMMES', householdId: 'H1' }]);
  });

  it('does not join persons civil affairs does not know or has in no household', () => {
    const persons = [{ id: 'P1', householdId: null, deathDate: null }];
    const awards = [of('LOW_RENT_HOUSING', { id: 'A' }), of('RENTAL_SUBSIDY', { id: 'B', personId: 'PX' })];
    expect(summary(detectFindings({ persons, awards }))).toEqual([]);
  });
});

describe('precedence: one finding per pair, the first rule that matches', () => {
  it.each([
    {
      label: 'LOW_RENT_HOUSING twice for one person is SAME_PROGRAMME_OVERLAP, not the household rule',
      awards: [of('LOW_RENT_HOUSING', { id: 'A' }), of('LOW_RENT_HOUSING', { id: 'B' })],
      ruleSet: defaultRuleSet,
      expected: ['SAME_PROGRAMME_OVERLAP HOUSING:A HOUSING:B'],
    },
    {
      label: 'EXTREME_POVERTY_CENTRALIZED × LOW_RENT_HOUSING for one person is EXCLUSIVE_PROGRAMMES',
      awards: [of('EXTREME_POVERTY_CENTRALIZED', { id: 'A' }), of('LOW_RENT_HOUSING', { id: 'B' })],
      ruleSet: parseRuleSet({
        ...defaultRuleSet,
        householdExclusivePairs: [...defaultRuleSet.householdExclusivePairs, ['EXTREME_POVERTY_CENTRALIZED', 'LOW_RENT_HOUSING']],
      }),
      expected: ['EXCLUSIVE_PROGRAMMES CIVIL_AFFAIRS:A HOUSING:B'],
    },
    {
      label: 'a same-programme pair that is also listed as exclusive is SAME_PROGRAMME_OVERLAP',
      awards: [of('MINIMUM_LIVING_URBAN', { id: 'A' }), of('MINIMUM_LIVING_URBAN', { id: 'B' })],
      ruleSet: parseRuleSet({ ...defaultRuleSet, exclusivePairs: [['MINIMUM_LIVING_URBAN', 'MINIMUM_LIVING_URBAN']] }),
      expected: ['SAME_PROGRAMME_OVERLAP CIVIL_AFFAIRS:A CIVIL_AFFAIRS:B'],
    },
    {
      label: 'LOW_RENT_HOUSING made repeatable: twice for one person falls to the household rule',
      awards: [of('LOW_RENT_HOUSING', { id: 'A' }), of('LOW_RENT_HOUSING', { id: 'B' })],
      ruleSet: parseRuleSet({ ...defaultRuleSet, repeatableOverrides: { LOW_RENT_HOUSING: true } }),
      expected: ['HOUSEHOLD_EXCLUSIVE_PROGRAMMES HOUSING:A HOUSING:B'],
    },
  ])('$label', ({ awards, ruleSet, expected }) => {
    expect(run(awards, ruleSet)).toEqual(expected);
  });

  it('a pair finding and the after-death findings of its awards coexist', () => {
    const persons = [{ id: 'P1', householdId: 'H1', deathDate: '2024-03-31' }];
    const awards = [of('MINIMUM_LIVING_URBAN', { id: 'A' }), of('MINIMUM_LIVING_RURAL', { id: 'B' })];
    expect(summary(detectFindings({ persons, awards }))).toEqual([
      'AWARD_AFTER_DEATH CIVIL_AFFAIRS:A',
      'AWARD_AFTER_DEATH CIVIL_AFFAIRS:B',
      'EXCLUSIVE_PROGRAMMES CIVIL_AFFAIRS:A CIVIL_AFFAIRS:B',
    ]);
  });
});

describe('pairs', () => {
  it.each([
    {
      label: 'three overlapping awards of one programme: three findings',
      awards: [of('MINIMUM_LIVING_URBAN', { id: 'A' }), of('MINIMUM_LIVING_URBAN', { id: 'B' }), of('MINIMUM_LIVING_URBAN', { id: 'C' })],
      expected: ['SAME_PROGRAMME_OVERLAP CIVIL_AFFAIRS:A CIVIL_AFFAIRS:B', 'SAME_PROGRAMME_OVERLAP CIVIL_AFFAIRS:A CIVIL_AFFAIRS:C', 'SAME_PROGRAMME_OVERLAP CIVIL_AFFAIRS:B CIVIL_AFFAIRS:C'],
    },
    {
      label: 'urban 低保, rural 低保 and 特困 for one person: three findings',
      awards: [of('MINIMUM_LIVING_URBAN', { id: 'A' }), of('MINIMUM_LIVING_RURAL', { id: 'B' }), of('EXTREME_POVERTY_DISPERSED', { id: 'C' })],
      expected: ['EXCLUSIVE_PROGRAMMES CIVIL_AFFAIRS:A CIVIL_AFFAIRS:B', 'EXCLUSIVE_PROGRAMMES CIVIL_AFFAIRS:A CIVIL_AFFAIRS:C', 'EXCLUSIVE_PROGRAMMES CIVIL_AFFAIRS:B CIVIL_AFFAIRS:C'],
    },
    {
      label: 'housing across a household: three findings, one of them within one member',
      awards: [of('LOW_RENT_HOUSING', { id: 'A' }), of('RENTAL_SUBSIDY', { id: 'B', personId: 'P2' }), of('RENTAL_SUBSIDY', { id: 'C' })],
      expected: ['HOUSEHOLD_EXCLUSIVE_PROGRAMMES HOUSING:A HOUSING:B', 'HOUSEHOLD_EXCLUSIVE_PROGRAMMES HOUSING:A HOUSING:C', 'HOUSEHOLD_EXCLUSIVE_PROGRAMMES HOUSING:B HOUSING:C'],
    },
    {
      label: 'a bridge overlapping two back-to-back awards: two findings, not three',
      awards: [
        of('MINIMUM_LIVING_URBAN', { id: 'A', startDate: '2024-01-01', endDate: '2024-03-31' }),
        of('MINIMUM_LIVING_URBAN', { id: 'B', startDate: '2024-04-01', endDate: '2024-06-30' }),
        of('MINIMUM_LIVING_URBAN', { id: 'C', startDate: '2024-03-31', endDate: '2024-04-01' }),
      ],
      expected: ['SAME_PROGRAMME_OVERLAP CIVIL_AFFAIRS:A CIVIL_AFFAIRS:C', 'SAME_PROGRAMME_OVERLAP CIVIL_AFFAIRS:B CIVIL_AFFAIRS:C'],
    },
    {
      label: 'a long award overlaps short ones that start after a gap among them',
      awards: [
        of('MINIMUM_LIVING_URBAN', { id: 'LONG', startDate: '2020-01-01', endDate: null }),
        of('MINIMUM_LIVING_URBAN', { id: 'S1', startDate: '2021-01-01', endDate: '2021-01-31' }),
        of('MINIMUM_LIVING_URBAN', { id: 'S2', startDate: '2023-01-01', endDate: '2023-01-31' }),
      ],
      expected: ['SAME_PROGRAMME_OVERLAP CIVIL_AFFAIRS:LONG CIVIL_AFFAIRS:S1', 'SAME_PROGRAMME_OVERLAP CIVIL_AFFAIRS:LONG CIVIL_AFFAIRS:S2'],
    },
  ])('$label', ({ awards, expected }) => {
    expect(run(awards)).toEqual(expected);
  });
});
