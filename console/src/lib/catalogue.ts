import catalogue from '@saf/programmes/catalogue.json' with { type: 'json' };
import type { Lang } from './format.ts';

// The programme catalogue is bundled (no request for it): it is the same data the graph validates against.

export const DEPARTMENTS = ['CIVIL_AFFAIRS', 'LABOUR', 'HEALTH', 'EDUCATION', 'HOUSING', 'JUSTICE', 'DISABLED_PERSONS_FEDERATION'] as const;
export type Department = (typeof DEPARTMENTS)[number];

export interface Programme {
  code: string;
  department: Department;
  repeatable: boolean;
  nameZh: string;
  nameEn: string;
}

export const PROGRAMMES: readonly Programme[] = catalogue.programmes as Programme[];
const byCode = new Map(PROGRAMMES.map((p) => [p.code, p]));

export function programmesOf(department: Department | ''): Programme[] {
  return PROGRAMMES.filter((p) => p.department === department);
}

export function programmeName(code: string, lang: Lang): string {
  const p = byCode.get(code);
  if (!p) return code;
  return lang === 'zh' ? p.nameZh : p.nameEn;
}

/** Supergraph subgraph name → department (for errors naming `extensions.serviceName`). */
const BY_SUBGRAPH = new Map(catalogue.departments.map((d) => [d.subgraph, d.code as Department]));
export function departmentOfService(serviceName: string): Department | null {
  return BY_SUBGRAPH.get(serviceName) ?? null;
}

export function isDepartment(value: string): value is Department {
  return (DEPARTMENTS as readonly string[]).includes(value);
}
