import type { Caller } from '@saf/auth';
import { awardKey, detectFindings, type Finding, type RuleAward, type RulePerson } from '@saf/rules';
import { assertPersonLevel } from '@saf/service';
import { recordLive, standingFindingsOfPersons } from './db/findings.ts';
import type { Context } from './context.ts';
import { findingFor, partiesOf, type FindingData, type FindingView, type ViewContext } from './findingView.ts';
import { gatherAwards, rulePersons, type HouseholdFacts, type PersonFacts, type PersonRepresentation } from './requires.ts';

/** A finding as the graph serves it: the live computation with its stored status and history. */
export async function withStatus(ctx: Context, found: Finding[], regionCode: string, awards: readonly RuleAward[]) {
  const owner = new Map(awards.map((a) => [awardKey(a), a.personId]));
  // Found live, every person is of the one household asked about (or has none).
  const withParties = found.map((f) => ({ ...f, regionCode, parties: partiesOf(f, (k) => owner.get(k), () => regionCode) }));
  await recordLive(ctx.db, withParties);
  const stored = await ctx.loaders.finding.loadMany(found.map((f) => f.id));
  return withParties.map((f, i) => {
    const row = stored[i];
    const known = row && !(row instanceof Error) ? row : null;
    return { ...f, regionCode: regionCode || null, status: known?.status ?? 'OPEN', firstSeenAt: known?.firstSeenAt ?? null, goneAt: null };
  });
}

/**
 * What the caller sees of findings on a person or household civil affairs has just shown them:
 * its members are no secret to them; anyone else in a finding is `findingFor`'s to decide.
 */
export function asSeenBy(ctx: Context, findings: FindingData[], members: readonly PersonFacts[], viewer?: Caller): FindingView[] {
  const caller = viewer ?? assertPersonLevel(ctx.caller);
  const view: ViewContext = {
    seen: new Set(members.map((m) => m.id)),
    names: new Map(members.flatMap((m) => (m.name ? [[m.id, m.name] as const] : []))),
  };
  return findings.flatMap((f) => findingFor(caller, f, ctx.maskKey, view) ?? []);
}

export async function householdFindings(ctx: Context, household: HouseholdFacts) {
  const { ruleSet } = await ctx.rules.current();
  const awards = gatherAwards([household, ...(household.members ?? [])]);
  const found = detectFindings({ persons: rulePersons(household), awards, ruleSet, mode: 'paying' });
  return asSeenBy(ctx, await withStatus(ctx, found, household.regionCode ?? '', awards), household.members ?? []);
}

export async function personFindings(ctx: Context, person: PersonRepresentation) {
  const { ruleSet } = await ctx.rules.current();
  const household = person.household;
  let persons: RulePerson[];
  let awards: RuleAward[];
  if (household) {
    persons = rulePersons(household);
    awards = gatherAwards([person, household, ...(household.members ?? [])]);
  } else {
    persons = [{ id: person.id, householdId: null, deathDate: person.deathDate ?? null }];
    awards = gatherAwards([person]);
  }
  const found = detectFindings({ persons, awards, ruleSet, mode: 'paying' }).filter((f) => f.personIds.includes(person.id));
  const live = await withStatus(ctx, found, household?.regionCode ?? '', awards);
  // Duplicate identities span households: only a sweep sees them; show the standing ones, each
  // as far as this caller may see the other person, who may well live in another county.
  const identities = await standingFindingsOfPersons(ctx.db, 'POSSIBLE_DUPLICATE_IDENTITY', [person.id]);
  return asSeenBy(ctx, [...live, ...identities], [person, ...(household?.members ?? [])]);
}
