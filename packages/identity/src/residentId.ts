/**
 * Resident identity numbers, GB 11643-1999 (公民身份号码): 6-digit region, 8-digit birth date,
 * 3-digit sequence (odd = male), ISO 7064 MOD 11-2 check character.
 *
 * The region part is checked for shape and province only: an ID keeps the region code it was issued
 * under, so historical codes that GB/T 2260 has since retired stay valid.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** Province-level prefixes of GB/T 2260 (including 71 Taiwan, 81 Hong Kong, 82 Macao). */
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82',
]);

export type Gender = 'MALE' | 'FEMALE';

export interface ResidentId {
  id: string;
  regionCode: string;
  birthDate: string;
  gender: Gender;
}

export type ResidentIdResult = { ok: true; value: ResidentId } | { ok: false; error: string };

/** The check character for the first 17 digits. */
export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** The number a run of ASCII digits spells, or -1 when one is not a digit. */
function digitsAt(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/**
 * Whether `value` is a calendar date written YYYY-MM-DD (proleptic Gregorian, as `Date` reads
 * it). By arithmetic rather than through `Date`: every date of every record of a load is checked
 * here, several times on its way in.
 */
export function isValidIsoDate(value: string): boolean {
  if (typeof value !== 'string' || value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return false;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 7);
  const day = digitsAt(value, 8, 10);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/** Today (UTC) as YYYY-MM-DD, made once a day rather than once per ID checked. */
let todayCache = { day: -1, iso: '' };
function todayIso(): string {
  const day = Math.floor(Date.now() / 86_400_000);
  if (day !== todayCache.day) todayCache = { day, iso: new Date(day * 86_400_000).toISOString().slice(0, 10) };
  return todayCache.iso;
}

/**
 * Parses and validates an 18-character resident ID. `today` bounds the birth date (an ID cannot
 * be issued for someone not yet born).
 */
export function parseResidentId(input: string, today: string = todayIso()): ResidentIdResult {
  if (typeof input !== 'string') return { ok: false, error: 'must be a string' };
  if (input.length !== 18) return { ok: false, error: `must be 18 characters, got ${input.length}` };
  if (!/^\d{17}[\dX]$/.test(input)) {
    return /^\d{17}x$/.test(input)
      ? { ok: false, error: 'check character X must be upper case' }
      : { ok: false, error: 'must be 17 digits followed by a digit or X' };
  }
  const regionCode = input.slice(0, 6);
  if (!PROVINCES.has(regionCode.slice(0, 2))) {
    return { ok: false, error: `region code ${regionCode} names no province` };
  }
  const raw = input.slice(6, 14);
  const birthDate = `${raw.slice(0, 4)}-${raw.slice(4, 6)}-${raw.slice(6, 8)}`;
  if (!isValidIsoDate(birthDate) || birthDate < '1850-01-01') {
    return { ok: false, error: `birth date ${raw} is not a valid date` };
  }
  if (birthDate > today) return { ok: false, error: `birth date ${birthDate} is in the future` };
  const expected = checkCharacter(input.slice(0, 17));
  if (input[17] !== expected) {
    return { ok: false, error: `check character is ${input[17]}, expected ${expected}` };
  }
  const gender: Gender = Number(input[16]) % 2 === 1 ? 'MALE' : 'FEMALE';
  return { ok: true, value: { id: input, regionCode, birthDate, gender } };
}

/** Builds a valid ID from its parts (used by the data generator and tests). */
export function makeResidentId(regionCode: string, birthDate: string, sequence: number): string {
  const first17 = `${regionCode}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  if (!/^\d{17}$/.test(first17)) throw new Error(`cannot build an ID from ${regionCode}, ${birthDate}, ${sequence}`);
  return first17 + checkCharacter(first17);
}
