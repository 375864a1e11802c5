import { z } from 'zod';
import { isRegionCode, isRegionPrefix, isValidIsoDate, parseResidentId } from '@saf/identity';
import { AWARD_STATUSES, DEPARTMENTS, FREQUENCIES, STANDARD_PROGRAMMES, programme, type Department } from '@saf/programmes';

export const RELATIONS = ['HEAD', 'SPOUSE', 'CHILD', 'PARENT', 'GRANDCHILD', 'GRANDPARENT', 'SIBLING', 'OTHER'] as const;
export const DISABILITY_CATEGORIES = ['VISUAL', 'HEARING', 'SPEECH', 'PHYSICAL', 'INTELLECTUAL', 'MENTAL', 'MULTIPLE'] as const;
export const HUKOU = ['URBAN', 'RURAL'] as const;
export const GENDERS = ['MALE', 'FEMALE'] as const;
/** Where an income comes from (SPEC section 10): 工资, 养老金, 失业保险金, 经营, 其他. */
export const INCOME_SOURCES = ['WAGE', 'PENSION', 'UNEMPLOYMENT_INSURANCE', 'BUSINESS', 'OTHER'] as const;
/** What a property is (SPEC section 10): 住宅, 商业用房, 土地, 车位. */
export const PROPERTY_KINDS = ['RESIDENTIAL', 'COMMERCIAL', 'LAND', 'VEHICLE_PARKING'] as const;
/** Largest area a property record may give, in square metres (the column holds 10 digits before the point). */
export const MAX_AREA_SQM = 9_999_999_999.99;
/** Largest amount a GraphQL `Int` carries; aggregates are summed as bigint. */
export const MAX_AMOUNT_FEN = 2 ** 31 - 1;

const isoDate = z.string().refine(isValidIsoDate, 'must be a date YYYY-MM-DD');
export const residentId = z.string().superRefine((value, ctx) => {
  const parsed = parseResidentId(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `invalid resident ID: ${parsed.error}` });
});
const regionCode = z.string().refine(isRegionCode, 'must be a region code of 6, 9 or 12 digits');
const amountFen = z.number().int('must be an integer number of fen').min(0, 'must not be negative').max(MAX_AMOUNT_FEN, `must be at most ${MAX_AMOUNT_FEN}`);
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
    amountFen,
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

/** A department field that must name the record type's owner (SPEC section 10: each goes to its department). */
function ownerDepartment(type: string, owner: Department) {
  return z.enum(DEPARTMENTS).refine((d) => d === owner, { message: `${type} records belong to ${owner}` });
}

/** A positive area with at most two decimals (square metres to the hundredth, as registered). */
export function isAreaSqm(value: number): boolean {
  return Number.isFinite(value) && value > 0 && value <= MAX_AREA_SQM && Math.round(value * 100) / 100 === value;
}

/** A person's income as labour knows it (工资、养老金、失业保险金…): a monthly amount over a period. */
export const incomeRecord = z
  .strictObject({
    type: z.literal('income'),
    id: identifier,
    department: ownerDepartment('income', 'LABOUR'),
    personId: residentId,
    source: z.enum(INCOME_SOURCES),
    monthlyFen: amountFen,
    startDate: isoDate,
    endDate: isoDate.nullish(),
  })
  .superRefine((r, ctx) => {
    if (r.endDate && r.endDate < r.startDate) ctx.addIssue({ code: 'custom', path: ['endDate'], message: `${r.endDate} is before startDate ${r.startDate}` });
  });

/** A property held by a person as housing registers it (不动产登记): held from acquisition until disposal. */
export const propertyRecord = z
  .strictObject({
    type: z.literal('property'),
    id: identifier,
    department: ownerDepartment('property', 'HOUSING'),
    personId: residentId,
    kind: z.enum(PROPERTY_KINDS),
    areaSqm: z.number().refine(isAreaSqm, `must be a positive area in square metres with at most 2 decimals, at most ${MAX_AREA_SQM}`),
    acquiredDate: isoDate,
    disposedDate: isoDate.nullish(),
  })
  .superRefine((r, ctx) => {
    if (r.disposedDate && r.disposedDate < r.acquiredDate) ctx.addIssue({ code: 'custom', path: ['disposedDate'], message: `${r.disposedDate} is before acquiredDate ${r.acquiredDate}` });
  });

/**
 * A monthly assistance standard (保障标准) civil affairs sets for a programme in a region over a
 * period: the 低保 standards (urban, rural) and the 特困 basic living standard (centralized,
 * dispersed), the programmes marked `hasStandard` in the catalogue. `regionCode` may be any region
 * prefix (2, 4, 6, 9 or 12 digits): a household gets the standard of the longest prefix of its
 * region whose period covers the day asked about.
 */
export const standardRecord = z
  .strictObject({
    type: z.literal('standard'),
    id: identifier,
    department: ownerDepartment('standard', 'CIVIL_AFFAIRS'),
    programme: z.string(),
    regionCode: z.string().refine(isRegionPrefix, 'must be a region code prefix of 2, 4, 6, 9 or 12 digits'),
    monthlyFen: amountFen,
    startDate: isoDate,
    endDate: isoDate.nullish(),
  })
  .superRefine((r, ctx) => {
    if (!STANDARD_PROGRAMMES.includes(r.programme)) {
      const known = programme(r.programme);
      ctx.addIssue({
        code: 'custom',
        path: ['programme'],
        message: `${known ? `${r.programme} has no standard` : `unknown programme ${r.programme}`}: standards are set for ${STANDARD_PROGRAMMES.join(', ')}`,
      });
    }
    if (r.endDate && r.endDate < r.startDate) ctx.addIssue({ code: 'custom', path: ['endDate'], message: `${r.endDate} is before startDate ${r.startDate}` });
  });

