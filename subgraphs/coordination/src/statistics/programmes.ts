import { programme as programmeInfo, programmes as catalogue, type Department } from '@saf/programmes';
import type { Context } from '../context.ts';
import { isSmall } from './disclosure.ts';
import { departmentFigures, figureContext } from './figures.ts';
import { inScope, type Disclosure, type StatisticsScope } from './publication.ts';
import { fromEachDepartment, missingError, type ProgrammeAggregate } from './sources.ts';

/** One row of `assistanceStatistics`, as the caller gets it: withheld figures are null. */
export interface ProgrammeStatisticsRow {
  programme: string;
  programmeNameZh: string;
  department: Department;
  regionCode: string;
  beneficiaries: number | null;
  households: number | null;
  amountFen: string | null;
  date: string;
  /** When the department's figures were computed (its data as of then: unchanged since). */
  asOf: string;
}

/**
 * Small-cell suppression of one row: fewer than 5 beneficiaries withholds every figure (the
 * households and the amount would give the count away, or narrow it); fewer than 5 households
 * withholds the household count. There is no total across rows to protect: every row is a whole
 * county (published figures are for counties and larger areas), and no coarser row is published.
 */
export function suppressRow(row: ProgrammeAggregate): Pick<ProgrammeStatisticsRow, 'beneficiaries' | 'households' | 'amountFen'> {
  if (isSmall(row.beneficiaries)) return { beneficiaries: null, households: null, amountFen: null };
  return { beneficiaries: row.beneficiaries, households: isSmall(row.households) ? null : row.households, amountFen: row.amountFen };
}

const ORDER = new Map(catalogue.map((p, i) => [p.code, i]));

/** The departments' rows in catalogue order of programme, then county: exact, or suppressed. */
export function publishRows(byDepartment: ReadonlyMap<Department, { rows: readonly ProgrammeAggregate[]; asOf: string }>, disclosure: Disclosure, date: string): ProgrammeStatisticsRow[] {
  const rows = [...byDepartment].flatMap(([department, { rows, asOf }]) => rows.map((row) => ({ department, row, asOf })));
  return rows
    .sort((a, b) => (ORDER.get(a.row.programme) ?? ORDER.size) - (ORDER.get(b.row.programme) ?? ORDER.size) || a.row.regionCode.localeCompare(b.row.regionCode))
    .map(({ department, row, asOf }) => ({
      programme: row.programme,
      programmeNameZh: programmeInfo(row.programme)?.nameZh ?? row.programme,
      department,
      regionCode: row.regionCode,
      ...(disclosure === 'EXACT' ? { beneficiaries: row.beneficiaries, households: row.households, amountFen: row.amountFen } : suppressRow(row)),
      date,
      asOf,
    }));
}

/** Every department's figures under the prefix on the date, and the departments that did not answer. */
export async function programmeStatistics(ctx: Context, s: StatisticsScope): Promise<{ rows: ProgrammeStatisticsRow[]; missing: Department[] }> {
  const fc = await figureContext(ctx);
  const gathered = await fromEachDepartment(fc, async (department) => {
    const { value, asOf } = await departmentFigures(fc, department, s.universe, s.date);
    return { rows: value.filter((r) => inScope(s, r.regionCode)), asOf };
  });
  return { rows: publishRows(gathered.values, s.disclosure, s.date), missing: gathered.missing };
}

/**
 * `assistanceStatistics`: the rows, and in place of a department that did not answer, one null
 * item with an error naming it (a partial answer, not a blank one).
 */
export async function assistanceStatistics(ctx: Context, s: StatisticsScope): Promise<(ProgrammeStatisticsRow | Error)[]> {
  const { rows, missing } = await programmeStatistics(ctx, s);
  return [...rows, ...missing.map((d) => missingError([d]))];
}
