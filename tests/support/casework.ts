import { makeResidentId } from '@saf/identity';

/**
 * Households for casework tests (SPEC section 10): each URBAN in 654002, with the members'
 * incomes and properties as given, and the local 低保 standard, 720 元 a month from 2025.
 */
export const STANDARD_FEN = 72_000;
export const STANDARD = { type: 'standard', id: 'MZ-STD-CW-1', department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_URBAN', regionCode: '654002', monthlyFen: STANDARD_FEN, startDate: '2025-01-01', endDate: null };

export interface MemberSpec {
  incomes?: { monthlyFen: number; startDate?: string; endDate?: string | null }[];
  properties?: { kind: string; acquiredDate?: string; disposedDate?: string | null }[];
  deathDate?: string | null;
}

export function meansHousehold(n: number, members: MemberSpec[], names = ['王建国', '阿依古丽·买买提', '李娜', '努尔兰', '张伟']) {
  const householdId = `H65400209${String(n).padStart(4, '0')}`;
  const persons = members.map((_, i) => makeResidentId('654002', `19${60 + i}-0${(i % 9) + 1}-1${i}`, 10 * n + 2 * i + 1));
  const records: object[] = [{ type: 'household', id: householdId, regionCode: '654002', hukou: 'URBAN', address: '伊宁市 解放路 9 号 3 单元' }];
  members.forEach((m, i) => {
    records.push({ type: 'person', id: persons[i], name: names[i % names.length], gender: 'MALE', birthDate: `19${60 + i}-0${(i % 9) + 1}-1${i}`, householdId, relation: i === 0 ? 'HEAD' : 'CHILD', deathDate: m.deathDate ?? null });
    (m.incomes ?? []).forEach((inc, j) => records.push({ type: 'income', id: `RS-CW-${n}-${i}-${j}`, department: 'LABOUR', personId: persons[i], source: 'WAGE', monthlyFen: inc.monthlyFen, startDate: inc.startDate ?? '2024-01-01', endDate: inc.endDate ?? null }));
    (m.properties ?? []).forEach((p, j) => records.push({ type: 'property', id: `ZJ-CW-${n}-${i}-${j}`, department: 'HOUSING', personId: persons[i], kind: p.kind, areaSqm: 60, acquiredDate: p.acquiredDate ?? '2015-01-01', disposedDate: p.disposedDate ?? null }));
  });
  return { householdId, persons, records };
}
