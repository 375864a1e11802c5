import type { HouseholdMeans, IncomeRecord } from '../api/types.ts';

/** Whether a period (both days inclusive, `end` null: open) covers the day. */
export function covers(start: string, end: string | null, day: string): boolean {
  return start <= day && (end === null || end >= day);
}

/** Summed incomes on a day, in fen, of the members alive on it, and how many they are. */
export interface IncomePerHead {
  /** Members alive on the day (no death date on or before it). */
  members: number;
  /** Monthly incomes of those members whose period covers the day, summed. */
  totalFen: number;
  /** `totalFen / members`, rounded down to the fen; null without living members or when labour did not answer. */
  perHeadFen: number | null;
}

/**
 * The household's income per head on `day`, for display (the eligibility decision is the
 * casework's assessment, not this page's): incomes covering the day of the members alive on it,
 * over those members.
 */
export function incomePerHead(members: HouseholdMeans['members'], day: string): IncomePerHead {
  const living = members.filter((m) => m.deathDate === null || m.deathDate > day);
  if (living.some((m) => m.incomes === null)) return { members: living.length, totalFen: 0, perHeadFen: null };
  const totalFen = living.reduce((sum, m) => sum + (m.incomes as IncomeRecord[]).filter((i) => covers(i.startDate, i.endDate, day)).reduce((s, i) => s + i.monthlyFen, 0), 0);
  return { members: living.length, totalFen, perHeadFen: living.length ? Math.floor(totalFen / living.length) : null };
}

/** The 低保 programme a household's standard is read for: urban or rural by its hukou. */
export function minimumLivingProgramme(hukou: string): string {
  return hukou === 'URBAN' ? 'MINIMUM_LIVING_URBAN' : 'MINIMUM_LIVING_RURAL';
}
