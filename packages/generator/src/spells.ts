/** Statuses and periods of awards: mostly active, some ended, suspended, pending or rejected. */
import type { AwardStatus } from '@saf/programmes';
import { AS_OF, FIRST_DAY, LAST_DAY, addMonths, dayBefore, maxDate, minDate, monthStart, nextMonthStart, randomDate } from './dates.ts';
import type { Rng } from './random.ts';

export interface Spell {
  status: AwardStatus;
  startDate: string;
  endDate: string | null;
}

const STATUSES = [['ACTIVE', 72], ['ENDED', 14], ['SUSPENDED', 5], ['PENDING', 5], ['REJECTED', 4]] as const;
const LAST_START = '2026-05-01';
const LAST_ENDED_START = '2025-12-01';

/**
 * A monthly or quarterly benefit that runs until ended: starts on a first of the month on or after
 * `earliest`; an active one is open-ended or runs to the year's review (end of 2026). Null when
 * `earliest` leaves no room.
 */
export function continuingSpell(rng: Rng, earliest: string): Spell | null {
  const from = maxDate(FIRST_DAY, nextMonthStart(earliest));
  if (from > LAST_START) return null;
  let status: AwardStatus = rng.weighted(STATUSES);
  if (status === 'ENDED' && from > LAST_ENDED_START) status = 'ACTIVE';
  switch (status) {
    case 'ACTIVE':
    case 'SUSPENDED': {
      const startDate = monthStart(randomDate(rng, from, LAST_START));
      return { status, startDate, endDate: status === 'ACTIVE' && rng.chance(0.25) ? LAST_DAY : null };
    }
    case 'ENDED': {
      const startDate = monthStart(randomDate(rng, from, LAST_ENDED_START));
      const endDate = minDate(dayBefore(addMonths(startDate, rng.int(3, 48))), dayBefore(monthStart(AS_OF)));
      return { status, startDate, endDate };
    }
    case 'PENDING':
      return { status, startDate: monthStart(randomDate(rng, maxDate(from, '2026-05-01'), '2026-07-31')), endDate: null };
    default:
      return { status, startDate: randomDate(rng, from, AS_OF), endDate: null };
  }
}

/** A one-off payment (ONCE): paid in the past, just paid, or applied for. */
export function onceSpell(rng: Rng, earliest: string, latest: string = AS_OF): Spell | null {
  const from = maxDate(FIRST_DAY, earliest);
  if (from > latest) return null;
  const startDate = randomDate(rng, from, latest);
  const recent = startDate > '2026-05-15';
  const status: AwardStatus = rng.weighted(recent ? [['ACTIVE', 60], ['PENDING', 30], ['REJECTED', 10]] : [['ENDED', 88], ['REJECTED', 7], ['SUSPENDED', 5]]);
  return { status, startDate, endDate: null };
}

/** Status of a fixed period (school year, insurance year, …) as of the registry's day. */
export function fixedStatus(rng: Rng, endDate: string): AwardStatus {
  if (endDate < AS_OF) return rng.chance(0.96) ? 'ENDED' : 'REJECTED';
  return rng.weighted([['ACTIVE', 90], ['PENDING', 5], ['REJECTED', 3], ['SUSPENDED', 2]]);
}
