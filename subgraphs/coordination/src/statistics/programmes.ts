import { programme as programmeInfo, programmes as catalogue, type Department } from '@saf/programmes';
import type { Context } from '../context.ts';
import { assertMayReadStatistics } from './access.ts';
import { isSmall } from './disclosure.ts';
import { aggregates, fromEachDepartment, missingError, type ProgrammeAggregate } from './sources.ts';

/** One row of `assistanceStatistics`, as published: suppressed figures are null. */
export interface ProgrammeStatisticsRow {
  programme: string;
  programmeNameZh: string;
  department: Department;
  regionCode: string;
  beneficiaries: number | null;
  households: number | null;
  amountFen: string | null;
}

/**
 * Small-cell suppression of one row: fewer than 5 beneficiaries withholds every figure (the
 * households and the amount would give the count away, or narrow it); fewer than 5 households
 * withholds the household count. There is no total across rows to protect: every row is a
 * county, and no coarser row is published.
 */
export function suppressRow(row: ProgrammeAggregate): Pick<ProgrammeStatisticsRow, 'beneficiaries' | 'households' | 'amountFen'> {
  if (isSmall(row.beneficiaries)) return { beneficiaries: null, households: null, amountFen: null };
  return { beneficiaries: row.beneficiaries, households: isSmall(row.households) ? null : row.households, amountFen: row.amountFen };
}

const ORDER = new Map(catalogue.map((p, i) => [p.code, i]));

/** The departments' rows, suppressed, in catalogue order of programme, then county. */
export function publishRows(byDepartment: ReadonlyMap<Department, readonly ProgrammeAggregate[]>): ProgrammeStatisticsRow[] {
  const rows = [...byDepartment].flatMap(([department, rows]) => rows.map((row) => ({ department, row })));
  return rows
    .sort((a, b) => (ORDER.get(a.row.programme) ?? ORDER.size) - (ORDER.get(b.row.programme) ?? ORDER.size) || a.row.regionCode.localeCompare(b.row.regionCode))
    .map(({ department, row }) => ({
      programme: row.programme,
      programmeNameZh: programmeInfo(row.programme)?.nameZh ?? row.programme,
      department,
      regionCode: row.regionCode,
      ...suppressRow(row),
    }));
}

/** Every department's figures under the prefix on the date, and the departments that did not answer. */
export async function programmeStatistics(ctx: Context, prefix: string, date: string): Promise<{ rows: ProgrammeStatisticsRow[]; missing: Department[] }> {
  const caller = assertMayReadStatistics(ctx, prefix);
  const gathered = await fromEachDepartment(ctx, (department) => aggregates(ctx, caller, department, prefix, date));
  return { rows: publishRows(gathered.values), missing: gathered.missing };
}

/**
 * `assistanceStatistics`: the rows, and in place of a department that did not answer, one null
 * item with an error naming it (a partial answer, not a blank one).
 */
export async function assistanceStatistics(ctx: Context, prefix: string, date: string): Promise<(ProgrammeStatisticsRow | Error)[]> {
  const { rows, missing } = await programmeStatistics(ctx, prefix, date);
  return [...rows, ...missing.map((d) => missingError([d]))];
}
