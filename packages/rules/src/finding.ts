import { createHash } from 'node:crypto';
import { awardKey, type Period } from './dates.ts';
import { sortDepartments } from './departments.ts';
import { departmentsText, joinList, periodText, personLabel, programmesText, render, type Lang } from './explain.ts';
import { RULE_CODES, type Finding, type FindingRule, type RuleAward, type RulePerson } from './types.ts';

/**
 * Stable identity: the same rule over the same awards (or persons) is the same finding in every
 * run, whatever order the input came in, so a re-run never duplicates it and a review sticks.
 */
export function findingId(rule: FindingRule, keys: readonly string[]): string {
  const digest = createHash('sha256').update(`${rule}\n${[...keys].sort().join('\n')}`).digest('hex');
  return `F-${digest.slice(0, 16)}`;
}

export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface FindingParts {
  rule: FindingRule;
  awards: readonly RuleAward[];
  personIds: readonly string[];
  householdId: string | null;
  overlap: Period | null;
  templates: { zh: string; en: string };
  personById: ReadonlyMap<string, RulePerson>;
  /** Placeholder values beyond the ones every finding has, or replacing them. */
  values?: Record<Lang, Record<string, string>>;
  /** Departments to contact beyond those of the awards. */
  extraDepartments?: readonly string[];
  /** What the id is derived from, when not the award keys. */
  identityKeys?: readonly string[];
}

export function buildFinding(parts: FindingParts): Finding {
  const awards = [...parts.awards].sort((a, b) => byString(awardKey(a), awardKey(b)));
  const awardKeys = awards.map(awardKey);
  const finding: Finding = {
    id: findingId(parts.rule, parts.identityKeys ?? awardKeys),
    rule: parts.rule,
    householdId: parts.householdId,
    personIds: [...new Set(parts.personIds)].sort(byString),
    awardIds: awards.map((a) => a.id),
    awardKeys,
    departments: sortDepartments([...awards.map((a) => a.department), ...(parts.extraDepartments ?? [])]),
    programmes: awards.map((a) => a.programme),
    overlapStart: parts.overlap?.start ?? null,
    overlapEnd: parts.overlap?.end ?? null,
    explanation: '',
    explanationEn: '',
  };
  finding.explanation = render(parts.templates.zh, { ...commonValues(finding, parts, 'zh'), ...parts.values?.zh });
  finding.explanationEn = render(parts.templates.en, { ...commonValues(finding, parts, 'en'), ...parts.values?.en });
  return finding;
}

function commonValues(finding: Finding, parts: FindingParts, lang: Lang): Record<string, string> {
  return {
    persons: joinList(finding.personIds.map((id) => personLabel(id, parts.personById.get(id))), lang),
    programmes: programmesText(finding.programmes, lang),
    departments: departmentsText(finding.departments, lang),
    period: parts.overlap ? periodText(parts.overlap, lang) : '',
    household: finding.householdId ?? (lang === 'zh' ? '（未登记）' : '(not registered)'),
  };
}

const ruleRank = (rule: FindingRule): number => {
  const index = (RULE_CODES as readonly string[]).indexOf(rule);
  return index === -1 ? RULE_CODES.length : index;
};

/** Deterministic order: by household (unknown last), person, rule precedence, start of overlap, awards. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.householdId !== b.householdId) {
    if (a.householdId === null) return 1;
    if (b.householdId === null) return -1;
    return byString(a.householdId, b.householdId);
  }
  return (
    byString(a.personIds.join(','), b.personIds.join(',')) ||
    ruleRank(a.rule) - ruleRank(b.rule) ||
    byString(a.overlapStart ?? '', b.overlapStart ?? '') ||
    byString(a.awardKeys.join(','), b.awardKeys.join(',')) ||
    byString(a.id, b.id)
  );
}
