import { fundsPeriods, statisticsRegion, type FundsAggregate } from '@saf/department';
import { programme as programmeInfo, programmes as catalogue, type Department } from '@saf/programmes';
import { fromSweepRows } from '@saf/interchange';
import { badInput } from '@saf/service';
import type { Context } from '../context.ts';
import { assertMayReadStatistics } from './access.ts';
import { toCsv } from './csv.ts';
import { isSmall } from './disclosure.ts';
import { PUBLISHED_PREFIX_LENGTHS, disclosureFor, lastCompleteMonthEnd, monthEnd, type Disclosure } from './publication.ts';
import { ask, fromEachDepartment, locatePersons, requireAll } from './sources.ts';

/** Each department's funds figures' root field (keep in sync with the departments' schemas). */
export const FUNDS_FIELDS: Record<Department, string> = {
  CIVIL_AFFAIRS: 'civilAffairsFundsStatistics',
  LABOUR: 'labourFundsStatistics',
  HEALTH: 'healthFundsStatistics',
  EDUCATION: 'educationFundsStatistics',
  HOUSING: 'housingFundsStatistics',
  JUSTICE: 'justiceFundsStatistics',
  DISABLED_PERSONS_FEDERATION: 'disabilityFundsStatistics',
};

/** Each department's payments naming no award of its own (keep in sync with the departments' schemas: `unawardedField`). */
export const UNAWARDED_FIELDS = Object.fromEntries(
  Object.entries(FUNDS_FIELDS).map(([d, f]) => [d, `_internal${f.charAt(0).toUpperCase()}${f.slice(1).replace(/FundsStatistics$/, '')}UnawardedPayments`]),
) as Record<Department, string>;

/**
 * The region of a "no award" row whose recipient civil affairs does not place (not registered, or
 * not alive at the start of the month): shown to the coordination office for the whole province
 * (no region claim) whatever prefix it asks about, so that no payment is left out of its figures.
 */
export const UNPLACED = 'UNPLACED';

/** One row of `fundsStatistics`, or (programme null, `noAward`) of `fundsWithoutAward`, as the caller gets it. */
export interface FundsStatisticsRow {
  department: Department;
  /** Null in a "no award" row: payments naming no award of the department (`noAward`). */
  programme: string | null;
  noAward: boolean;
  programmeNameZh: string;
  regionCode: string;
  period: string;
  paidFen: string;
  /** Null in published figures when fewer than 5 persons' payments failed (the amount would give their number away). */
  failedFen: string | null;
  recipients: number | null;
}

/**
 * Who gets which funds figures: as `assistanceStatistics` (publication.ts). The coordination
 * office and caseworkers within their jurisdiction get exact figures for any region prefix and
 * month; everyone else published ones, under these rules (tests/fundsDisclosure.e2e.test.ts):
 *
 * - Counties and larger areas only (2, 4 or 6 digits), months that have ended only: no township's
 *   figure to take from its county's, no part of a month to take from the month.
 * - A row (one department's programme, or its payments without an award, in one county in one
 *   month) is given only when it paid 5 persons or more; otherwise it is left out, which says no
 *   more than a withheld figure would (a small count, or none: the two are not told apart).
 * - No totals: every published figure is one row's, the same in every answer that contains it
 *   (a row is a county's, whichever prefix, 65, 6540 or 654002, or year was asked; the CSV has the
 *   same rows). No sum of rows (over counties, programmes, departments or months) is published
 *   anywhere, so there is no margin to subtract published rows from and complementary suppression
 *   has nothing to protect: an answer for a larger area is exactly the union of its counties'.
 * - Within a row, the paid amount is 5 or more persons'; the failed amount is given only when 5
 *   or more persons' payments failed (null otherwise, zero included): where amounts are standard
 *   (a fixed subsidy), a few persons' failed amount would give their number away.
 */
export function fundsScope(ctx: Context, regionCode: string, period: string): { prefix: string; periods: string[]; disclosure: Disclosure } {
  const prefix = statisticsRegion(regionCode);
  const caller = assertMayReadStatistics(ctx, prefix);
  const disclosure = disclosureFor(caller);
  const periods = fundsPeriods(period);
  if (disclosure === 'PUBLISHED') {
    if (!PUBLISHED_PREFIX_LENGTHS.includes(prefix.length)) throw badInput('regionCode must be a county or larger area (2, 4 or 6 digits) for published funds figures', 'regionCode');
    const latest = lastCompleteMonthEnd();
    if (monthEnd(`${periods.at(-1)!}-01`) > latest) throw badInput(`period must have ended for published funds figures (the latest month is ${latest.slice(0, 7)})`, 'period');
  }
  return { prefix, periods, disclosure };
}

const ORDER = new Map(catalogue.map((p, i) => [p.code, i]));

/** The figures of `fundsStatistics` (a programme each). */
export async function fundsStatistics(ctx: Context, regionCode: string, period: string): Promise<FundsStatisticsRow[]> {
  return (await fundsRows(ctx, regionCode, period)).filter((r) => !r.noAward);
}

/** The figures of `fundsWithoutAward` (payments naming no award of their department). */
export async function fundsWithoutAward(ctx: Context, regionCode: string, period: string): Promise<FundsStatisticsRow[]> {
  return (await fundsRows(ctx, regionCode, period)).filter((r) => r.noAward);
}

