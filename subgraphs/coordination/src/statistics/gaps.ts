import type { Department } from '@saf/programmes';
import { assistedMembers, certificateHolders, fromDepartment, locatePersons, recipients, type PersonPlace, type Reader } from './sources.ts';

/**
 * Coverage gaps (应保尽保 signals): persons a programme is meant for who do not receive it on the
 * date. Each is worked out through the graph from the departments' internal lists; only the
 * counts per county and the households' numbers are kept (cache.ts), never the lists.
 */
export const GAP_KINDS = {
  SEVERE_DISABILITY_WITHOUT_NURSING_SUBSIDY: '持一、二级残疾人证，未享受重度残疾人护理补贴',
  SCHOOL_AGE_CHILD_WITHOUT_TWO_EXEMPTIONS: '低保、特困家庭6至15周岁儿童，未享受“两免一补”',
  MINIMUM_LIVING_DISABLED_WITHOUT_LIVING_SUBSIDY: '低保家庭中的持证残疾人，未享受困难残疾人生活补贴',
} as const;
export type GapKind = keyof typeof GAP_KINDS;

/** The departments each gap is worked out from: its figures are recomputed when one of their data changes. */
export const GAP_DEPARTMENTS: Record<GapKind, readonly Department[]> = {
  SEVERE_DISABILITY_WITHOUT_NURSING_SUBSIDY: ['CIVIL_AFFAIRS', 'DISABLED_PERSONS_FEDERATION'],
  SCHOOL_AGE_CHILD_WITHOUT_TWO_EXEMPTIONS: ['CIVIL_AFFAIRS', 'EDUCATION'],
  MINIMUM_LIVING_DISABLED_WITHOUT_LIVING_SUBSIDY: ['CIVIL_AFFAIRS', 'DISABLED_PERSONS_FEDERATION'],
};

const MINIMUM_LIVING = ['MINIMUM_LIVING_URBAN', 'MINIMUM_LIVING_RURAL'];
const EXTREME_POVERTY = ['EXTREME_POVERTY_CENTRALIZED', 'EXTREME_POVERTY_DISPERSED'];

/** One coverage gap's exact figures per county: persons and their households. */
export interface GapFigures {
  /** County of the household → persons (resident IDs) and households in the gap. */
  counties: Map<string, { persons: Set<string>; households: Set<string> }>;
}

/** The places of the persons not in `covered`, grouped by their household's county. */
export function gapFigures(candidates: readonly PersonPlace[], covered: ReadonlySet<string>): GapFigures {
  const counties: GapFigures['counties'] = new Map();
  for (const p of candidates) {
    if (covered.has(p.personId)) continue;
    const county = p.regionCode.slice(0, 6);
    const c = counties.get(county) ?? { persons: new Set<string>(), households: new Set<string>() };
    c.persons.add(p.personId);
    c.households.add(p.householdId);
    counties.set(county, c);
  }
  return { counties };
}

async function covered(reader: Reader, department: 'EDUCATION' | 'DISABLED_PERSONS_FEDERATION', programme: string, personIds: readonly string[], date: string): Promise<Set<string>> {
  if (!personIds.length) return new Set();
  const rows = await fromDepartment(department, () => recipients(reader, department, { personIds, programmes: [programme], date }));
  return new Set(rows.map((r) => r.personId));
}

/** Who the gap is about, before taking out those covered. */
async function candidates(reader: Reader, kind: GapKind, prefix: string, date: string): Promise<{ people: PersonPlace[]; covered: Set<string> }> {
  switch (kind) {
    case 'SEVERE_DISABILITY_WITHOUT_NURSING_SUBSIDY': {
      const holders = await fromDepartment('DISABLED_PERSONS_FEDERATION', () => certificateHolders(reader, date, 2, null));
      const people = await fromDepartment('CIVIL_AFFAIRS', () => locatePersons(reader, holders, prefix, date));
      return { people, covered: await covered(reader, 'DISABLED_PERSONS_FEDERATION', 'SEVERE_DISABILITY_NURSING_SUBSIDY', people.map((p) => p.personId), date) };
    }
    case 'SCHOOL_AGE_CHILD_WITHOUT_TWO_EXEMPTIONS': {
      const people = await fromDepartment('CIVIL_AFFAIRS', () =>
        assistedMembers(reader, { prefix, date, householdProgrammes: MINIMUM_LIVING, personProgrammes: EXTREME_POVERTY, minAge: 6, maxAge: 15 }),
      );
      return { people, covered: await covered(reader, 'EDUCATION', 'TWO_EXEMPTIONS_ONE_SUBSIDY', people.map((p) => p.personId), date) };
    }
    case 'MINIMUM_LIVING_DISABLED_WITHOUT_LIVING_SUBSIDY': {
      const members = await fromDepartment('CIVIL_AFFAIRS', () => assistedMembers(reader, { prefix, date, householdProgrammes: MINIMUM_LIVING }));
      // Every holder at once (one request, a tenth of persons or so) rather than asking about the members a few thousand at a time.
      const disabled = new Set(members.length ? await fromDepartment('DISABLED_PERSONS_FEDERATION', () => certificateHolders(reader, date, null, null)) : []);
      const people = members.filter((m) => disabled.has(m.personId));
      return { people, covered: await covered(reader, 'DISABLED_PERSONS_FEDERATION', 'DISABILITY_LIVING_SUBSIDY', people.map((p) => p.personId), date) };
    }
  }
}

/** One gap's exact figures per county of the households under the prefix. */
export async function computeGap(reader: Reader, kind: GapKind, prefix: string, date: string): Promise<GapFigures> {
  const { people, covered } = await candidates(reader, kind, prefix, date);
  return gapFigures(people, covered);
}
