import type { Caller } from '@saf/auth';
import { statisticsDate, statisticsRegion, todayInChina } from '@saf/department';
import { badInput } from '@saf/service';
import type { Context } from '../context.ts';
import { assertMayReadStatistics } from './access.ts';

/**
 * Which figures a caller gets (SPEC section 6): the coordination office, which manages the
 * programmes, and caseworkers within their jurisdiction (the only statistics a caseworker may
 * read) see exact figures, for any region prefix and date. Everyone else (analysts, auditors,
 * department officers) gets published figures: small cells withheld (disclosure.ts), and only
 * what cannot be combined into a small count: counties and larger areas, month ends.
 */
export type Disclosure = 'EXACT' | 'PUBLISHED';

export function disclosureFor(caller: Caller): Disclosure {
  return caller.role === 'COORDINATOR' || caller.role === 'CASEWORKER' ? 'EXACT' : 'PUBLISHED';
}

/** Region prefixes published figures are given for: provinces, prefectures and counties. */
export const PUBLISHED_PREFIX_LENGTHS: readonly number[] = [2, 4, 6];

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The last day of the date's month. */
export function monthEnd(date: string): string {
  const [y, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

export const isMonthEnd = (date: string) => monthEnd(date) === date;
export const isMonthStart = (date: string) => date.endsWith('-01');

/** The end of the last month that has ended (Beijing time): the default date of published figures. */
export function lastCompleteMonthEnd(today: string = todayInChina()): string {
  return addDays(`${today.slice(0, 8)}01`, -1);
}

/**
 * What a statistics request is about once checked: the region prefix and date, who asks and
 * what they get, and the `universe` the figures are computed over (and kept, cache.ts). For
 * published figures it is the province, so that every answer about any of its counties,
 * prefectures or itself is a part of one computation and one suppression (disclosure.ts, point
 * 2); exact figures are computed for the prefix asked about.
 */
export interface StatisticsScope {
  prefix: string;
  date: string;
  caller: Caller;
  disclosure: Disclosure;
  universe: string;
}

export function universeOf(prefix: string, disclosure: Disclosure): string {
  return disclosure === 'PUBLISHED' ? prefix.slice(0, 2) : prefix;
}

/** Whether a county's figures (computed over `universe`) are part of the answer about `prefix`. */
export function inScope(s: Pick<StatisticsScope, 'prefix' | 'universe'>, county: string): boolean {
  // A township's figures were computed for the township alone: all of them are its.
  return s.prefix.length > 6 || county.startsWith(s.prefix);
}

/**
 * Checks a statistics request: region prefix, jurisdiction, and for published figures a county
 * or larger area and a month end no later than the last month that has ended (the default).
 * Bad input names the argument.
 */
export function statisticsScope(ctx: Context, regionCode: string, date: string | null | undefined): StatisticsScope {
  const prefix = statisticsRegion(regionCode);
  const caller = assertMayReadStatistics(ctx, prefix);
  const disclosure = disclosureFor(caller);
  if (disclosure === 'EXACT') return { prefix, date: statisticsDate(date), caller, disclosure, universe: universeOf(prefix, disclosure) };
  if (!PUBLISHED_PREFIX_LENGTHS.includes(prefix.length)) {
    throw badInput(`regionCode must be a county or larger area (2, 4 or 6 digits) for published statistics: a township or community total, taken from its county's, would give small counts away`, 'regionCode');
  }
  return { prefix, date: publishedDate(date, 'date'), caller, disclosure, universe: universeOf(prefix, disclosure) };
}

/**
 * A date of published figures: a month end, no later than the last one that has ended. Figures
 * of two days of one month would give the day's changes (one person's award) away; a month's
 * are published once it has ended, as statistical offices publish them.
 */
export function publishedDate(date: string | null | undefined, field: string): string {
  const latest = lastCompleteMonthEnd();
  if (date === null || date === undefined) return latest;
  const d = statisticsDate(date);
  if (!isMonthEnd(d)) throw badInput(`${field} must be the last day of a month for published statistics (e.g. ${monthEnd(d)}): figures of two days of one month would give the day's changes away`, field);
  if (d > latest) throw badInput(`${field} must be a month that has ended for published statistics (the latest is ${latest})`, field);
  return d;
}

/** A period of published figures (disaster relief): whole months, the first day of one to the last of another. */
export function publishedPeriod(period: { from: string; to: string }): { from: string; to: string } {
  if (!isMonthStart(period.from)) throw badInput('from must be the first day of a month for published statistics', 'from');
  return { from: period.from, to: publishedDate(period.to, 'to') };
}
