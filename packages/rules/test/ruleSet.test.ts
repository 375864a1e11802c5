import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultRuleSet, detectFindings, parseRuleSet, ruleSetSchema, RULE_CODES, type RuleSet, type RuleSetInput } from '../src/index.ts';
import { household, of } from './helpers.ts';

const unordered = (pairs: ReadonlyArray<readonly [string, string]>) => pairs.map(([a, b]) => [a, b].sort().join(' × ')).sort();
const clone = (): RuleSetInput => structuredClone(defaultRuleSet);

describe('the default rule set (rules.json)', () => {
  it('has the exclusive pairs of SPEC section 7, no more', () => {
    const lowbao = ['MINIMUM_LIVING_URBAN', 'MINIMUM_LIVING_RURAL'];
    const tekun = ['EXTREME_POVERTY_CENTRALIZED', 'EXTREME_POVERTY_DISPERSED'];
    const expected: Array<[string, string]> = [
      ['MINIMUM_LIVING_URBAN', 'MINIMUM_LIVING_RURAL'],
      ...lowbao.flatMap((l) => tekun.map((t): [string, string] => [l, t])),
      ['EXTREME_POVERTY_CENTRALIZED', 'EXTREME_POVERTY_DISPERSED'],
      ...tekun.map((t): [string, string] => [t, 'DISABILITY_LIVING_SUBSIDY']),
      ['EXTREME_POVERTY_CENTRALIZED', 'RENTAL_SUBSIDY'],
      ['EXTREME_POVERTY_CENTRALIZED', 'LOW_RENT_HOUSING'],
    ];
    expect(unordered(defaultRuleSet.exclusivePairs)).toEqual(unordered(expected));
  });

  it('has the household pairs of SPEC section 7, no more', () => {
    expect(unordered(defaultRuleSet.householdExclusivePairs)).toEqual(
      unordered([
        ['LOW_RENT_HOUSING', 'RENTAL_SUBSIDY'],
        ['LOW_RENT_HOUSING', 'LOW_RENT_HOUSING'],
        ['RENTAL_SUBSIDY', 'RENTAL_SUBSIDY'],
      ]),
    );
  });

  it('takes repeatable flags from the catalogue', () => {
    expect(defaultRuleSet.repeatableOverrides).toEqual({});
  });

  it('describes each of the four rules in Chinese and English with its policy basis', () => {
    expect(defaultRuleSet.rules.map((r) => r.code)).toEqual([...RULE_CODES]);
    for (const rule of defaultRuleSet.rules) {
      expect(rule.nameZh).toMatch(/\p{Script=Han}/u);
      expect(rule.explanationZh).toMatch(/请联系\{departments\}/);
      expect(rule.explanationEn).toMatch(/contact \{departments\}/);
      expect(rule.basis.document).toBe('reference/000_d4b7cc2fc381b6ac.txt');
    }
  });

  // The policy document (SPEC: reference/) is kept in docs/reference so the quotes are checked on
  // every clone; beside a checkout that has the shared original, the copy must equal it.
  const copy = new URL('../../../docs/reference/000_d4b7cc2fc381b6ac.txt', import.meta.url);
  const original = new URL('../../../../shared/reference/000_d4b7cc2fc381b6ac.txt', import.meta.url);
  it('quotes the policy document verbatim', () => {
    const text = readFileSync(copy, 'utf8');
    if (existsSync(original)) expect(text).toBe(readFileSync(original, 'utf8'));
    for (const rule of defaultRuleSet.rules) {
      for (const part of rule.basis.quote.split('……')) expect(text).toContain(part);
    }
  });

  it('round-trips through JSON text', () => {
    expect(parseRuleSet(JSON.stringify(defaultRuleSet))).toEqual(defaultRuleSet);
  });
});

