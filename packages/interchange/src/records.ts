import { z } from 'zod';
import { isRegionCode, isValidIsoDate, parseResidentId } from '@saf/identity';
import { AWARD_STATUSES, DEPARTMENTS, FREQUENCIES, programme, type Department } from '@saf/programmes';

export const RELATIONS = ['HEAD', 'SPOUSE', 'CHILD', 'PARENT', 'GRANDCHILD', 'GRANDPARENT', 'SIBLING', 'OTHER'] as const;
export const DISABILITY_CATEGORIES = ['VISUAL', 'HEARING', 'SPEECH', 'PHYSICAL', 'INTELLECTUAL', 'MENTAL', 'MULTIPLE'] as const;
export const HUKOU = ['URBAN', 'RURAL'] as const;
export const GENDERS = ['MALE', 'FEMALE'] as const;
/** Largest amount a GraphQL `Int` carries; aggregates are summed as bigint. */
export const MAX_AMOUNT_FEN = 2 ** 31 - 1;

const isoDate = z.string().refine(isValidIsoDate, 'must be a date YYYY-MM-DD');
export const residentId = z.string().superRefine((value, ctx) => {
  const parsed = parseResidentId(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `invalid resident ID: ${parsed.error}` });
});
const regionCode = z.string().refine(isRegionCode, 'must be a region code of 6, 9 or 12 digits');
export const identifier = z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters');

export const householdRecord = z.strictObject({
  type: z.literal('household'),
  id: identifier,
  regionCode,
  hukou: z.enum(HUKOU),
  address: z.string().max(500).nullish(),
});

export const personRecord = z
  .strictObject({
    type: z.literal('person'),
    id: residentId,
    name: z.string().trim().min(1, 'must not be empty').max(100),
    gender: z.enum(GENDERS),
    birthDate: isoDate,
    householdId: identifier,
    relation: z.enum(RELATIONS),
    deathDate: isoDate.nullish(),
  })
  .superRefine((p, ctx) => {
    const parsed = parseResidentId(p.id);
    if (!parsed.ok) return;
    if (parsed.value.birthDate !== p.birthDate) {
      ctx.addIssue({ code: 'custom', path: ['birthDate'], message: `${p.birthDate} disagrees with the ID, which says ${parsed.value.birthDate}` });
    }
    if (parsed.value.gender !== p.gender) {
      ctx.addIssue({ code: 'custom', path: ['gender'], message: `${p.gender} disagrees with the ID, which says ${parsed.value.gender}` });
    }
    if (p.deathDate && p.deathDate < p.birthDate) {
      ctx.addIssue({ code: 'custom', path: ['deathDate'], message: 'is before the birth date' });
    }
  });

export const awardRecord = z
  .strictObject({
    type: z.literal('award'),
    id: identifier,
    department: z.enum(DEPARTMENTS),
    programme: z.string(),
    personId: residentId,
    householdId: identifier.nullish(),
    regionCode,
    amountFen: z.number().int('must be an integer number of fen').min(0, 'must not be negative').max(MAX_AMOUNT_FEN, `must be at most ${MAX_AMOUNT_FEN}`),
    frequency: z.enum(FREQUENCIES),
    startDate: isoDate,
    endDate: isoDate.nullish(),
    status: z.enum(AWARD_STATUSES),
    details: z.record(z.string(), z.unknown()).default({}),
  })
  .superRefine((a, ctx) => {
    const info = programme(a.programme);
    if (!info) {
      ctx.addIssue({ code: 'custom', path: ['programme'], message: `unknown programme ${a.programme}` });
    } else if (info.department !== a.department) {
      ctx.addIssue({ code: 'custom', path: ['programme'], message: `${a.programme} belongs to ${info.department}, not ${a.department}` });
    }
    if (a.endDate && a.endDate < a.startDate) {
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: `${a.endDate} is before startDate ${a.startDate}` });
    }
  });

export const disabilityCertificateRecord = z
  .strictObject({
    type: z.literal('disabilityCertificate'),
    id: identifier,
    personId: residentId,
    category: z.enum(DISABILITY_CATEGORIES),
    grade: z.number().int().min(1, 'must be 1 (most severe) to 4').max(4, 'must be 1 (most severe) to 4'),
    issuedDate: isoDate,
    validUntil: isoDate.nullish(),
  })
  .superRefine((c, ctx) => {
    if (c.validUntil && c.validUntil < c.issuedDate) {
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'is before issuedDate' });
    }
  });

export type HouseholdRecord = z.infer<typeof householdRecord>;
export type PersonRecord = z.infer<typeof personRecord>;
export type AwardRecord = z.infer<typeof awardRecord>;
export type DisabilityCertificateRecord = z.infer<typeof disabilityCertificateRecord>;
export type InterchangeRecord = HouseholdRecord | PersonRecord | AwardRecord | DisabilityCertificateRecord;

const schemas = {
  household: householdRecord,
  person: personRecord,
  award: awardRecord,
  disabilityCertificate: disabilityCertificateRecord,
} as const;
export type RecordType = keyof typeof schemas;
export const RECORD_TYPES = Object.keys(schemas) as RecordType[];

/** The department whose subgraph stores a record. */
export function ownerOf(record: InterchangeRecord): Department {
  switch (record.type) {
    case 'household':
    case 'person':
      return 'CIVIL_AFFAIRS';
    case 'award':
      return record.department;
    case 'disabilityCertificate':
      return 'DISABLED_PERSONS_FEDERATION';
  }
}

const AWARD_SCOPES = Object.fromEntries(DEPARTMENTS.map((d) => [d, `award:${d}`])) as Record<Department, string>;

/** What a record's id is unique within: its type, and for an award its department too (one string each, made once). */
export function identityScope(record: InterchangeRecord): string {
  return record.type === 'award' ? AWARD_SCOPES[record.department] : record.type;
}

/** A record's identity: a stored record with the same key is replaced by a new one. */
export function identityOf(record: InterchangeRecord): string {
  return `${identityScope(record)}:${record.id}`;
}
