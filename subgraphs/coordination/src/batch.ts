import { SWEEP_AWARD_COLUMNS, SWEEP_HOUSEHOLD_COLUMNS, SWEEP_PERSON_COLUMNS, columnIndex, sweepRowsOf } from '@saf/interchange';
import type { Department } from '@saf/programmes';
import type { RuleAward, RulePerson } from '@saf/rules';
import { AWARD_FIELDS, type AwardField } from './requires.ts';

/** A page of a sweep as the gateway answers `_internalSweepBatch` (see queries.ts). */
export type SweepBatchAnswer = {
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

const H = columnIndex(SWEEP_HOUSEHOLD_COLUMNS);
const P = columnIndex(SWEEP_PERSON_COLUMNS);
const A = columnIndex(SWEEP_AWARD_COLUMNS);

/**
 * What the rules need from a sweep page: its households (less any already checked on an earlier
 * page), their members as civil affairs records them, and every department's awards of those
 * members and households. Throws naming the part that is not what was asked for;
 * a department that did not answer has failed the request before this (see graph.ts). Reads the
 * rows by column position (checked against the names first): a page holds tens of thousands.
 */
export function readSweepBatch(batch: SweepBatchAnswer, seen: { has(id: string): boolean }): BatchFacts {
  const { households, persons, personIds, region } = readSweepHouseholds(batch, seen);
  // Each award once: a department lists an award once however it matched, and awards of different
  // departments are different awards. Not sorted: the rules order what they find themselves.
  const awards: RuleAward[] = [];
  for (const [field, department] of Object.entries(AWARD_FIELDS) as [AwardField, Department][]) {
    if (batch[field] === undefined || batch[field] === null) throw new Error(`${field}: missing from the sweep page`);
    for (const a of sweepRowsOf(batch[field], SWEEP_AWARD_COLUMNS, field, ['householdId', 'endDate'])) {
      const householdId = a[A.householdId] ?? null;
      // An award of a household checked on an earlier page was counted there.
      if (!personIds.has(a[A.personId]!) && !(householdId !== null && region.has(householdId))) continue;
      awards.push({
        department,
        id: a[A.id]!,
        programme: a[A.programme]!,
        personId: a[A.personId]!,
        householdId,
        startDate: a[A.startDate]!,
        endDate: a[A.endDate] ?? null,
        frequency: a[A.frequency] as RuleAward['frequency'],
        status: a[A.status] as RuleAward['status'],
      });
    }
  }
  return { households, persons, awards };
}

/**
 * A page of a sweep by streams: its households and members as `readSweepBatch` reads them, and
 * their awards from what the departments streamed (`take`: those of the members and those
 * recorded against the households, each once), the same awards a page by id is answered with.
 */
export function readStreamedPage(batch: SweepBatchAnswer, seen: { has(id: string): boolean }, take: (personIds: Iterable<string>, householdIds: Iterable<string>) => RuleAward[]): BatchFacts {
  const { households, persons, personIds, region } = readSweepHouseholds(batch, seen);
  return { households, persons, awards: take(personIds, region.keys()) };
}

/** A page's households not seen on an earlier page, and their members as civil affairs records them. */
function readSweepHouseholds(batch: Pick<SweepBatchAnswer, 'households' | 'persons'>, seen: { has(id: string): boolean }) {
  const households: BatchFacts['households'] = [];
  const region = new Map<string, string>();
  for (const h of sweepRowsOf(batch.households, SWEEP_HOUSEHOLD_COLUMNS, 'households')) {
    const id = h[H.id]!;
    if (seen.has(id)) continue;
    households.push({ id, regionCode: h[H.regionCode]! });
    region.set(id, h[H.regionCode]!);
  }
  const persons: RulePerson[] = [];
  const personIds = new Set<string>();
  for (const p of sweepRowsOf(batch.persons, SWEEP_PERSON_COLUMNS, 'persons', ['deathDate'])) {
    const householdId = p[P.householdId]!;
    const regionCode = region.get(householdId);
    if (regionCode === undefined) continue;
    personIds.add(p[P.id]!);
    persons.push({ id: p[P.id]!, householdId, deathDate: p[P.deathDate] ?? null, name: p[P.name]!, birthDate: p[P.birthDate]!, gender: p[P.gender]!, regionCode });
  }
  return { households, persons, personIds, region };
}