describe('a changed rule set changes the findings, without code', () => {
  const urbanRural = [of('MINIMUM_LIVING_URBAN', { id: 'A' }), of('MINIMUM_LIVING_RURAL', { id: 'B' })];
  const run = (awards: Parameters<typeof detectFindings>[0]['awards'], ruleSet: RuleSet) =>
    detectFindings({ persons: household, awards, ruleSet }).map((f) => f.rule);

  it.each<{ label: string; change: (r: RuleSetInput) => void; awards: Parameters<typeof detectFindings>[0]['awards']; before: string[]; after: string[] }>([
    {
      label: 'removing the urban × rural pair removes the finding',
      change: (r) => {
        r.exclusivePairs = r.exclusivePairs.filter(([a, b]) => !(a === 'MINIMUM_LIVING_URBAN' && b === 'MINIMUM_LIVING_RURAL'));
      },
      awards: urbanRural,
      before: ['EXCLUSIVE_PROGRAMMES'],
      after: [],
    },
    {
      label: 'adding 低保 × unemployment insurance makes a finding',
      change: (r) => {
        r.exclusivePairs.push(['UNEMPLOYMENT_INSURANCE', 'MINIMUM_LIVING_URBAN']);
      },
      awards: [of('MINIMUM_LIVING_URBAN', { id: 'A' }), of('UNEMPLOYMENT_INSURANCE', { id: 'B' })],
      before: [],
      after: ['EXCLUSIVE_PROGRAMMES'],
    },
    {
      label: 'adding a household pair makes a finding across members',
      change: (r) => {
        r.householdExclusivePairs.push(['AFFORDABLE_HOUSING', 'LOW_RENT_HOUSING']);
      },
      awards: [of('LOW_RENT_HOUSING', { id: 'A' }), of('AFFORDABLE_HOUSING', { id: 'B', personId: 'P2' })],
      before: [],
      after: ['HOUSEHOLD_EXCLUSIVE_PROGRAMMES'],
    },
    {
      label: 'removing a household pair removes the finding',
      change: (r) => {
        r.householdExclusivePairs = r.householdExclusivePairs.filter(([a, b]) => a !== b);
      },
      awards: [of('RENTAL_SUBSIDY', { id: 'A' }), of('RENTAL_SUBSIDY', { id: 'B', personId: 'P2' })],
      before: ['HOUSEHOLD_EXCLUSIVE_PROGRAMMES'],
      after: [],
    },
    {
      label: 'making a programme repeatable removes SAME_PROGRAMME_OVERLAP',
      change: (r) => {
        r.repeatableOverrides = { MINIMUM_LIVING_URBAN: true };
      },
      awards: [of('MINIMUM_LIVING_URBAN', { id: 'A' }), of('MINIMUM_LIVING_URBAN', { id: 'B' })],
      before: ['SAME_PROGRAMME_OVERLAP'],
      after: [],
    },
    {
      label: 'making a repeatable programme not repeatable adds SAME_PROGRAMME_OVERLAP',
      change: (r) => {
        r.repeatableOverrides = { TEMPORARY_ASSISTANCE: false };
      },
      awards: [of('TEMPORARY_ASSISTANCE', { id: 'A' }), of('TEMPORARY_ASSISTANCE', { id: 'B' })],
      before: [],
      after: ['SAME_PROGRAMME_OVERLAP'],
    },
  ])('$label', ({ change, awards, before, after }) => {
    const changed = clone();
    change(changed);
    expect(run(awards, defaultRuleSet)).toEqual(before);
    expect(run(awards, parseRuleSet(changed))).toEqual(after);
  });

  it('uses the rule set’s explanation templates', () => {
    const changed = clone();
    const exclusive = changed.rules.find((r) => r.code === 'EXCLUSIVE_PROGRAMMES')!;
    exclusive.explanationZh = '{persons}：{programmes} 不可兼得（{period}），联系{departments}。';
    const [finding] = detectFindings({ persons: household, awards: urbanRural, ruleSet: parseRuleSet(changed) });
    expect(finding?.explanation).toBe('张三：城市居民最低生活保障与农村最低生活保障 不可兼得（2024-01-01 至 2024-06-30），联系民政。');
  });
});