/** How a payment ended at the bank (SPEC section 11): 已发放, 失败, 退回. Only `PAID` counts as paid. */
export const PAYMENT_STATUSES = ['PAID', 'FAILED', 'RETURNED'] as const;

/**
 * A bank account number: 8 to 32 digits (a 一卡通 card or a passbook account). Messages about it
 * never repeat the value: an account number appears in full only in a roll's bank file.
 */
export const ACCOUNT_NUMBER = /^[0-9]{8,32}$/;
const accountNumber = z.string().regex(ACCOUNT_NUMBER, 'must be 8 to 32 digits (the account number, no spaces)');

/** A month (`YYYY-MM`): a payment's period, judged instead of its paid date. */
export const PERIOD = /^[0-9]{4}-(0[1-9]|1[0-2])$/;
export const isPeriod = (value: unknown): value is string => typeof value === 'string' && PERIOD.test(value) && value >= '1900-01';
const period = z.string().refine(isPeriod, 'must be a month YYYY-MM');

/**
 * A recipient's bank account as civil affairs registers it (the register of recipients' accounts,
 * as the 一卡通 subsidy card is kept): the person it is registered for, the bank, the number, and
 * who holds it (the recipient, a member of the household, or someone else).
 */
export const bankAccountRecord = z.strictObject({
  type: z.literal('bankAccount'),
  id: identifier,
  department: ownerDepartment('bankAccount', 'CIVIL_AFFAIRS'),
  personId: residentId,
  bank: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  accountNumber,
  holderId: residentId,
});

/**
 * A payment a department made for one of its awards for one month (`period`), as its own system
 * records it: the amount, the account it went to, when and how it ended at the bank. Ids are
 * unique within the department, as award ids are.
 */
export const paymentRecord = z
  .strictObject({
    type: z.literal('payment'),
    id: identifier,
    department: z.enum(DEPARTMENTS),
    awardId: identifier,
    personId: residentId,
    period,
    amountFen,
    accountNumber,
    paidDate: isoDate.nullish(),
    status: z.enum(PAYMENT_STATUSES),
  })
  .superRefine((r, ctx) => {
    if (r.status === 'PAID' && !r.paidDate) ctx.addIssue({ code: 'custom', path: ['paidDate'], message: 'a PAID payment needs its paid date' });
  });

export type HouseholdRecord = z.infer<typeof householdRecord>;
export type PersonRecord = z.infer<typeof personRecord>;
export type AwardRecord = z.infer<typeof awardRecord>;
export type DisabilityCertificateRecord = z.infer<typeof disabilityCertificateRecord>;
export type IncomeRecord = z.infer<typeof incomeRecord>;
export type PropertyRecord = z.infer<typeof propertyRecord>;
export type StandardRecord = z.infer<typeof standardRecord>;
export type BankAccountRecord = z.infer<typeof bankAccountRecord>;
export type PaymentRecord = z.infer<typeof paymentRecord>;
export type InterchangeRecord =
  | HouseholdRecord | PersonRecord | AwardRecord | DisabilityCertificateRecord | IncomeRecord | PropertyRecord | StandardRecord | BankAccountRecord | PaymentRecord;

const schemas = {
  household: householdRecord,
  person: personRecord,
  award: awardRecord,
  disabilityCertificate: disabilityCertificateRecord,
  income: incomeRecord,
  property: propertyRecord,
  standard: standardRecord,
  bankAccount: bankAccountRecord,
  payment: paymentRecord,
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
    case 'income':
      return 'LABOUR';
    case 'property':
      return 'HOUSING';
    case 'standard':
    case 'bankAccount':
      return 'CIVIL_AFFAIRS';
    case 'payment':
      return record.department;
  }
}

const AWARD_SCOPES = Object.fromEntries(DEPARTMENTS.map((d) => [d, `award:${d}`])) as Record<Department, string>;
const PAYMENT_SCOPES = Object.fromEntries(DEPARTMENTS.map((d) => [d, `payment:${d}`])) as Record<Department, string>;

/** What a record's id is unique within: its type, and for an award or a payment its department too (one string each, made once). */
export function identityScope(record: InterchangeRecord): string {
  return record.type === 'award' ? AWARD_SCOPES[record.department] : record.type === 'payment' ? PAYMENT_SCOPES[record.department] : record.type;
}

/** An account number as everyone but the bank file sees it: the last 4 digits (`**** 0017`). */
export function maskAccountNumber(accountNumber: string): string {
  return `**** ${accountNumber.slice(-4)}`;
}

/**
 * Text (an error message, a log line) with every run of 8 or more digits that is not part of a
 * resident ID masked to its last 4: JSON.parse's messages quote the line, and a line may hold an
 * account number.
 */
export function maskDigitRuns(text: string): string {
  return text.replace(/(?<![0-9A-Za-z])[0-9]{8,}(?![0-9Xx])/g, (run) => (run.length === 17 || run.length === 18 ? run : maskAccountNumber(run)));
}

/** A record's identity: a stored record with the same key is replaced by a new one. */
export function identityOf(record: InterchangeRecord): string {
  return `${identityScope(record)}:${record.id}`;
}
