import { z } from 'zod';
import { parseResidentId } from '@saf/identity';
import identityRuleJson from '../identity-rule.json' with { type: 'json' };
import { awardKey, isPaying, periodOf } from './dates.ts';
import { joinList, personLabel } from './explain.ts';
import { buildFinding, byString, compareFindings } from './finding.ts';
import { nameKey } from './nameKey.ts';
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

/**
 * Name key (one for the name in any script: nameKey), birth date, gender and prefecture, or null
 * when the person lacks any of them. Built once per person; persons pair when their keys are equal.
 */
function identityKey(person: RulePerson): string | null {
  let { birthDate, gender } = person;
  if (birthDate == null || gender == null) {
    // Only when civil affairs left them out: the ID number carries both.
    const fromId = parseResidentId(person.id);
    birthDate ??= fromId.ok ? fromId.value.birthDate : undefined;
    gender ??= fromId.ok ? fromId.value.gender : undefined;
  }
  const name = person.name === undefined ? '' : nameKey(person.name);
  const prefecture = person.regionCode?.slice(0, 4) ?? '';
  if (!name || !birthDate || !gender || !/^\d{4}$/.test(prefecture)) return null;
  return `${prefecture}|${name}|${birthDate}|${gender.toUpperCase()}`;
}

/**
 * Leads for one person registered under two ID numbers: different IDs with the same name (in
 * whatever script each office wrote it: nameKey), birth date and gender in one prefecture (first
 * 4 digits of `regionCode`), each with at least one paying award. One finding per pair of persons; its id comes from the person IDs, so it
 * survives changes to their awards. Kept apart from `detectFindings`: it judges identities, not awards.
 */
export function detectPossibleDuplicateIdentities(persons: readonly RulePerson[], awards: readonly RuleAward[]): Finding[] {
  const leads = new IdentityLeads();
  leads.add(persons, awards);
  return leads.findings();
}

/**
 * `detectPossibleDuplicateIdentities` over persons and awards given a part at a time (a sweep's
 * pages): `findings()` answers what it would answer for everything added, in any order and split
 * however. Each part's share of the work (the persons' identity keys) is done as it is added, so a
 * sweep does it while later pages are on their way, and only the pairing is left for the end.
 */
export class IdentityLeads {
  private readonly personById = new Map<string, RulePerson>();
  /** The awards as given (kept, not copied): only those of persons who can pair are looked at, at the end. */
  private readonly awardParts: (readonly RuleAward[])[] = [];
  /** Persons by identity key, in the order first seen. */
  private readonly byIdentity = new Map<string, RulePerson[]>();
  /** Whose each award of the last `findings()` is, by award key (`department:id`). */
  private owners = new Map<string, string>();

  /** Adds a part. The awards array is kept as it is, not copied: it must not change afterwards. */
  add(persons: readonly RulePerson[], awards: readonly RuleAward[]): void {
    for (const person of persons) {
      const earlier = this.personById.get(person.id);
      if (earlier) {
        if (earlier.householdId !== person.householdId || earlier.deathDate !== person.deathDate) {
          throw new Error(`person ${person.id} appears more than once, with different household or death date`);
        }
        continue;
      }
      this.personById.set(person.id, person);
      const key = identityKey(person);
      if (key === null) continue;
      const group = this.byIdentity.get(key);
      if (group) group.push(person);
      else this.byIdentity.set(key, [person]);
    }
    this.awardParts.push(awards);
  }

  findings(): Finding[] {
    // Only persons who share an identity key with someone can pair: their paying awards only.
    const shared = new Set<string>();
    for (const group of this.byIdentity.values()) if (group.length > 1) for (const p of group) shared.add(p.id);
    // One award reached twice (through a household and a member, or on two pages) is one award.
    const unique = new Map<string, RuleAward>();
    for (const part of this.awardParts) for (const a of part) if (shared.has(a.personId)) unique.set(awardKey(a), a);
    this.owners = new Map([...unique].map(([key, a]) => [key, a.personId]));
    const payingByPerson = new Map<string, RuleAward[]>();
    for (const a of unique.values()) {
      if (!isPaying(a, 'paying') || periodOf(a) === null) continue;
      const list = payingByPerson.get(a.personId);
      if (list) list.push(a);
      else payingByPerson.set(a.personId, [a]);
    }
    const findings: Finding[] = [];
    for (const persons of this.byIdentity.values()) {
      if (persons.length < 2) continue;
      const group = persons.filter((p) => payingByPerson.has(p.id)).sort((a, b) => byString(a.id, b.id));
      for (let i = 0; i < group.length; i++) {
        for (let j = i + 1; j < group.length; j++) {
          findings.push(identityFinding(group[i]!, group[j]!, payingByPerson, this.personById));
        }
      }
    }
    return findings.sort(compareFindings);
  }

  /**
   * The person each award of the last `findings()` was paid to, by award key: a finding names
   * two persons and both their awards, and who sees one person must not see the other's.
   */
  awardOwner(key: string): string | undefined {
    return this.owners.get(key);
  }
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
