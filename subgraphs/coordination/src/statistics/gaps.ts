import type { Caller } from '@saf/auth';
import type { Context } from '../context.ts';
import { gapCounts, type GapCount, type GapFigures } from './targets.ts';
import { assistedMembers, certificateHolders, fromDepartment, locatePersons, recipients, type PersonPlace } from './sources.ts';

/**
 * Coverage gaps (应保尽保 signals): persons a programme is meant for who do not receive it on the
 * date. Each is worked out through the graph from the departments' internal lists, which pass
 * through this request and are not kept.
 */
export const GAP_KINDS = {
  SEVERE_DISABILITY_WITHOUT_NURSING_SUBSIDY: '持一、二级残疾人证，未享受重度残疾人护理补贴',
  SCHOOL_AGE_CHILD_WITHOUT_TWO_EXEMPTIONS: '低保、特困家庭6至15周岁儿童，未享受“两免一补”',
  MINIMUM_LIVING_DISABLED_WITHOUT_LIVING_SUBSIDY: '低保家庭中的持证残疾人，未享受困难残疾人生活补贴',
} as const;
export type GapKind = keyof typeof GAP_KINDS;

const MINIMUM_LIVING = ['MINIMUM_LIVING_URBAN', 'MINIMUM_LIVING_RURAL'];
const EXTREME_POVERTY = ['EXTREME_POVERTY_CENTRALIZED', 'EXTREME_POVERTY_DISPERSED'];

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

async function covered(ctx: Context, caller: Caller, department: 'EDUCATION' | 'DISABLED_PERSONS_FEDERATION', programme: string, personIds: readonly string[], date: string): Promise<Set<string>> {
  if (!personIds.length) return new Set();
  const rows = await fromDepartment(department, () => recipients(ctx, caller, department, { personIds, programmes: [programme], date }));
  return new Set(rows.map((r) => r.personId));
}

/** Who the gap is about, before taking out those covered. */
async function candidates(ctx: Context, caller: Caller, kind: GapKind, prefix: string, date: string): Promise<{ people: PersonPlace[]; covered: Set<string> }> {
  switch (kind) {
    case 'SEVERE_DISABILITY_WITHOUT_NURSING_SUBSIDY': {
      const holders = await fromDepartment('DISABLED_PERSONS_FEDERATION', () => certificateHolders(ctx, caller, date, 2, null));
      const people = await fromDepartment('CIVIL_AFFAIRS', () => locatePersons(ctx, caller, holders, prefix, date));
      return { people, covered: await covered(ctx, caller, 'DISABLED_PERSONS_FEDERATION', 'SEVERE_DISABILITY_NURSING_SUBSIDY', people.map((p) => p.personId), date) };
    }
    case 'SCHOOL_AGE_CHILD_WITHOUT_TWO_EXEMPTIONS': {
      const people = await fromDepartment('CIVIL_AFFAIRS', () =>
        assistedMembers(ctx, caller, { prefix, date, householdProgrammes: MINIMUM_LIVING, personProgrammes: EXTREME_POVERTY, minAge: 6, maxAge: 15 }),
      );
      return { people, covered: await covered(ctx, caller, 'EDUCATION', 'TWO_EXEMPTIONS_ONE_SUBSIDY', people.map((p) => p.personId), date) };
    }
    case 'MINIMUM_LIVING_DISABLED_WITHOUT_LIVING_SUBSIDY': {
      const members = await fromDepartment('CIVIL_AFFAIRS', () => assistedMembers(ctx, caller, { prefix, date, householdProgrammes: MINIMUM_LIVING }));
      const disabled = new Set(members.length ? await fromDepartment('DISABLED_PERSONS_FEDERATION', () => certificateHolders(ctx, caller, date, null, members.map((m) => m.personId))) : []);
      const people = members.filter((m) => disabled.has(m.personId));
      return { people, covered: await covered(ctx, caller, 'DISABLED_PERSONS_FEDERATION', 'DISABILITY_LIVING_SUBSIDY', people.map((p) => p.personId), date) };
    }
  }
}

export interface CoverageGap {
  kind: GapKind;
  description: string;
  region: GapCount;
  counties: GapCount[];
}

/** One gap's suppressed counts per county and for the region, with the exact household lists for the caller to filter. */
export async function coverageGap(ctx: Context, caller: Caller, kind: GapKind, prefix: string, date: string): Promise<CoverageGap> {
  const { people, covered } = await candidates(ctx, caller, kind, prefix, date);
  return { kind, description: GAP_KINDS[kind], ...gapCounts(gapFigures(people, covered), prefix) };
}
