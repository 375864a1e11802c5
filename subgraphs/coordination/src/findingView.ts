import { createHmac } from 'node:crypto';
import type { Caller } from '@saf/auth';
import { DUPLICATE_IDENTITY_RULE, departmentsText, joinList, sortDepartments, type Finding } from '@saf/rules';
import { inJurisdiction, isBound } from '@saf/service';

/**
 * The one place that decides what of a duplicate-aid finding a caller may see, used by every
 * path that answers with findings (Person/Household.duplicateAidFindings, the stored lists,
 * `duplicateAidFinding`, `checkProposedAward`, the review's answer, and the history through it).
 *
 * A finding may involve persons the caller may not see: a duplicate identity pairs a person with
 * someone registered in another county. The caller then gets the finding without them: their ID
 * out of `personIds`, their awards out of `awardIds`/`awardKeys`/`programmes`/`departments`, no
 * household number, no reviewers' notes (which may name them), an explanation written for this
 * caller that says where the other person is registered and whom to contact, those places in
 * `outsideJurisdiction`, and an `id` of its own (a finding's id is a hash of what it is about,
 * and from a person's ID it would give the other's away after a few thousand guesses).
 */

/** A person of a finding, as stored with it: where they lived when it was found, and which of its awards are theirs. */
export interface Party {
  personId: string;
  /** Region code of the person's household; null when not known (no household). */
  regionCode: string | null;
  /** Award keys (`department:id`) of the finding paid to this person. */
  awardKeys: string[];
}

/** A finding as the graph serves it, before this module decides what a caller may see of it. */
export interface FindingData {
  id: string;
  rule: string;
  householdId: string | null;
  personIds: string[];
  awardIds: string[];
  awardKeys: string[];
  departments: string[];
  programmes: string[];
  overlapStart: string | null;
  overlapEnd: string | null;
  explanation: string;
  explanationEn: string;
  regionCode?: string | null;
  /** Null for findings stored before parties were kept: see `visiblePersons` for what is assumed. */
  parties?: Party[] | null;
  status: string;
  firstSeenAt?: string | null;
  goneAt?: string | null;
  history?: unknown[];
}

export type FindingView = FindingData & {
  /** County codes of the civil affairs offices to contact about persons the caller may not see. */
  outsideJurisdiction: string[];
  /** True when something was withheld from this caller (the history's notes are then withheld too). */
  masked: boolean;
  /** The finding's own id (a masked copy's `id` is another): for its history, never served. */
  storedId: string;
};

/** What the answer at hand already shows the caller, so that the finding need not withhold it. */
export interface ViewContext {
  /** Persons civil affairs has just shown the caller (the members of the household asked about). */
  seen?: ReadonlySet<string>;
  /** Their names, for the explanation. */
  names?: ReadonlyMap<string, string>;
}

/** The persons of a finding found with these awards and places (when it is found or swept). */
export function partiesOf(finding: Finding, ownerOf: (awardKey: string) => string | undefined, regionOf: (personId: string) => string | null | undefined): Party[] {
  return finding.personIds.map((personId) => ({ personId, regionCode: regionOf(personId) || null, awardKeys: finding.awardKeys.filter((k) => ownerOf(k) === personId) }));
}

/** An officer's own department's awards among these keys. */
const paysAny = (department: string, keys: readonly string[]) => keys.some((k) => k.startsWith(`${department}:`));

/**
 * Whether the caller may see each person of the finding: the coordination office without a
 * region sees all; anyone else a person the answer already shows them, one living in their
 * jurisdiction, and, for an officer, one their department pays in the finding (or a member of the
 * household the finding is about, when it pays one of them: civil affairs shows them the whole
 * household then). Rows without parties (stored before): every person lived in the finding's
 * household and region, except for duplicate identities, whose other person's place is unknown.
 */
function visiblePersons(caller: Caller, f: FindingData, view: ViewContext): Set<string> {
  if (!isBound(caller)) return new Set(f.personIds);
  const identity = f.rule === DUPLICATE_IDENTITY_RULE;
  const officer = caller.role === 'DEPARTMENT_OFFICER' ? caller.department : undefined;
  const householdPaid = !!officer && !!f.householdId && !!f.parties?.some((p) => paysAny(officer, p.awardKeys));
  const visible = new Set<string>();
  for (const personId of f.personIds) {
    const party = f.parties?.find((p) => p.personId === personId);
    const region = party ? party.regionCode : identity ? null : f.regionCode;
    const byOfficer = !!officer && (party ? paysAny(officer, party.awardKeys) || householdPaid : !identity && !f.parties && f.departments.includes(officer));
    if (view.seen?.has(personId) || (region && inJurisdiction(caller, region)) || byOfficer) visible.add(personId);
  }
  return visible;
}

