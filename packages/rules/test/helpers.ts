import { programme as catalogue } from '@saf/programmes';
import type { RuleAward, RulePerson } from '../src/index.ts';

/** An ACTIVE monthly award of 城市低保 to P1 in household H1 for the first half of 2024, unless told otherwise. */
export function award(overrides: Partial<RuleAward> & { id: string }): RuleAward {
  return {
    department: 'CIVIL_AFFAIRS',
    programme: 'MINIMUM_LIVING_URBAN',
    personId: 'P1',
    householdId: 'H1',
    startDate: '2024-01-01',
    endDate: '2024-06-30',
    frequency: 'MONTHLY',
    status: 'ACTIVE',
    ...overrides,
  };
}

export function person(id: string, overrides: Partial<RulePerson> = {}): RulePerson {
  return { id, householdId: 'H1', deathDate: null, ...overrides };
}

/** Two members of H1 and one of H2. */
export const household = [person('P1', { name: '张三' }), person('P2', { name: '李四' }), person('P3', { householdId: 'H2', name: '王五' })];

/** An award of `programme` by the department that owns it. */
export function of(programme: string, overrides: Partial<RuleAward> & { id: string }): RuleAward {
  const info = catalogue(programme);
  if (!info) throw new Error(`unknown programme ${programme}`);
  return award({ programme, department: info.department, ...overrides });
}
