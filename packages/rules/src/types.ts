import type { AwardStatus, Frequency } from '@saf/programmes';
export type { AwardStatus, Frequency };

/** An award as the rules see it, from any department. */
export interface RuleAward {
  department: string;
  /** Unique only within its department; `${department}:${id}` is the award's key. */
  id: string;
  programme: string;
  personId: string;
  /** The household the department filed the award under; the rules use civil affairs' membership instead. */
  householdId: string | null;
  startDate: string;
  endDate: string | null;
  frequency: Frequency;
  status: AwardStatus;
}

/** A person as civil affairs records them: membership and death come from here. */
export interface RulePerson {
  /** Resident ID number. */
  id: string;
  householdId: string | null;
  deathDate: string | null;
  name?: string;
  birthDate?: string;
  gender?: string;
  /** Region code of the person's household (for the duplicate-identity rule's prefecture). */
  regionCode?: string;
}

/**
 * `paying`: ACTIVE and ENDED awards pay (sweeps). `proposal`: PENDING pays too (checking a proposed
 * award before it is granted). SUSPENDED and REJECTED never pay.
 */
export type Mode = 'paying' | 'proposal';

/** The four duplicate-aid rules, in order of precedence (the first that matches a pair wins). */
export const RULE_CODES = [
  'SAME_PROGRAMME_OVERLAP',
  'EXCLUSIVE_PROGRAMMES',
  'HOUSEHOLD_EXCLUSIVE_PROGRAMMES',
  'AWARD_AFTER_DEATH',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

/** Kept apart from the four: a lead for review, not a duplicate award. */
export const DUPLICATE_IDENTITY_RULE = 'POSSIBLE_DUPLICATE_IDENTITY';
export type FindingRule = RuleCode | typeof DUPLICATE_IDENTITY_RULE;

export interface Finding {
  /** `F-` and a sha256 prefix of the rule and the sorted award keys (person ids for identities). */
  id: string;
  rule: FindingRule;
  /** The household of the person(s) as civil affairs records it, when known. */
  householdId: string | null;
  /** Sorted, distinct. */
  personIds: string[];
  /** Award ids as loaded, in the order of `awardKeys`. */
  awardIds: string[];
  /** `${department}:${id}`, sorted. */
  awardKeys: string[];
  /** Distinct departments involved (the ones to contact), in catalogue order. */
  departments: string[];
  /** The programme of each award, in the order of `awardKeys`. */
  programmes: string[];
  overlapStart: string | null;
  /** Null when the overlap is open-ended. */
  overlapEnd: string | null;
  explanation: string;
  explanationEn: string;
}
