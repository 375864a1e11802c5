/**
 * A quick check of an interchange record, by hand, for the common case: a record that is plainly
 * valid. It answers the record as the zod schemas of `records.ts` would, or `null` when it is not
 * sure, and then the schemas decide (and name what is wrong). It never accepts what the schemas
 * refuse: the test feeds both every field of generated records spoiled in every way listed there.
 *
 * Why: every record of a load is validated by the loader and again by its department's service,
 * and the schemas' general machinery was the largest part of both after JSON parsing.
 */
import { isRegionCode, isRegionPrefix, isValidIsoDate, parseResidentId } from '@saf/identity';
import { AWARD_STATUSES, DEPARTMENTS, FREQUENCIES, STANDARD_PROGRAMMES, programme } from '@saf/programmes';
import {
  DISABILITY_CATEGORIES, GENDERS, HUKOU, INCOME_SOURCES, MAX_AMOUNT_FEN, PROPERTY_KINDS, RELATIONS, awardRecord, disabilityCertificateRecord, householdRecord,
  incomeRecord, isAreaSqm, personRecord, propertyRecord, standardRecord, type InterchangeRecord,
} from './records.ts';

type Fields = Record<string, unknown>;

const HUKOUS = new Set<unknown>(HUKOU);
const RELATION_SET = new Set<unknown>(RELATIONS);
const GENDER_SET = new Set<unknown>(GENDERS);
const DEPARTMENT_SET = new Set<unknown>(DEPARTMENTS);
const FREQUENCY_SET = new Set<unknown>(FREQUENCIES);
const STATUS_SET = new Set<unknown>(AWARD_STATUSES);
const CATEGORY_SET = new Set<unknown>(DISABILITY_CATEGORIES);
const SOURCE_SET = new Set<unknown>(INCOME_SOURCES);
const KIND_SET = new Set<unknown>(PROPERTY_KINDS);
const STANDARD_SET = new Set<unknown>(STANDARD_PROGRAMMES);

// The fields each schema knows (its strict object's shape).
const HOUSEHOLD_KEYS = new Set(Object.keys(householdRecord.shape));
const PERSON_KEYS = new Set(Object.keys(personRecord.shape));
const AWARD_KEYS = new Set(Object.keys(awardRecord.shape));
const CERTIFICATE_KEYS = new Set(Object.keys(disabilityCertificateRecord.shape));
const INCOME_KEYS = new Set(Object.keys(incomeRecord.shape));
const PROPERTY_KEYS = new Set(Object.keys(propertyRecord.shape));
const STANDARD_KEYS = new Set(Object.keys(standardRecord.shape));

/** Only known keys, none of them `undefined` (which the schemas treat as absent). `value` is a plain object. */
function onlyKeys(value: Fields, keys: Set<string>): boolean {
  for (const key in value) if (!keys.has(key) || value[key] === undefined) return false;
  return true;
}

/** A string the schemas' `trim()` leaves as it is, of `min`…`max` characters. */
function trimmed(v: unknown, min: number, max: number): v is string {
  return typeof v === 'string' && v.length >= min && v.length <= max && v.trim().length === v.length;
}

const identifier = (v: unknown): v is string => trimmed(v, 1, 64);
const date = (v: unknown): v is string => typeof v === 'string' && isValidIsoDate(v);
/** Absent or null, or a valid date. */
const maybeDate = (v: unknown): boolean => v == null || date(v);
const region = (v: unknown): boolean => typeof v === 'string' && isRegionCode(v);
const plainObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

function household(r: Fields): boolean {
  return identifier(r.id) && region(r.regionCode) && HUKOUS.has(r.hukou) && (r.address == null || (typeof r.address === 'string' && r.address.length <= 500));
}

function person(r: Fields): boolean {
  if (typeof r.id !== 'string' || !trimmed(r.name, 1, 100) || !GENDER_SET.has(r.gender) || !date(r.birthDate)) return false;
  if (!identifier(r.householdId) || !RELATION_SET.has(r.relation) || !maybeDate(r.deathDate)) return false;
  const id = parseResidentId(r.id);
  if (!id.ok || id.value.birthDate !== r.birthDate || id.value.gender !== r.gender) return false;
  return !r.deathDate || (r.deathDate as string) >= r.birthDate;
}

