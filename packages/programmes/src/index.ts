import catalogue from '../catalogue.json' with { type: 'json' };

/** Departments, in the order of SPEC section 2 (their subgraph ports follow this order). */
export const DEPARTMENTS = [
  'CIVIL_AFFAIRS',
  'LABOUR',
  'HEALTH',
  'EDUCATION',
  'HOUSING',
  'JUSTICE',
  'DISABLED_PERSONS_FEDERATION',
] as const;
export type Department = (typeof DEPARTMENTS)[number];

export interface DepartmentInfo {
  code: Department;
  /** Folder under `subgraphs/` and the subgraph's name in the supergraph. */
  subgraph: string;
  nameZh: string;
  nameEn: string;
}

export interface ProgrammeInfo {
  code: string;
  department: Department;
  repeatable: boolean;
  /**
   * Civil affairs sets a monthly standard (保障标准) for it per region and period (`standard`
   * records): the 低保 standards, urban and rural, against which a household's income per head is
   * compared, and the 特困 basic living standard (基本生活标准), centralized and dispersed.
   */
  hasStandard?: boolean;
  nameZh: string;
  nameEn: string;
}

export const departments: readonly DepartmentInfo[] = catalogue.departments as DepartmentInfo[];
export const programmes: readonly ProgrammeInfo[] = catalogue.programmes as ProgrammeInfo[];

/** The programmes that have a standard (`hasStandard`), in catalogue order. */
export const STANDARD_PROGRAMMES: readonly string[] = programmes.filter((p) => p.hasStandard).map((p) => p.code);

const byCode = new Map(programmes.map((p) => [p.code, p]));
const departmentByCode = new Map(departments.map((d) => [d.code, d]));

export function programme(code: string): ProgrammeInfo | undefined {
  return byCode.get(code);
}

export function department(code: Department): DepartmentInfo {
  const info = departmentByCode.get(code);
  if (!info) throw new Error(`unknown department ${code}`);
  return info;
}

export function isDepartment(code: string): code is Department {
  return departmentByCode.has(code as Department);
}

export function programmesOf(dept: Department): ProgrammeInfo[] {
  return programmes.filter((p) => p.department === dept);
}

/**
 * The `Department` and `Programme` enums as SDL, built from the catalogue. Every subgraph that
 * names them includes this text, so the enums stay identical across subgraphs (composition
 * requires that for an enum used both as input and output).
 */
export const enumsSDL = `
"""The seven departments that federate their assistance data (部门)."""
enum Department {
${departments.map((d) => `  """${d.nameZh} ${d.nameEn}"""\n  ${d.code}`).join('\n')}
}

"""Assistance programmes of the catalogue (救助项目)."""
enum Programme {
${programmes.map((p) => `  """${p.nameZh} ${p.nameEn}"""\n  ${p.code}`).join('\n')}
}
`;

export const FREQUENCIES = ['MONTHLY', 'QUARTERLY', 'YEARLY', 'ONCE'] as const;
export type Frequency = (typeof FREQUENCIES)[number];
export const AWARD_STATUSES = ['PENDING', 'ACTIVE', 'SUSPENDED', 'ENDED', 'REJECTED'] as const;
export type AwardStatus = (typeof AWARD_STATUSES)[number];
