import { describe, expect, it } from 'vitest';
import { checkProposal, defaultRuleSet, parseRuleSet, type RuleAward } from '../src/index.ts';
import { household, of, person } from './helpers.ts';

const summary = (findings: ReturnType<typeof checkProposal>) => findings.map((f) => `${f.rule} ${f.awardKeys.join(' ')}`);

describe('checkProposal', () => {
  const proposedUrban = of('MINIMUM_LIVING_URBAN', { id: 'NEW', status: 'PENDING', startDate: '2024-06-01', endDate: null });

  it.each<{ label: string; proposed: RuleAward; awards: RuleAward[]; expected: string[] }>([
    {
      label: 'conflicts with an ACTIVE award of an exclusive programme',
      proposed: proposedUrban,
      awards: [of('MINIMUM_LIVING_RURAL', { id: 'R' })],
      expected: ['EXCLUSIVE_PROGRAMMES CIVIL_AFFAIRS:NEW CIVIL_AFFAIRS:R'],
    },
    {
      label: 'conflicts with another PENDING application (proposal mode)',
      proposed: proposedUrban,
      awards: [of('EXTREME_POVERTY_DISPERSED', { id: 'T', status: 'PENDING', endDate: null })],
      expected: ['EXCLUSIVE_PROGRAMMES CIVIL_AFFAIRS:NEW CIVIL_AFFAIRS:T'],
    },
    {
      label: 'ignores SUSPENDED and REJECTED awards',
      proposed: proposedUrban,
      awards: [of('MINIMUM_LIVING_RURAL', { id: 'S', status: 'SUSPENDED' }), of('MINIMUM_LIVING_URBAN', { id: 'X', status: 'REJECTED' })],
      expected: [],
    },
    {
      label: 'ignores an award that ended the day before it starts',
      proposed: proposedUrban,
      awards: [of('MINIMUM_LIVING_RURAL', { id: 'R', status: 'ENDED', endDate: '2024-05-31' })],
      expected: [],
    },
    {
      label: 'returns only findings that involve the proposed award',
      proposed: proposedUrban,
      awards: [of('MINIMUM_LIVING_RURAL', { id: 'R', endDate: '2024-05-31' }), of('EXTREME_POVERTY_DISPERSED', { id: 'T', endDate: '2024-05-31' })],
      expected: [],
    },
    {
      label: 'replaces the stored record of the same award instead of conflicting with itself',
      proposed: proposedUrban,
      awards: [of('MINIMUM_LIVING_URBAN', { id: 'NEW', status: 'PENDING', startDate: '2024-01-01', endDate: null })],
      expected: [],
    },
    {
      label: 'conflicts with housing of another member of the household',
      proposed: of('RENTAL_SUBSIDY', { id: 'NEW', status: 'PENDING' }),
      awards: [of('LOW_RENT_HOUSING', { id: 'L', personId: 'P2' })],
      expected: ['HOUSEHOLD_EXCLUSIVE_PROGRAMMES HOUSING:L HOUSING:NEW'],
    },
    {
      label: 'does not look into another household',
      proposed: of('RENTAL_SUBSIDY', { id: 'NEW', status: 'PENDING' }),
      awards: [of('LOW_RENT_HOUSING', { id: 'L', personId: 'P3' })],
      expected: [],
    },
    {
      label: 'a repeatable programme does not conflict with itself',
      proposed: of('TEMPORARY_ASSISTANCE', { id: 'NEW', status: 'PENDING', frequency: 'ONCE', startDate: '2024-03-01', endDate: null }),
      awards: [of('TEMPORARY_ASSISTANCE', { id: 'OLD', frequency: 'ONCE', startDate: '2024-03-01', endDate: null })],
      expected: [],
    },
  ])('$label', ({ proposed, awards, expected }) => {
    expect(summary(checkProposal({ proposed, persons: household, awards, ruleSet: defaultRuleSet }))).toEqual(expected);
  });

  it('flags a proposal for a person who has died', () => {
    const persons = [person('P1', { deathDate: '2024-06-10' })];
    const [finding, ...rest] = checkProposal({ proposed: proposedUrban, persons, awards: [] });
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ rule: 'AWARD_AFTER_DEATH', overlapStart: '2024-06-11', overlapEnd: null, awardKeys: ['CIVIL_AFFAIRS:NEW'] });
  });

  it('gives the finding the id a sweep will give it once granted', () => {
    const [finding] = checkProposal({ proposed: proposedUrban, persons: household, awards: [of('MINIMUM_LIVING_RURAL', { id: 'R' })] });
    expect(finding?.id).toMatch(/^F-[0-9a-f]{16}$/);
    const granted = checkProposal({ proposed: { ...proposedUrban, status: 'ACTIVE' }, persons: household, awards: [of('MINIMUM_LIVING_RURAL', { id: 'R' })] });
    expect(granted[0]?.id).toBe(finding?.id);
  });

  it('follows the rule set it is given', () => {
    const ruleSet = parseRuleSet({ ...defaultRuleSet, exclusivePairs: [] });
    expect(checkProposal({ proposed: proposedUrban, persons: household, awards: [of('MINIMUM_LIVING_RURAL', { id: 'R' })], ruleSet })).toEqual([]);
  });
});
