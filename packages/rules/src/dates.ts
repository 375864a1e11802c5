import type { Mode, RuleAward } from './types.ts';

/** Days an award pays, both ends inclusive; `end` null is open-ended. */
export interface Period {
  start: string;
  end: string | null;
}

// ISO YYYY-MM-DD strings compare correctly as strings, so no parsing is needed except to add a day.

export function awardKey(award: Pick<RuleAward, 'department' | 'id'>): string {
  return `${award.department}:${award.id}`;
}

export function isPaying(award: RuleAward, mode: Mode): boolean {
  if (award.status === 'ACTIVE' || award.status === 'ENDED') return true;
  return mode === 'proposal' && award.status === 'PENDING';
}

/**
 * The award's period: a ONCE award without an end pays on its start date only. A period that ends
 * before it starts has no days (the loader rejects such records; here they simply never overlap).
 */
export function periodOf(award: RuleAward): Period | null {
  const end = award.frequency === 'ONCE' ? (award.endDate ?? award.startDate) : award.endDate;
  if (end !== null && end < award.startDate) return null;
  return { start: award.startDate, end };
}

/** The overlapping days of two periods (each starts on or before the other ends), or null. */
export function intersect(a: Period, b: Period): Period | null {
  const start = a.start > b.start ? a.start : b.start;
  const end = a.end === null ? b.end : b.end === null ? a.end : a.end < b.end ? a.end : b.end;
  if (end !== null && end < start) return null;
  return { start, end };
}

export function dayAfter(date: string): string {
  const next = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(next.getTime())) throw new Error(`not a date: ${date}`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}
