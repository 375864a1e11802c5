import type { RulePerson } from '@saf/rules';
import type { Department } from '@saf/programmes';

/**
 * The departments' award-list fields that the coordination office `@requires`.
 * Keep in sync with schema.graphql (the @requires selections) and the departments' schemas.
 */
export const AWARD_FIELDS = {
  civilAffairsAwards: 'CIVIL_AFFAIRS',
  labourAwards: 'LABOUR',
  healthAwards: 'HEALTH',
  educationAwards: 'EDUCATION',
  housingAwards: 'HOUSING',
  justiceAwards: 'JUSTICE',
  disabilityAwards: 'DISABLED_PERSONS_FEDERATION',
} as const satisfies Record<string, Department>;
export type AwardField = keyof typeof AWARD_FIELDS;

/** An award in the uniform shape every department serves. */
export interface UniformAward {
  id: string;
  department: Department;
  programme: string;
  personId: string;
  householdId: string | null;
  regionCode: string;
  amountFen: number;
  frequency: 'MONTHLY' | 'QUARTERLY' | 'YEARLY' | 'ONCE';
  startDate: string;
  endDate: string | null;
  status: 'PENDING' | 'ACTIVE' | 'SUSPENDED' | 'ENDED' | 'REJECTED';
}

/** An entity representation as the gateway sends it: the required fields, null where a department failed. */
export type WithAwards = { id: string } & Partial<Record<AwardField, UniformAward[] | null>>;

export interface HouseholdRepresentation extends WithAwards {
  members?: WithAwards[] | null;
}

/** Every award of the entities, each once (an award can reach a household twice: by member and by household). */
export function gatherAwards(entities: WithAwards[]): UniformAward[] {
  const seen = new Map<string, UniformAward>();
  for (const entity of entities) {
    for (const field of Object.keys(AWARD_FIELDS) as AwardField[]) {
      for (const award of entity[field] ?? []) seen.set(`${award.department}:${award.id}`, award);
    }
  }
  return [...seen.values()].sort(
    (a, b) => a.startDate.localeCompare(b.startDate) || a.department.localeCompare(b.department) || a.id.localeCompare(b.id),
  );
}

/** The departments whose lists are missing (the department failed to answer). */
export function missingDepartments(entities: WithAwards[]): Department[] {
  const missing = new Set<Department>();
  for (const entity of entities) {
    for (const [field, dept] of Object.entries(AWARD_FIELDS) as [AwardField, Department][]) {
      if (entity[field] === null) missing.add(dept);
    }
  }
  return [...missing];
}

/** The person fields the findings `@require` from civil affairs. */
export interface PersonFacts extends WithAwards {
  name?: string | null;
  gender?: string | null;
  birthDate?: string | null;
  deathDate?: string | null;
}

export interface HouseholdFacts extends WithAwards {
  regionCode?: string;
  members?: PersonFacts[] | null;
}

export interface PersonRepresentation extends PersonFacts {
  household?: HouseholdFacts | null;
}

/** Civil affairs' view of the persons of a household (membership, death) for the rules. */
export function rulePersons(household: HouseholdFacts): RulePerson[] {
  return (household.members ?? []).map((m) => ({
    id: m.id,
    householdId: household.id,
    deathDate: m.deathDate ?? null,
    name: m.name ?? undefined,
    birthDate: m.birthDate ?? undefined,
    gender: m.gender ?? undefined,
    regionCode: household.regionCode,
  }));
}
