import { SWEEP_AWARD_COLUMNS, SWEEP_HOUSEHOLD_COLUMNS, SWEEP_PERSON_COLUMNS, fromSweepRows } from '@saf/interchange';
import type { Department } from '@saf/programmes';
import type { RuleAward, RulePerson } from '@saf/rules';
import { AWARD_FIELDS, type AwardField } from './requires.ts';

/** A page of a sweep as the gateway answers `_internalSweepBatch` (see queries.ts). */
export type SweepBatchAnswer = {
  totalCount: number;
  hasNextPage: boolean;
  endCursor: string | null;
  householdIds: string[];
  households: unknown;
  persons: unknown;
} & Partial<Record<AwardField, unknown>>;

export interface BatchFacts {
  /** The page's households not seen on an earlier page, with their region. */
  households: { id: string; regionCode: string }[];
  persons: RulePerson[];
  awards: RuleAward[];
}

const AWARD_ORDER = (a: RuleAward, b: RuleAward) => a.startDate.localeCompare(b.startDate) || a.department.localeCompare(b.department) || a.id.localeCompare(b.id);

/**
 * What the rules need from a sweep page: its households (less any already checked on an earlier
 * page), their members as civil affairs records them, and every department's awards of those
 * members and households, each award once. Throws naming the part that is not what was asked for;
 * a department that did not answer has failed the request before this (see graph.ts).
 */
export function readSweepBatch(batch: SweepBatchAnswer, seen: { has(id: string): boolean }): BatchFacts {
  const households = fromSweepRows(batch.households, SWEEP_HOUSEHOLD_COLUMNS, 'households')
    .filter((h) => !seen.has(h.id!))
    .map((h) => ({ id: h.id!, regionCode: h.regionCode ?? '' }));
  const region = new Map(households.map((h) => [h.id, h.regionCode]));
  const persons: RulePerson[] = [];
  for (const p of fromSweepRows(batch.persons, SWEEP_PERSON_COLUMNS, 'persons', ['deathDate'])) {
    if (!region.has(p.householdId!)) continue;
    persons.push({
      id: p.id!,
      householdId: p.householdId!,
      deathDate: p.deathDate,
      name: p.name ?? undefined,
      birthDate: p.birthDate ?? undefined,
      gender: p.gender ?? undefined,
      regionCode: region.get(p.householdId!),
    });
  }
  const personIds = new Set(persons.map((p) => p.id));
  const awards = new Map<string, RuleAward>();
  for (const [field, department] of Object.entries(AWARD_FIELDS) as [AwardField, Department][]) {
    if (batch[field] === undefined || batch[field] === null) throw new Error(`${field}: missing from the sweep page`);
    for (const a of fromSweepRows(batch[field], SWEEP_AWARD_COLUMNS, field, ['householdId', 'endDate'])) {
      // An award of a household checked on an earlier page was counted there.
      if (!personIds.has(a.personId!) && !(a.householdId && region.has(a.householdId))) continue;
      awards.set(`${department}:${a.id}`, {
        department,
        id: a.id!,
        programme: a.programme!,
        personId: a.personId!,
        householdId: a.householdId,
        startDate: a.startDate!,
        endDate: a.endDate,
        frequency: a.frequency as RuleAward['frequency'],
        status: a.status as RuleAward['status'],
      });
    }
  }
  return { households, persons, awards: [...awards.values()].sort(AWARD_ORDER) };
}
