import { DEPARTMENTS, type Department } from '@saf/programmes';

/** The short names caseworkers use when they pick up the phone (民政, 人社, …). */
const SHORT_NAMES: Record<Department, { zh: string; en: string }> = {
  CIVIL_AFFAIRS: { zh: '民政', en: 'Civil Affairs' },
  LABOUR: { zh: '人社', en: 'Human Resources and Social Security' },
  HEALTH: { zh: '卫健/医保', en: 'Health and Medical Security' },
  EDUCATION: { zh: '教育', en: 'Education' },
  HOUSING: { zh: '住建', en: 'Housing and Urban-Rural Development' },
  JUSTICE: { zh: '司法', en: 'Justice' },
  DISABLED_PERSONS_FEDERATION: { zh: '残联', en: "the Disabled Persons' Federation" },
};

const order = new Map<string, number>(DEPARTMENTS.map((d, i) => [d, i]));

export function departmentShortName(code: string, lang: 'zh' | 'en'): string {
  return SHORT_NAMES[code as Department]?.[lang] ?? code;
}

/** Distinct departments in catalogue order (unknown codes last, alphabetically). */
export function sortDepartments(codes: Iterable<string>): string[] {
  const rank = (code: string) => order.get(code) ?? DEPARTMENTS.length;
  return [...new Set(codes)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}
