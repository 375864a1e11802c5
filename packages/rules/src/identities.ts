import { z } from 'zod';
import { parseResidentId } from '@saf/identity';
import identityRuleJson from '../identity-rule.json' with { type: 'json' };
import { awardKey, isPaying, periodOf } from './dates.ts';
import { groupBy, indexPersons } from './detect.ts';
import { joinList, personLabel } from './explain.ts';
import { buildFinding, byString, compareFindings } from './finding.ts';
import { normaliseName } from './names.ts';
import { basisSchema, formatIssues, templateSchema } from './ruleSet.ts';
import { DUPLICATE_IDENTITY_RULE, type Finding, type RuleAward, type RulePerson } from './types.ts';

const identityRuleSchema = z.strictObject({
  code: z.literal(DUPLICATE_IDENTITY_RULE),
  nameZh: z.string().min(1),
  nameEn: z.string().min(1),
  explanationZh: templateSchema(['persons', 'prefecture', 'departments']),
  explanationEn: templateSchema(['persons', 'prefecture', 'departments']),
  basis: basisSchema,
});

const parsedRule = identityRuleSchema.safeParse(identityRuleJson);
if (!parsedRule.success) throw new Error(`invalid identity-rule.json:\n${formatIssues(parsedRule.error)}`);
/** Texts and policy basis of the duplicate-identity rule (`identity-rule.json`). */
export const duplicateIdentityRule = parsedRule.data;

/** Name, birth date, gender and prefecture, or null when the person lacks any of them. */
function identityKey(person: RulePerson): string | null {
  const fromId = parseResidentId(person.id);
  const birthDate = person.birthDate ?? (fromId.ok ? fromId.value.birthDate : undefined);
  const gender = person.gender ?? (fromId.ok ? fromId.value.gender : undefined);
  const name = person.name === undefined ? '' : normaliseName(person.name);
  const prefecture = person.regionCode?.slice(0, 4) ?? '';
  if (!name || !birthDate || !gender || !/^\d{4}$/.test(prefecture)) return null;
  return [prefecture, name, birthDate, gender.toUpperCase()].join('|');
}

/**
 * Leads for one person registered under two ID numbers: different IDs with the same normalised
 * name, birth date and gender in one prefecture (first 4 digits of `regionCode`), each with at
 * least one paying award. One finding per pair of persons; its id comes from the person IDs, so it
 * survives changes to their awards. Kept apart from `detectFindings`: it judges identities, not awards.
 */
export function detectPossibleDuplicateIdentities(persons: readonly RulePerson[], awards: readonly RuleAward[]): Finding[] {
  const personById = indexPersons(persons);
  // One award reached twice (through a household and a member) is one award.
  const unique = new Map(awards.map((a) => [awardKey(a), a]));
  const payingByPerson = groupBy(
    [...unique.values()].filter((a) => isPaying(a, 'paying') && periodOf(a) !== null),
    (a) => a.personId,
  );
  const candidates = [...personById.values()].filter((p) => payingByPerson.has(p.id));
  const findings: Finding[] = [];
  for (const group of groupBy(candidates, identityKey).values()) {
    group.sort((a, b) => byString(a.id, b.id));
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        findings.push(identityFinding(group[i]!, group[j]!, payingByPerson, personById));
      }
    }
  }
  return findings.sort(compareFindings);
}

function identityFinding(
  a: RulePerson,
  b: RulePerson,
  payingByPerson: ReadonlyMap<string, RuleAward[]>,
  personById: ReadonlyMap<string, RulePerson>,
): Finding {
  const labels = [a, b].map((p) => ({ zh: `${personLabel(p.id, p)}（${p.id}）`, en: `${personLabel(p.id, p)} (${p.id})` }));
  const prefecture = (a.regionCode ?? '').slice(0, 4);
  const awards = [...(payingByPerson.get(a.id) ?? []), ...(payingByPerson.get(b.id) ?? [])];
  return buildFinding({
    rule: DUPLICATE_IDENTITY_RULE,
    awards: awards.sort((x, y) => byString(awardKey(x), awardKey(y))),
    personIds: [a.id, b.id],
    householdId: a.householdId !== null && a.householdId === b.householdId ? a.householdId : null,
    overlap: null,
    templates: { zh: duplicateIdentityRule.explanationZh, en: duplicateIdentityRule.explanationEn },
    personById,
    // Civil affairs keeps the person records, so it is always among those to contact.
    extraDepartments: ['CIVIL_AFFAIRS'],
    identityKeys: [a.id, b.id],
    values: {
      zh: { persons: joinList(labels.map((l) => l.zh), 'zh'), prefecture },
      en: { persons: joinList(labels.map((l) => l.en), 'en'), prefecture },
    },
  });
}
