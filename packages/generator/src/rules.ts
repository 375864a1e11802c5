/**
 * SPEC section 7 as the generator needs it: to keep the background clean and to state the findings
 * the planted cases must produce. keep in sync with SPEC section 7 (and packages/rules/rules.json,
 * the rule set a coordinator can change; the planted list describes the specification's pairs).
 */
import { programme, type AwardStatus, type Frequency } from '@saf/programmes';
import { dayAfter, maxDate, minDate, overlaps } from './dates.ts';

export const EXCLUSIVE_PAIRS: readonly (readonly [string, string])[] = [
  ['MINIMUM_LIVING_URBAN', 'MINIMUM_LIVING_RURAL'],
  ['MINIMUM_LIVING_URBAN', 'EXTREME_POVERTY_CENTRALIZED'],
  ['MINIMUM_LIVING_URBAN', 'EXTREME_POVERTY_DISPERSED'],
  ['MINIMUM_LIVING_RURAL', 'EXTREME_POVERTY_CENTRALIZED'],
  ['MINIMUM_LIVING_RURAL', 'EXTREME_POVERTY_DISPERSED'],
  ['EXTREME_POVERTY_CENTRALIZED', 'EXTREME_POVERTY_DISPERSED'],
  ['EXTREME_POVERTY_CENTRALIZED', 'DISABILITY_LIVING_SUBSIDY'],
  ['EXTREME_POVERTY_DISPERSED', 'DISABILITY_LIVING_SUBSIDY'],
  ['EXTREME_POVERTY_CENTRALIZED', 'RENTAL_SUBSIDY'],
  ['EXTREME_POVERTY_CENTRALIZED', 'LOW_RENT_HOUSING'],
];

export const HOUSEHOLD_PAIRS: readonly (readonly [string, string])[] = [
  ['LOW_RENT_HOUSING', 'RENTAL_SUBSIDY'],
  ['LOW_RENT_HOUSING', 'LOW_RENT_HOUSING'],
  ['RENTAL_SUBSIDY', 'RENTAL_SUBSIDY'],
];

const has = (pairs: readonly (readonly [string, string])[], a: string, b: string) => pairs.some(([x, y]) => (x === a && y === b) || (x === b && y === a));

export const isExclusive = (a: string, b: string): boolean => has(EXCLUSIVE_PAIRS, a, b);
export const isHouseholdExclusive = (a: string, b: string): boolean => has(HOUSEHOLD_PAIRS, a, b);
export const isHousingPairProgramme = (p: string): boolean => p === 'LOW_RENT_HOUSING' || p === 'RENTAL_SUBSIDY';

export function isRepeatable(code: string): boolean {
  const info = programme(code);
  if (!info) throw new Error(`unknown programme ${code}`);
  return info.repeatable;
}

export type RuleCode = 'SAME_PROGRAMME_OVERLAP' | 'EXCLUSIVE_PROGRAMMES' | 'HOUSEHOLD_EXCLUSIVE_PROGRAMMES' | 'AWARD_AFTER_DEATH' | 'POSSIBLE_DUPLICATE_IDENTITY';

/** A finding the generated file must produce, in the shape of SPEC section 6's `DuplicateAidFinding`. */
export interface PlantedFinding {
  rule: RuleCode;
  /** Sorted. */
  personIds: string[];
  /** Award ids as loaded, sorted; empty for POSSIBLE_DUPLICATE_IDENTITY. */
  awardIds: string[];
  /** The household of the person(s); null for a duplicate identity (two households). */
  householdId: string | null;
  overlapStart: string | null;
  /** Null when the overlap is open-ended. */
  overlapEnd: string | null;
}

export interface Period {
  start: string;
  end: string | null;
}

export interface PeriodOf {
  frequency: Frequency;
  startDate: string;
  endDate?: string | null;
  status: AwardStatus;
}

export const isPaying = (status: AwardStatus): boolean => status === 'ACTIVE' || status === 'ENDED';

/** A ONCE award pays from its start to its end, or on its start day only. */
export function periodOf(a: PeriodOf): Period {
  return { start: a.startDate, end: a.frequency === 'ONCE' ? (a.endDate ?? a.startDate) : (a.endDate ?? null) };
}

export function intersect(a: Period, b: Period): Period | null {
  if (!overlaps(a.start, a.end, b.start, b.end)) return null;
  const end = a.end === null ? b.end : b.end === null ? a.end : minDate(a.end, b.end);
  return { start: maxDate(a.start, b.start), end };
}

/** The days an award pays after its person's death, or null when it stops in time. */
export function afterDeath(p: Period, deathDate: string): Period | null {
  if (p.end !== null && p.end <= deathDate) return null;
  return { start: maxDate(p.start, dayAfter(deathDate)), end: p.end };
}

/** The rule a pair of paying awards would break (same person, or two members of one household). */
export function pairRule(a: { programme: string; personId: string }, b: { programme: string; personId: string }): RuleCode | null {
  if (a.personId === b.personId) {
    if (a.programme === b.programme && !isRepeatable(a.programme)) return 'SAME_PROGRAMME_OVERLAP';
    if (isExclusive(a.programme, b.programme)) return 'EXCLUSIVE_PROGRAMMES';
  }
  return isHouseholdExclusive(a.programme, b.programme) ? 'HOUSEHOLD_EXCLUSIVE_PROGRAMMES' : null;
}
