import { fundsPeriods, statisticsRegion, type FundsAggregate } from '@saf/department';
import { programme as programmeInfo, programmes as catalogue, type Department } from '@saf/programmes';
import { badInput } from '@saf/service';
import type { Context } from '../context.ts';
import { assertMayReadStatistics } from './access.ts';
import { toCsv } from './csv.ts';
import { isSmall } from './disclosure.ts';
import { PUBLISHED_PREFIX_LENGTHS, disclosureFor, lastCompleteMonthEnd, monthEnd, type Disclosure } from './publication.ts';
import { ask, fromEachDepartment, requireAll } from './sources.ts';

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

/** One row of `fundsStatistics` as the caller gets it. */
export interface FundsStatisticsRow {
  department: Department;
  programme: string;
  programmeNameZh: string;
  regionCode: string;
  period: string;
  paidFen: string;
  failedFen: string;
  recipients: number | null;
}

/**
 * Who gets which funds figures: as `assistanceStatistics` (publication.ts). The coordination
 * office and caseworkers within their jurisdiction get exact figures for any region prefix and
 * month; everyone else published ones: counties and larger areas, months that have ended, and a
 * row (one department's programme in one county in one month) only when it paid 5 persons or more.
 * A row left out says only that the figure is small, as a withheld one would; there are no totals
 * across rows to subtract it from (rows of different programmes and months add up to nothing
 * published), so no count under 5 comes back however answers are combined. The amounts of a
 * published row are those of 5 persons or more; its failed amount may be a few persons' (an amount,
 * not a count, of a row that is published).
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

/** Every department's funds figures under the prefix for the months, exact or published. All or nothing: a department that did not answer fails the request, naming it. */
export async function fundsStatistics(ctx: Context, regionCode: string, period: string): Promise<FundsStatisticsRow[]> {
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
  const rows = [...gathered.values].flatMap(([department, list]) => list.map((row) => ({ department, row })));
  return rows
    .filter(({ row }) => scope.disclosure === 'EXACT' || !isSmall(row.recipients))
    .sort((a, b) => a.row.period.localeCompare(b.row.period) || (ORDER.get(a.row.programme) ?? ORDER.size) - (ORDER.get(b.row.programme) ?? ORDER.size) || a.row.regionCode.localeCompare(b.row.regionCode))
    .map(({ department, row }) => ({
      department,
      programme: row.programme,
      programmeNameZh: programmeInfo(row.programme)?.nameZh ?? row.programme,
      regionCode: row.regionCode,
      period: row.period,
      paidFen: row.paidFen,
      failedFen: row.failedFen,
      recipients: row.recipients,
    }));
}

/** `fundsStatistics` as CSV: the same rows for the same caller (UTF-8 with BOM, CRLF). */
export async function fundsStatisticsCsv(ctx: Context, regionCode: string, period: string): Promise<string> {
  const rows = await fundsStatistics(ctx, regionCode, period);
  return toCsv(
    ['department', 'programme', 'programmeNameZh', 'regionCode', 'period', 'paidFen', 'failedFen', 'recipients'],
    rows.map((r) => [r.department, r.programme, r.programmeNameZh, r.regionCode, r.period, r.paidFen, r.failedFen, r.recipients]),
  );
}