describe('invalid rule sets are rejected with a message naming the entry', () => {
  it.each<{ label: string; change: (r: Record<string, unknown> & RuleSetInput) => void; message: string }>([
    {
      label: 'unknown programme in an exclusive pair',
      change: (r) => void r.exclusivePairs.push(['MINIMUM_LIVING_URBAN', 'FREE_LUNCH']),
      message: 'exclusivePairs[10][1]: unknown programme "FREE_LUNCH" in pair MINIMUM_LIVING_URBAN × FREE_LUNCH',
    },
    {
      label: 'unknown programme in a household pair',
      change: (r) => void r.householdExclusivePairs.unshift(['LOW_RENT', 'RENTAL_SUBSIDY']),
      message: 'householdExclusivePairs[0][0]: unknown programme "LOW_RENT"',
    },
    {
      label: 'unknown programme in the repeatable overrides',
      change: (r) => void (r.repeatableOverrides = { MINIMUM_LIVING: true }),
      message: 'repeatableOverrides.MINIMUM_LIVING: unknown programme "MINIMUM_LIVING"',
    },
    {
      label: 'a repeatable override that is not a boolean',
      change: (r) => void (r.repeatableOverrides = { MINIMUM_LIVING_URBAN: 'yes' as unknown as boolean }),
      message: 'repeatableOverrides.MINIMUM_LIVING_URBAN',
    },
    {
      label: 'a pair of three',
      change: (r) => void (r.exclusivePairs[0] = ['MINIMUM_LIVING_URBAN', 'MINIMUM_LIVING_RURAL', 'RENTAL_SUBSIDY'] as unknown as [string, string]),
      message: 'exclusivePairs[0]',
    },
    {
      label: 'the same pair twice, in either order',
      change: (r) => void r.exclusivePairs.push(['MINIMUM_LIVING_RURAL', 'MINIMUM_LIVING_URBAN']),
      message: 'exclusivePairs[10]: pair MINIMUM_LIVING_RURAL × MINIMUM_LIVING_URBAN repeats entry 0',
    },
    {
      label: 'a missing rule',
      change: (r) => void (r.rules = r.rules.filter((x) => x.code !== 'AWARD_AFTER_DEATH')),
      message: 'rules: missing rule AWARD_AFTER_DEATH',
    },
    {
      label: 'a rule twice',
      change: (r) => void r.rules.push(r.rules[0]!),
      message: 'rules: rule SAME_PROGRAMME_OVERLAP appears 2 times',
    },
    {
      label: 'an unknown rule',
      change: (r) => void (r.rules[0]!.code = 'SAME_PERSON' as 'SAME_PROGRAMME_OVERLAP'),
      message: 'rules[0].code',
    },
    {
      label: 'an unknown placeholder in a template',
      change: (r) => void (r.rules[1]!.explanationZh = '{person} 同时领取{programmes}'),
      message: 'rules[1].explanationZh: unknown placeholder {person}',
    },
    {
      label: 'an empty explanation',
      change: (r) => void (r.rules[2]!.explanationEn = ' '),
      message: 'rules[2].explanationEn: must not be empty',
    },
    {
      label: 'a rule without its policy basis',
      change: (r) => void delete (r.rules[3] as Partial<RuleSetInput['rules'][number]>).basis,
      message: 'rules[3].basis',
    },
    {
      label: 'a misspelt field',
      change: (r) => void (r.exclusivePair = []),
      message: 'exclusivePair',
    },
    {
      label: 'no household pairs field',
      change: (r) => void delete (r as Partial<RuleSetInput>).householdExclusivePairs,
      message: 'householdExclusivePairs',
    },
  ])('$label', ({ change, message }) => {
    const bad = clone() as Record<string, unknown> & RuleSetInput;
    change(bad);
    expect(() => parseRuleSet(bad)).toThrow(message);
    expect(() => parseRuleSet(JSON.stringify(bad))).toThrow(message);
    expect(ruleSetSchema.safeParse(bad).success).toBe(false);
  });

  it('rejects text that is not JSON', () => {
    expect(() => parseRuleSet('{"rules": [')).toThrow('invalid rule set: not JSON');
  });

  it('lists every problem at once', () => {
    const bad = clone();
    bad.exclusivePairs.push(['A_PROGRAMME', 'B_PROGRAMME']);
    bad.repeatableOverrides = { C_PROGRAMME: true };
    expect(() => parseRuleSet(bad)).toThrow(/A_PROGRAMME[\s\S]*B_PROGRAMME[\s\S]*C_PROGRAMME/);
  });

  it('accepts a rule set without overrides', () => {
    const { repeatableOverrides: _, ...rest } = clone();
    expect(parseRuleSet(rest).repeatableOverrides).toEqual({});
  });
});