function award(r: Fields): boolean {
  if (!identifier(r.id) || !DEPARTMENT_SET.has(r.department) || typeof r.programme !== 'string') return false;
  if (typeof r.personId !== 'string' || !parseResidentId(r.personId).ok) return false;
  if (!(r.householdId == null || identifier(r.householdId)) || !region(r.regionCode)) return false;
  const amount = r.amountFen;
  if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 0 || amount > MAX_AMOUNT_FEN) return false;
  if (!FREQUENCY_SET.has(r.frequency) || !date(r.startDate) || !maybeDate(r.endDate) || !STATUS_SET.has(r.status)) return false;
  // The schemas copy details key by key, and a `__proto__` key would not survive the copy.
  if (!(r.details === undefined || (plainObject(r.details) && !Object.prototype.hasOwnProperty.call(r.details, '__proto__')))) return false;
  if (programme(r.programme)?.department !== r.department) return false;
  return !r.endDate || (r.endDate as string) >= r.startDate;
}

function certificate(r: Fields): boolean {
  if (!identifier(r.id) || typeof r.personId !== 'string' || !parseResidentId(r.personId).ok || !CATEGORY_SET.has(r.category)) return false;
  const grade = r.grade;
  if (typeof grade !== 'number' || !Number.isInteger(grade) || grade < 1 || grade > 4) return false;
  if (!date(r.issuedDate) || !maybeDate(r.validUntil)) return false;
  return !r.validUntil || (r.validUntil as string) >= r.issuedDate;
}

const fen = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_AMOUNT_FEN;
const residentId = (v: unknown): boolean => typeof v === 'string' && parseResidentId(v).ok;

function income(r: Fields): boolean {
  if (!identifier(r.id) || r.department !== 'LABOUR' || !residentId(r.personId) || !SOURCE_SET.has(r.source) || !fen(r.monthlyFen)) return false;
  if (!date(r.startDate) || !maybeDate(r.endDate)) return false;
  return !r.endDate || (r.endDate as string) >= r.startDate;
}

function property(r: Fields): boolean {
  if (!identifier(r.id) || r.department !== 'HOUSING' || !residentId(r.personId) || !KIND_SET.has(r.kind)) return false;
  if (typeof r.areaSqm !== 'number' || !isAreaSqm(r.areaSqm) || !date(r.acquiredDate) || !maybeDate(r.disposedDate)) return false;
  return !r.disposedDate || (r.disposedDate as string) >= r.acquiredDate;
}

function standard(r: Fields): boolean {
  if (!identifier(r.id) || r.department !== 'CIVIL_AFFAIRS' || !STANDARD_SET.has(r.programme)) return false;
  if (typeof r.regionCode !== 'string' || !isRegionPrefix(r.regionCode) || !fen(r.monthlyFen) || !date(r.startDate) || !maybeDate(r.endDate)) return false;
  return !r.endDate || (r.endDate as string) >= r.startDate;
}

/**
 * `value` as the record the schemas would make of it when it is plainly valid (the same object,
 * or a copy with `details: {}` added to an award without details), else null.
 */
export function quickRecord(value: unknown): InterchangeRecord | null {
  if (!plainObject(value)) return null;
  switch (value.type) {
    case 'household':
      return onlyKeys(value, HOUSEHOLD_KEYS) && household(value) ? (value as InterchangeRecord) : null;
    case 'person':
      return onlyKeys(value, PERSON_KEYS) && person(value) ? (value as InterchangeRecord) : null;
    case 'award':
      if (!onlyKeys(value, AWARD_KEYS) || !award(value)) return null;
      return (value.details === undefined ? { ...value, details: {} } : value) as InterchangeRecord;
    case 'disabilityCertificate':
      return onlyKeys(value, CERTIFICATE_KEYS) && certificate(value) ? (value as InterchangeRecord) : null;
    case 'income':
      return onlyKeys(value, INCOME_KEYS) && income(value) ? (value as InterchangeRecord) : null;
    case 'property':
      return onlyKeys(value, PROPERTY_KEYS) && property(value) ? (value as InterchangeRecord) : null;
    case 'standard':
      return onlyKeys(value, STANDARD_KEYS) && standard(value) ? (value as InterchangeRecord) : null;
    default:
      return null;
  }
}
