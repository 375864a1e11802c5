/**
 * An independent, brute-force reading of SPEC section 7 (and the duplicate-identity rule) over a
 * generated file: every pair of awards of one person, and of one household, compared directly.
 * Written from the specification, not from the generator's or the rules package's code; only
 * names are compared with the rule's own nameKey (its tables are the definition of one name).
 */
import type { AwardRecord, InterchangeRecord, PersonRecord } from '@saf/interchange';
import { programme } from '@saf/programmes';
import { nameKey } from '@saf/rules';

export interface Finding {
  rule: string;
  personIds: string[];
  awardIds: string[];
  householdId: string | null;
  overlapStart: string | null;
  overlapEnd: string | null;
}

const EXCLUSIVE = [
  'MINIMUM_LIVING_URBAN|MINIMUM_LIVING_RURAL',
  'MINIMUM_LIVING_URBAN|EXTREME_POVERTY_CENTRALIZED',
  'MINIMUM_LIVING_URBAN|EXTREME_POVERTY_DISPERSED',
  'MINIMUM_LIVING_RURAL|EXTREME_POVERTY_CENTRALIZED',
  'MINIMUM_LIVING_RURAL|EXTREME_POVERTY_DISPERSED',
  'EXTREME_POVERTY_CENTRALIZED|EXTREME_POVERTY_DISPERSED',
  'EXTREME_POVERTY_CENTRALIZED|DISABILITY_LIVING_SUBSIDY',
  'EXTREME_POVERTY_DISPERSED|DISABILITY_LIVING_SUBSIDY',
  'EXTREME_POVERTY_CENTRALIZED|RENTAL_SUBSIDY',
  'EXTREME_POVERTY_CENTRALIZED|LOW_RENT_HOUSING',
];
const HOUSEHOLD = ['LOW_RENT_HOUSING|RENTAL_SUBSIDY', 'LOW_RENT_HOUSING|LOW_RENT_HOUSING', 'RENTAL_SUBSIDY|RENTAL_SUBSIDY'];
const inPairs = (pairs: string[], a: string, b: string) => pairs.includes(`${a}|${b}`) || pairs.includes(`${b}|${a}`);

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

interface Paying {
  award: AwardRecord;
  start: string;
  end: string | null;
}

function paying(a: AwardRecord): Paying | null {
  if (a.status !== 'ACTIVE' && a.status !== 'ENDED') return null;
  const end = a.frequency === 'ONCE' ? (a.endDate ?? a.startDate) : (a.endDate ?? null);
  return { award: a, start: a.startDate, end };
}

function overlap(a: Paying, b: Paying): { start: string; end: string | null } | null {
  const aStartsInTime = b.end === null || a.start <= b.end;
  const bStartsInTime = a.end === null || b.start <= a.end;
  if (!aStartsInTime || !bStartsInTime) return null;
  const start = a.start > b.start ? a.start : b.start;
  const end = a.end === null ? b.end : b.end === null ? a.end : a.end < b.end ? a.end : b.end;
  return { start, end };
}

export function bruteForceFindings(records: readonly InterchangeRecord[]): Finding[] {
  const persons = new Map<string, PersonRecord>();
  const householdRegion = new Map<string, string>();
  const awards: Paying[] = [];
  for (const r of records) {
    if (r.type === 'person') persons.set(r.id, r);
    if (r.type === 'household') householdRegion.set(r.id, r.regionCode);
    if (r.type === 'award') {
      const p = paying(r);
      if (p) awards.push(p);
    }
  }
  const householdOf = (personId: string) => persons.get(personId)?.householdId ?? null;
  const findings: Finding[] = [];
  const finding = (rule: string, list: Paying[], period: { start: string; end: string | null } | null): Finding => ({
    rule,
    personIds: [...new Set(list.map((p) => p.award.personId))].sort(),
    awardIds: list.map((p) => p.award.id).sort(),
    householdId: householdOf(list[0]!.award.personId),
    overlapStart: period?.start ?? null,
    overlapEnd: period?.end ?? null,
  });

  const byPerson = new Map<string, Paying[]>();
  const byHousehold = new Map<string, Paying[]>();
  for (const p of awards) {
    byPerson.set(p.award.personId, [...(byPerson.get(p.award.personId) ?? []), p]);
    const h = householdOf(p.award.personId);
    if (h !== null) byHousehold.set(h, [...(byHousehold.get(h) ?? []), p]);
  }
  for (const list of byPerson.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i]!;
        const b = list[j]!;
        const o = overlap(a, b);
        if (!o) continue;
        const pa = a.award.programme;
        const pb = b.award.programme;
        if (pa === pb && !programme(pa)!.repeatable) findings.push(finding('SAME_PROGRAMME_OVERLAP', [a, b], o));
        else if (inPairs(EXCLUSIVE, pa, pb)) findings.push(finding('EXCLUSIVE_PROGRAMMES', [a, b], o));
        else if (inPairs(HOUSEHOLD, pa, pb)) findings.push(finding('HOUSEHOLD_EXCLUSIVE_PROGRAMMES', [a, b], o));
      }
    }
    for (const a of list) {
      const death = persons.get(a.award.personId)?.deathDate;
      if (!death || (a.end !== null && a.end <= death)) continue;
      const after = nextDay(death);
      findings.push(finding('AWARD_AFTER_DEATH', [a], { start: a.start > after ? a.start : after, end: a.end }));
    }
  }
  for (const list of byHousehold.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i]!;
        const b = list[j]!;
        if (a.award.personId === b.award.personId || !inPairs(HOUSEHOLD, a.award.programme, b.award.programme)) continue;
        const o = overlap(a, b);
        if (o) findings.push(finding('HOUSEHOLD_EXCLUSIVE_PROGRAMMES', [a, b], o));
      }
    }
  }

  // POSSIBLE_DUPLICATE_IDENTITY: same name key, birth date, gender and prefecture, both drawing aid.
  const aided = new Set(awards.map((p) => p.award.personId));
  const byKey = new Map<string, PersonRecord[]>();
  for (const p of persons.values()) {
    if (!aided.has(p.id)) continue;
    const key = [householdRegion.get(p.householdId)!.slice(0, 4), nameKey(p.name), p.birthDate, p.gender].join('|');
    byKey.set(key, [...(byKey.get(key) ?? []), p]);
  }
  for (const group of byKey.values()) {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const [a, b] = [group[i]!, group[j]!];
        findings.push({
          rule: 'POSSIBLE_DUPLICATE_IDENTITY',
          personIds: [a.id, b.id].sort(),
          awardIds: [],
          householdId: a.householdId === b.householdId ? a.householdId : null,
          overlapStart: null,
          overlapEnd: null,
        });
      }
    }
  }
  return findings;
}

/** Findings as comparable, sorted strings. */
export function canonical(findings: readonly Finding[]): string[] {
  return findings
    .map((f) => JSON.stringify([f.rule, f.householdId, f.personIds, f.awardIds, f.overlapStart, f.overlapEnd]))
    .sort();
}
