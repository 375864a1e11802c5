import type { Caller } from '@saf/auth';
import { assertMaySweep, assertPersonLevel, assertRegionWithin, assertRole, forbidden, inJurisdiction } from '@saf/service';

/**
 * Findings are person-level data: caseworkers see those filed under their region, department
 * officers those that involve their department, the coordination office all of them.
 */
export function mayReadFinding(caller: Caller, finding: { regionCode: string; departments: string[] }): boolean {
  if (caller.role === 'DEPARTMENT_OFFICER') return !!caller.department && finding.departments.includes(caller.department);
  return inJurisdiction(caller, finding.regionCode);
}

export function assertMayReadFinding(caller: Caller | null, finding: { regionCode: string; departments: string[] }): Caller {
  const c = assertPersonLevel(caller);
  if (!mayReadFinding(c, finding)) throw forbidden('this finding is outside your jurisdiction');
  return c;
}

export { assertMaySweep, assertPersonLevel, assertRegionWithin, assertRole };
