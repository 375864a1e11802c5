import { awardKey } from './dates.ts';
import { detectFindings } from './detect.ts';
import type { RuleSet } from './ruleSet.ts';
import type { Finding, RuleAward, RulePerson } from './types.ts';

export interface ProposalInput {
  /** The award a department is about to grant (usually PENDING). */
  proposed: RuleAward;
  persons: readonly RulePerson[];
  /** Awards already on record; one with the proposed award's key is replaced by it. */
  awards: readonly RuleAward[];
  ruleSet?: RuleSet;
}

/**
 * The findings the proposed award would raise, judged in proposal mode (PENDING awards pay), so a
 * caseworker sees the conflict before granting it. Only the person and their household matter.
 */
export function checkProposal({ proposed, persons, awards, ruleSet }: ProposalInput): Finding[] {
  const key = awardKey(proposed);
  const householdId = persons.find((p) => p.id === proposed.personId)?.householdId ?? null;
  const related = new Set([proposed.personId]);
  if (householdId !== null) for (const p of persons) if (p.householdId === householdId) related.add(p.id);
  const candidates = awards.filter((a) => related.has(a.personId) && awardKey(a) !== key);
  return detectFindings({
    persons: persons.filter((p) => related.has(p.id)),
    awards: [...candidates, proposed],
    ...(ruleSet ? { ruleSet } : {}),
    mode: 'proposal',
  }).filter((f) => f.awardKeys.includes(key));
}