/**
 * What `caller` may see of `finding`: the finding itself when they may see everyone in it, a
 * masked copy when they may see some, null when none. `maskKey` keys the ids of masked copies.
 */
export function findingFor(caller: Caller, finding: FindingData, maskKey: Buffer, view: ViewContext = {}): FindingView | null {
  const visible = visiblePersons(caller, finding, view);
  if (visible.size === 0) return null;
  const hidden = finding.personIds.filter((id) => !visible.has(id));
  if (!hidden.length) return { ...finding, outsideJurisdiction: [], masked: false, storedId: finding.id };

  const owner = new Map<string, string>();
  for (const p of finding.parties ?? []) for (const k of p.awardKeys) owner.set(k, p.personId);
  // An award of unknown owner is withheld: it may be the other person's.
  const kept = finding.awardKeys.flatMap((key, i) => (visible.has(owner.get(key) ?? '') ? [i] : []));
  const places = new Set<string>();
  for (const id of hidden) {
    const region = finding.parties?.find((p) => p.personId === id)?.regionCode ?? finding.regionCode ?? null;
    places.add(region ? region.slice(0, 6) : '');
  }
  const outsideJurisdiction = [...places].filter(Boolean).sort();
  const awardDepartments = kept.map((i) => finding.awardKeys[i]!.split(':')[0]!);
  // Civil affairs keeps the person records: its office where the other person lives is whom to ask.
  const departments = sortDepartments([...awardDepartments, 'CIVIL_AFFAIRS']);
  const shown = finding.personIds.filter((id) => visible.has(id));
  const text = explain(finding.rule, shown, hidden.length, outsideJurisdiction, departments, view.names);
  return {
    ...finding,
    id: maskedId(maskKey, finding.id),
    householdId: null,
    personIds: shown,
    awardIds: kept.map((i) => finding.awardIds[i]!),
    awardKeys: kept.map((i) => finding.awardKeys[i]!),
    programmes: kept.map((i) => finding.programmes[i]!),
    departments,
    // Never served (no such field), but nothing of the others stays on the object either.
    parties: finding.parties?.filter((p) => visible.has(p.personId)) ?? null,
    explanation: text.zh,
    explanationEn: text.en,
    outsideJurisdiction,
    masked: true,
    storedId: finding.id,
  };
}

/** A masked copy's id: stable, and no way back to the finding's (keyed with the service's secret). */
export function maskedId(key: Buffer, id: string): string {
  return `FM-${createHmac('sha256', key).update(id).digest('hex').slice(0, 16)}`;
}

function explain(rule: string, shown: string[], hiddenCount: number, places: string[], departments: string[], names?: ReadonlyMap<string, string>): { zh: string; en: string } {
  const label = (id: string, lang: 'zh' | 'en') => {
    const name = names?.get(id)?.trim();
    return name ? (lang === 'zh' ? `${name}（${id}）` : `${name} (${id})`) : id;
  };
  const who = { zh: joinList(shown.map((id) => label(id, 'zh')), 'zh'), en: joinList(shown.map((id) => label(id, 'en')), 'en') };
  const where = { zh: places.length ? joinList(places, 'zh') : '其他地区', en: places.length ? joinList(places, 'en') : 'another region' };
  const others = departments.filter((d) => d !== 'CIVIL_AFFAIRS');
  const also = { zh: others.length ? `及${departmentsText(others, 'zh')}` : '', en: others.length ? ` and ${departmentsText(others, 'en')}` : '' };
  if (rule === DUPLICATE_IDENTITY_RULE) {
    return {
      zh: `${who.zh} 与登记在 ${where.zh} 的一人姓名（规范化后）、出生日期、性别相同，且均在领取救助，疑似同一人以不同身份证号重复登记；对方不在您的辖区，请联系 ${where.zh} 民政部门核实。`,
      en: `${who.en} has the same normalised name, birth date and gender as a person registered in ${where.en}, and both receive aid: possibly one person registered under two ID numbers. That person is outside your jurisdiction; contact the civil affairs office of ${where.en} to verify.`,
    };
  }
  return {
    zh: `${who.zh} 有一条重复救助线索，另涉及登记在 ${where.zh} 的 ${hiddenCount} 人（不在您的辖区）；请联系 ${where.zh} 民政部门${also.zh}核实。`,
    en: `${who.en} is in a possible duplicate award that also involves ${hiddenCount} person(s) registered in ${where.en}, outside your jurisdiction; contact the civil affairs office of ${where.en}${also.en} to verify.`,
  };
}