/** Every department's funds figures under the prefix for the months, exact or published, "no award" rows included. All or nothing: a department that did not answer fails the request, naming it. */
async function fundsRows(ctx: Context, regionCode: string, period: string): Promise<FundsStatisticsRow[]> {
  const scope = fundsScope(ctx, regionCode, period);
  const reader = { graph: ctx.statisticsGraph, log: ctx.log, requestId: ctx.requestId };
  const gathered = await fromEachDepartment(reader, (department) =>
    ask<{ rows: FundsAggregate[] }>(
      reader,
      `query Funds($r: String!, $p: String!) { rows: ${FUNDS_FIELDS[department]}(regionCode: $r, period: $p) { programme regionCode period paidFen failedFen recipients failedRecipients } }`,
      { r: scope.prefix, p: period },
    ).then((d) => d.rows),
  );
  requireAll(gathered.missing);
  const unawarded = await unawardedAggregates(ctx, scope.prefix, period, scope.disclosure === 'EXACT' && !ctx.caller?.region);
  const rows = [...[...gathered.values].flatMap(([department, list]) => list.map((row) => ({ department, row: { ...row, programme: row.programme as string | null } }))), ...unawarded];
  const rank = (programme: string | null) => (programme === null ? ORDER.size + 1 : (ORDER.get(programme) ?? ORDER.size));
  return rows
    .filter(({ row }) => scope.disclosure === 'EXACT' || !isSmall(row.recipients))
    .sort((a, b) => a.row.period.localeCompare(b.row.period) || rank(a.row.programme) - rank(b.row.programme) || a.row.regionCode.localeCompare(b.row.regionCode) || a.department.localeCompare(b.department))
    .map(({ department, row }) => ({
      department,
      programme: row.programme,
      noAward: row.programme === null,
      programmeNameZh: row.programme === null ? NO_AWARD_ZH : (programmeInfo(row.programme)?.nameZh ?? row.programme),
      regionCode: row.regionCode,
      period: row.period,
      paidFen: row.paidFen,
      failedFen: scope.disclosure === 'EXACT' || !isSmall(row.failedRecipients) ? row.failedFen : null,
      recipients: row.recipients,
    }));
}

const NO_AWARD_ZH = '无对应救助记录的发放';
const UNAWARDED_COLUMNS = ['personId', 'period', 'paidFen', 'failedFen', 'paidCount', 'failedCount'] as const;

/**
 * Payments naming no award of the paying department, as rows of their own ("no award": programme
 * null) per department, county and month: a department knows no programme or place for them, so
 * each is placed by where civil affairs says the recipient lived at the start of the month; with
 * `unplaced`, those it does not place form rows of region `UNPLACED`. All or nothing, as the rest.
 */
async function unawardedAggregates(ctx: Context, prefix: string, period: string, unplaced: boolean): Promise<{ department: Department; row: Omit<FundsAggregate, 'programme'> & { programme: null } }[]> {
  const reader = { graph: ctx.statisticsGraph, log: ctx.log, requestId: ctx.requestId };
  const gathered = await fromEachDepartment(reader, (department) =>
    ask<{ rows: unknown }>(reader, `query Unawarded($p: String!) { rows: ${UNAWARDED_FIELDS[department]}(period: $p) }`, { p: period }).then((d) => fromSweepRows(d.rows, UNAWARDED_COLUMNS, UNAWARDED_FIELDS[department])),
  );
  requireAll(gathered.missing);
  const all = [...gathered.values].flatMap(([department, rows]) => rows.map((r) => ({ department, ...r })));
  if (!all.length) return [];
  // Placed month by month: where the recipient lived when the month began.
  const place = new Map<string, string>();
  for (const month of [...new Set(all.map((r) => r.period!))]) {
    const ids = [...new Set(all.filter((r) => r.period === month).map((r) => r.personId!))];
    for (const p of await locatePersons(reader, ids, null, `${month}-01`)) place.set(`${month}|${p.personId}`, p.regionCode);
  }
  const groups = new Map<string, { department: Department; regionCode: string; period: string; paid: bigint; failed: bigint; paidTo: Set<string>; failedTo: Set<string> }>();
  for (const r of all) {
    const home = place.get(`${r.period}|${r.personId}`) ?? null;
    // Under the prefix asked about, by the household's full region code; the row is the county's.
    const regionCode = home === null ? (unplaced ? UNPLACED : null) : home.startsWith(prefix) ? home.slice(0, 6) : null;
    if (regionCode === null) continue;
    const key = `${r.department}|${regionCode}|${r.period}`;
    const g = groups.get(key) ?? { department: r.department, regionCode, period: r.period!, paid: 0n, failed: 0n, paidTo: new Set<string>(), failedTo: new Set<string>() };
    groups.set(key, g);
    g.paid += BigInt(r.paidFen!);
    g.failed += BigInt(r.failedFen!);
    if (Number(r.paidCount) > 0) g.paidTo.add(r.personId!);
    if (Number(r.failedCount) > 0) g.failedTo.add(r.personId!);
  }
  return [...groups.values()].map((g) => ({
    department: g.department,
    row: { programme: null, regionCode: g.regionCode, period: g.period, paidFen: String(g.paid), failedFen: String(g.failed), recipients: g.paidTo.size, failedRecipients: g.failedTo.size },
  }));
}

/** `fundsStatistics` as CSV: the same rows for the same caller (UTF-8 with BOM, CRLF). */
export async function fundsStatisticsCsv(ctx: Context, regionCode: string, period: string): Promise<string> {
  const rows = await fundsRows(ctx, regionCode, period);
  return toCsv(
    ['department', 'programme', 'programmeNameZh', 'regionCode', 'period', 'paidFen', 'failedFen', 'recipients'],
    // A "no award" row's programme reads NO_AWARD (no programme of the catalogue has that code).
    rows.map((r) => [r.department, r.programme ?? 'NO_AWARD', r.programmeNameZh, r.regionCode, r.period, r.paidFen, r.failedFen, r.recipients]),
  );
}
