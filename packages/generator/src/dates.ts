/**
 * ISO dates (YYYY-MM-DD) as the interchange format writes them. They compare correctly as strings;
 * arithmetic goes through UTC day numbers.
 */
import type { Rng } from './random.ts';

/** The day the synthetic registry describes: ages are counted and statuses judged on this day. */
export const AS_OF = '2026-06-30';
/** Award periods lie between these days (SPEC: periods between 2019 and 2026). */
export const FIRST_DAY = '2019-01-01';
export const LAST_DAY = '2026-12-31';

const MS_PER_DAY = 86_400_000;

export function toDay(iso: string): number {
  return Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / MS_PER_DAY;
}

export function fromDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(iso: string, days: number): string {
  return fromDay(toDay(iso) + days);
}

export const dayAfter = (iso: string): string => addDays(iso, 1);
export const dayBefore = (iso: string): string => addDays(iso, -1);

/** `months` later on the same day of the month, clamped to the month's last day. */
export function addMonths(iso: string, months: number): string {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7)) - 1 + months;
  const d = Number(iso.slice(8, 10));
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(d, last))).toISOString().slice(0, 10);
}

export const addYears = (iso: string, years: number): string => addMonths(iso, years * 12);

export function monthStart(iso: string): string {
  return `${iso.slice(0, 7)}-01`;
}

export function monthEnd(iso: string): string {
  return dayBefore(addMonths(monthStart(iso), 1));
}

/** The first day of the month after `iso` (or `iso` itself when it is a first). */
export function nextMonthStart(iso: string): string {
  return iso.endsWith('-01') ? iso : addMonths(monthStart(iso), 1);
}

export function yearOf(iso: string): number {
  return Number(iso.slice(0, 4));
}

/** Whole years from `birthDate` to `on`. */
export function ageOn(birthDate: string, on: string): number {
  const years = yearOf(on) - yearOf(birthDate);
  return on.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

export const maxDate = (a: string, b: string): string => (a > b ? a : b);
export const minDate = (a: string, b: string): string => (a < b ? a : b);

/** Uniform day in [from, to]. */
export function randomDate(rng: Rng, from: string, to: string): string {
  return fromDay(rng.int(toDay(from), toDay(to)));
}

/** Two inclusive periods overlap when each starts on or before the other ends (null: open). */
export function overlaps(aStart: string, aEnd: string | null, bStart: string, bEnd: string | null): boolean {
  return (bEnd === null || aStart <= bEnd) && (aEnd === null || bStart <= aEnd);
}
