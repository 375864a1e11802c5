import type { Department } from '../lib/catalogue.ts';

export interface Award {
  id: string;
  department: Department;
  programme: string;
  personId: string;
  householdId: string | null;
  regionCode: string;
  amountFen: number;
  frequency: string;
  startDate: string;
  endDate: string | null;
  status: string;
}

export interface Finding {
  id: string;
  rule: string;
  householdId: string | null;
  personIds: string[];
  awardIds: string[];
  /** DEPARTMENT:id (ids are unique only within a department). */
  awardKeys: string[];
  departments: Department[];
  programmes: string[];
  overlapStart: string | null;
  overlapEnd: string | null;
  explanation: string;
  explanationEn: string;
  /** County codes where persons of the finding this caller may not see are registered (their civil affairs office reviews it). */
  outsideJurisdiction: string[];
  status: 'OPEN' | 'CONFIRMED' | 'DISMISSED';
  firstSeenAt: string | null;
  /** Asked for on the household page only (FINDING_HISTORY). */
  history?: FindingEvent[];
}

/** One event in a stored finding's history: found, gone, reviewed (with the note, who and when). */
export interface FindingEvent {
  event: string;
  note: string | null;
  actor: string | null;
  actorRole: string | null;
  at: string;
}

/** A department award with only its id and its department-specific details objects. */
export type DetailsAward = { id: string } & Record<string, Record<string, unknown> | null | string>;

export const DETAIL_FIELDS = ['civilAffairsAwards', 'labourAwards', 'healthAwards', 'educationAwards', 'housingAwards', 'justiceAwards', 'disabilityAwards'] as const;
export type DetailField = (typeof DETAIL_FIELDS)[number];
export const DEPARTMENT_OF_FIELD: Record<DetailField, Department> = {
  civilAffairsAwards: 'CIVIL_AFFAIRS',
  labourAwards: 'LABOUR',
  healthAwards: 'HEALTH',
  educationAwards: 'EDUCATION',
  housingAwards: 'HOUSING',
  justiceAwards: 'JUSTICE',
  disabilityAwards: 'DISABLED_PERSONS_FEDERATION',
};

export interface Certificate {
  id: string;
  category: string;
  grade: number;
  issuedDate: string;
  validUntil: string | null;
}

export type Member = {
  id: string;
  name: string | null;
  gender: string | null;
  birthDate: string | null;
  deathDate: string | null;
  relation: string | null;
  disabilityCertificates: Certificate[] | null;
} & Partial<Record<DetailField, DetailsAward[] | null>>;

export interface HouseholdPicture {
  id: string;
  regionCode: string;
  hukou: string;
  address: string | null;
  members: Member[];
  awards: Award[] | null;
  duplicateAidFindings: Finding[] | null;
}

export const awardKey = (a: { department: string; id: string }) => `${a.department}:${a.id}`;

/** An income as labour records it (收入): a monthly amount over a period. */
export interface IncomeRecord {
  id: string;
  source: string;
  monthlyFen: number;
  startDate: string;
  endDate: string | null;
}

/** A property as housing registers it (房产). */
export interface PropertyRecord {
  id: string;
  kind: string;
  areaSqm: number;
  acquiredDate: string;
  disposedDate: string | null;
}

/** A monthly assistance standard (保障标准) in force for the household's place. */
export interface AssistanceStandard {
  id: string;
  programme: string;
  regionCode: string;
  monthlyFen: number;
  startDate: string;
  endDate: string | null;
}

/** The household's means (经济状况): each member's incomes and properties, and the standards. */
export interface HouseholdMeans {
  id: string;
  hukou: string;
  assistanceStandards: AssistanceStandard[] | null;
  members: { id: string; name: string | null; relation: string | null; deathDate: string | null; incomes: IncomeRecord[] | null; properties: PropertyRecord[] | null }[];
}
