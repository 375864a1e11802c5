import { awardKey, dayAfter, intersect, isPaying, periodOf, type Period } from './dates.ts';
import { buildFinding, compareFindings } from './finding.ts';
import { lookupsFor, type Lookups } from './lookups.ts';
import { defaultRuleSet, type RuleSet } from './ruleSet.ts';
import type { Finding, Mode, RuleAward, RuleCode, RulePerson } from './types.ts';

export interface DetectInput {
  persons: readonly RulePerson[];
  awards: readonly RuleAward[];
  /** Defaults to `defaultRuleSet`. */
  ruleSet?: RuleSet;
  /** Defaults to `paying`. */
  mode?: Mode;
}

interface PayingAward {
  award: RuleAward;
  key: string;
  period: Period;
}

interface Context {
  lookups: Lookups;
  personById: ReadonlyMap<string, RulePerson>;
}

/**
 * The duplicate-aid findings among `awards` (SPEC section 7), sorted deterministically. Awards are
 * compared only within one person and, for household pairs, within one household, so a sweep is
 * linear in the number of awards apart from the (small) groups themselves.
 */
export function detectFindings({ persons, awards, ruleSet = defaultRuleSet, mode = 'paying' }: DetectInput): Finding[] {
  const ctx: Context = { lookups: lookupsFor(ruleSet), personById: indexPersons(persons) };
  const paying = payingAwards(awards, mode);
  const findings: Finding[] = [];

  for (const group of groupBy(paying, (p) => p.award.personId).values()) {
    forEachOverlappingPair(group, (a, b, overlap) => {
      const rule = personPairRule(a.award, b.award, ctx.lookups);
      if (rule) findings.push(pairFinding(rule, a, b, overlap, ctx));
    });
    for (const p of group) {
      const finding = afterDeathFinding(p, ctx);
      if (finding) findings.push(finding);
    }
  }

  // Between members of one household as civil affairs records it (not the award's householdId);
  // pairs of one member were judged above, where the person-scope rules take precedence.
  const householdAwards = paying.filter((p) => ctx.lookups.inHouseholdPair(p.award.programme));
  const byHousehold = groupBy(householdAwards, (p) => ctx.personById.get(p.award.personId)?.householdId ?? null);
  for (const group of byHousehold.values()) {
    forEachOverlappingPair(group, (a, b, overlap) => {
      if (a.award.personId === b.award.personId) return;
      if (!ctx.lookups.isHouseholdExclusive(a.award.programme, b.award.programme)) return;
      findings.push(pairFinding('HOUSEHOLD_EXCLUSIVE_PROGRAMMES', a, b, overlap, ctx));
    });
  }

  return findings.sort(compareFindings);
}

/** The first rule of the person scope a same-person pair matches, in order of precedence. */
function personPairRule(a: RuleAward, b: RuleAward, lookups: Lookups): RuleCode | null {
  if (a.programme === b.programme && !lookups.isRepeatable(a.programme)) return 'SAME_PROGRAMME_OVERLAP';
  if (lookups.isExclusive(a.programme, b.programme)) return 'EXCLUSIVE_PROGRAMMES';
  if (lookups.isHouseholdExclusive(a.programme, b.programme)) return 'HOUSEHOLD_EXCLUSIVE_PROGRAMMES';
  return null;
}

function pairFinding(rule: RuleCode, a: PayingAward, b: PayingAward, overlap: Period, ctx: Context): Finding {
  const definition = ctx.lookups.rule(rule);
  return buildFinding({
    rule,
    awards: [a.award, b.award],
    personIds: [a.award.personId, b.award.personId],
    householdId: householdOf(a.award, ctx) ?? householdOf(b.award, ctx),
    overlap,
    templates: { zh: definition.explanationZh, en: definition.explanationEn },
    personById: ctx.personById,
  });
}

/** Paid on a day after death: from the day after (or the award's start, if later) to the award's end. */
function afterDeathFinding(p: PayingAward, ctx: Context): Finding | null {
  const deathDate = ctx.personById.get(p.award.personId)?.deathDate ?? null;
  if (deathDate === null) return null;
  if (p.period.end !== null && p.period.end <= deathDate) return null;
  const firstDayAfter = dayAfter(deathDate);
  const overlap = { start: p.period.start > firstDayAfter ? p.period.start : firstDayAfter, end: p.period.end };
  const definition = ctx.lookups.rule('AWARD_AFTER_DEATH');
  return buildFinding({
    rule: 'AWARD_AFTER_DEATH',
    awards: [p.award],
    personIds: [p.award.personId],
    householdId: householdOf(p.award, ctx),
    overlap,
    templates: { zh: definition.explanationZh, en: definition.explanationEn },
    personById: ctx.personById,
    values: { zh: { deathDate }, en: { deathDate } },
  });
}

/** Civil affairs' household of the award's person; the award's own only when the person is unknown. */
function householdOf(award: RuleAward, ctx: Context): string | null {
  const person = ctx.personById.get(award.personId);
  return person ? person.householdId : award.householdId;
}

/** Calls `fn` once for each pair of the group whose periods overlap (sort by start, sweep). */
function forEachOverlappingPair(group: PayingAward[], fn: (a: PayingAward, b: PayingAward, overlap: Period) => void): void {
  if (group.length < 2) return;
  group.sort((x, y) => (x.period.start < y.period.start ? -1 : x.period.start > y.period.start ? 1 : x.key < y.key ? -1 : 1));
  for (let i = 0; i < group.length; i++) {
    const a = group[i]!;
    for (let j = i + 1; j < group.length; j++) {
      const b = group[j]!;
      // Later awards start no earlier than b, so none of them overlaps a either.
      if (a.period.end !== null && b.period.start > a.period.end) break;
      const overlap = intersect(a.period, b.period);
      if (overlap) fn(a, b, overlap);
    }
  }
}

const AWARD_FIELDS = ['programme', 'personId', 'householdId', 'startDate', 'endDate', 'frequency', 'status'] as const;

function payingAwards(awards: readonly RuleAward[], mode: Mode): PayingAward[] {
  const seen = new Map<string, RuleAward>();
  const paying: PayingAward[] = [];
  for (const award of awards) {
    const key = awardKey(award);
    const earlier = seen.get(key);
    if (earlier) {
      // The same record reached twice (e.g. through a household and through a member) is one award;
      // two different records under one key are a caller's bug, not a finding.
      if (AWARD_FIELDS.every((f) => earlier[f] === award[f])) continue;
      throw new Error(`award ${key} appears more than once, with different contents`);
    }
    seen.set(key, award);
    if (!isPaying(award, mode)) continue;
    const period = periodOf(award);
    if (period) paying.push({ award, key, period });
  }
  return paying;
}

export function indexPersons(persons: readonly RulePerson[]): Map<string, RulePerson> {
  const byId = new Map<string, RulePerson>();
  for (const person of persons) {
    const earlier = byId.get(person.id);
    if (earlier && (earlier.householdId !== person.householdId || earlier.deathDate !== person.deathDate)) {
      throw new Error(`person ${person.id} appears more than once, with different household or death date`);
    }
    if (!earlier) byId.set(person.id, person);
  }
  return byId;
}

export function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K | null): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === null) continue;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
