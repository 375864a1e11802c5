import { detectFindings, type Finding, type RuleAward, type RulePerson } from '@saf/rules';
import { recordLive, standingFindingsOfPersons } from './db/findings.ts';
import type { Context } from './context.ts';
import { gatherAwards, rulePersons, type HouseholdFacts, type PersonRepresentation } from './requires.ts';

/** A finding as the graph serves it: the live computation with its stored status and history. */
export async function withStatus(ctx: Context, found: Finding[], regionCode: string) {
  await recordLive(ctx.db, found.map((f) => ({ ...f, regionCode })));
  const stored = await ctx.loaders.finding.loadMany(found.map((f) => f.id));
  return found.map((f, i) => {
    const row = stored[i];
    const known = row && !(row instanceof Error) ? row : null;
    return { ...f, regionCode: regionCode || null, status: known?.status ?? 'OPEN', firstSeenAt: known?.firstSeenAt ?? null, goneAt: null };
  });
}

export async function householdFindings(ctx: Context, household: HouseholdFacts) {
  const { ruleSet } = await ctx.rules.current();
  const found = detectFindings({ persons: rulePersons(household), awards: gatherAwards([household, ...(household.members ?? [])]), ruleSet, mode: 'paying' });
  return withStatus(ctx, found, household.regionCode ?? '');
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
  const live = await withStatus(ctx, found, household?.regionCode ?? '');
  // Duplicate identities span households: only a sweep sees them; show the standing ones.
  const identities = await standingFindingsOfPersons(ctx.db, 'POSSIBLE_DUPLICATE_IDENTITY', [person.id]);
  return [...live, ...identities];
}
