import type { Caller } from '@saf/auth';
import { assertMaySweep, assertPersonLevel, assertRegionWithin, assertRole, forbidden, inJurisdiction, isBound } from '@saf/service';
import type { Context } from './context.ts';
import { findingFor, type FindingData, type FindingView } from './findingView.ts';

/**
 * Findings are person-level data. What of one a caller sees is `findingFor`'s to decide; here,
 * which stored findings they may look up at all, and who may review one.
 */

/** Officers read the stored findings that involve their own department (the lists filter the same way). */
export function inDepartmentScope(caller: Caller, finding: { departments: string[] }): boolean {
  return caller.role !== 'DEPARTMENT_OFFICER' || (!!caller.department && finding.departments.includes(caller.department));
}

// The same words for a finding that does not exist as for one the caller may not see.
const HIDDEN_FINDING = 'no finding with this id that you may see';

/**
 * A stored finding by id, as this caller may see it; FORBIDDEN when they may see none of it or
 * there is none (null only for the coordination office without a region, which sees all).
 */
export async function readableFinding(ctx: Context, id: string): Promise<FindingView | null> {
  const caller = assertPersonLevel(ctx.caller);
  const row = await ctx.loaders.finding.load(id);
  const view = row && inDepartmentScope(caller, row) ? findingFor(caller, row, ctx.maskKey) : null;
  if (view || (!row && !isBound(caller))) return view;
  throw forbidden(HIDDEN_FINDING);
}

/**
 * Confirming or dismissing a finding takes it off (or keeps it on) a caseworker's open list, so
 * it is for someone accountable for the place it is filed under who sees the whole of it: a
 * caseworker or the coordination office in whose jurisdiction it lies, or an officer of a
 * department it involves whose token carries that jurisdiction. An officer without a region
 * reads their department's findings but reviews none: their department pays across the
 * prefecture, and a decision anywhere there would let one office hide another's duplicates.
 */
export function assertMayReview(caller: Caller, finding: FindingData & { masked: boolean }): void {
  if (finding.masked) throw forbidden('this finding involves persons outside your jurisdiction: their civil affairs office reviews it');
  if (caller.role === 'DEPARTMENT_OFFICER' && !caller.region) throw forbidden('an officer reviews findings only within a jurisdiction (a region claim in their token)');
  if (!inJurisdiction(caller, finding.regionCode)) throw forbidden('this finding is filed outside your jurisdiction');
}

export { assertMaySweep, assertPersonLevel, assertRegionWithin, assertRole };
