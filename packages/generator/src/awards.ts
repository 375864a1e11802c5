/**
 * Award and certificate drafts become interchange records here: ids per department, the
 * household's region and number, and (for the background) a guard that no draft creates a
 * duplicate-aid finding.
 */
import type { AwardRecord, DisabilityCertificateRecord, DISABILITY_CATEGORIES } from '@saf/interchange';
import { programme, type AwardStatus, type Department, type Frequency } from '@saf/programmes';
import { dayBefore, maxDate, monthStart, overlaps } from './dates.ts';
import type { Household, Member } from './households.ts';
import type { Registry } from './registry.ts';
import { afterDeath, isPaying, pairRule, periodOf, type Period } from './rules.ts';

export const DEPARTMENT_PREFIX: Record<Department, string> = {
  CIVIL_AFFAIRS: 'CA',
  LABOUR: 'LB',
  HEALTH: 'HE',
  EDUCATION: 'ED',
  HOUSING: 'HO',
  JUSTICE: 'JU',
  DISABLED_PERSONS_FEDERATION: 'DP',
};

export interface AwardDraft {
  programme: string;
  person: Member;
  amountFen: number;
  frequency: Frequency;
  startDate: string;
  endDate: string | null;
  status: AwardStatus;
  details: Record<string, unknown>;
}

export interface CertificateDraft {
  person: Member;
  category: (typeof DISABILITY_CATEGORIES)[number];
  grade: number;
  issuedDate: string;
  validUntil: string | null;
}

export function departmentOf(code: string): Department {
  const info = programme(code);
  if (!info) throw new Error(`unknown programme ${code}`);
  return info.department;
}

export function awardRecord(registry: Registry, household: Household, d: AwardDraft): AwardRecord {
  const department = departmentOf(d.programme);
  return {
    type: 'award',
    id: `${DEPARTMENT_PREFIX[department]}-${registry.tag}${String(registry.next(`award:${department}`)).padStart(8, '0')}`,
    department,
    programme: d.programme,
    personId: d.person.id,
    householdId: household.id,
    regionCode: household.place.regionCode,
    amountFen: d.amountFen,
    frequency: d.frequency,
    startDate: d.startDate,
    endDate: d.endDate,
    status: d.status,
    details: d.details,
  };
}

export function certificateRecord(registry: Registry, c: CertificateDraft): DisabilityCertificateRecord {
  return {
    type: 'disabilityCertificate',
    id: `DPF-${registry.tag}${registry.next('certificate')}`,
    personId: c.person.id,
    category: c.category,
    grade: c.grade,
    issuedDate: c.issuedDate,
    validUntil: c.validUntil,
  };
}

/**
 * A background award of someone who died: nothing starts after the death or is still pending;
 * what was paying stops on the day of death or at the end of the month before (the registry
 * catches up with deaths), so it never pays after death.
 */
export function stopAtDeath(d: AwardDraft, lastOfPreviousMonth: boolean): AwardDraft | null {
  const death = d.person.deathDate;
  if (death === null) return d;
  if (d.startDate > death || d.status === 'PENDING') return null;
  const period = periodOf(d);
  if (period.end !== null && period.end <= death) return d;
  if (!isPaying(d.status)) return { ...d, endDate: death };
  const earlier = dayBefore(monthStart(death));
  return { ...d, status: 'ENDED', endDate: lastOfPreviousMonth && earlier >= d.startDate ? earlier : death };
}

interface Paying {
  personId: string;
  programme: string;
  period: Period;
}

/** The paying awards of one household so far; refuses a draft that would make a finding. */
export class HouseholdLedger {
  private readonly paying: Paying[] = [];

  accepts(d: AwardDraft): boolean {
    if (!isPaying(d.status)) return true;
    const period = periodOf(d);
    if (d.person.deathDate !== null && afterDeath(period, d.person.deathDate)) return false;
    const candidate = { personId: d.person.id, programme: d.programme };
    return !this.paying.some((p) => pairRule(p, candidate) !== null && overlaps(p.period.start, p.period.end, period.start, period.end));
  }

  add(d: AwardDraft): void {
    if (isPaying(d.status)) this.paying.push({ personId: d.person.id, programme: d.programme, period: periodOf(d) });
  }
}

/** Moves a draft's start to the person's birth when it would begin before it. */
export function notBeforeBirth(d: AwardDraft): AwardDraft | null {
  if (d.startDate >= d.person.birthDate) return d;
  const startDate = maxDate(d.startDate, d.person.birthDate);
  if (d.endDate !== null && d.endDate < startDate) return null;
  return { ...d, startDate };
}
