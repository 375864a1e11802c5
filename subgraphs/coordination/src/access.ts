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
 * A stored finding by id, when this caller may see all of it; FORBIDDEN alike when they may not
 * or there is none (null only for the coordination office without a region, which sees all). A
 * finding they may see only in part is shown where it concerns their people (the person's
 * findings, their department's list), never by id: its id is a hash of both persons' IDs, and an
 * answer by id would let anyone who knows one ID try the other's until it answered.
 */
export async function readableFinding(ctx: Context, id: string): Promise<FindingView | null> {
  const caller = assertPersonLevel(ctx.caller);
  const row = await ctx.loaders.finding.load(id);
  const view = row && inDepartmentScope(caller, row) ? findingFor(caller, row, ctx.maskKey) : null;
  if ((view && !view.masked) || (!row && !isBound(caller))) return view;
  throw forbidden(HIDDEN_FINDING);
}

/**
 * Confirming or dismissing a finding takes it off (or keeps it on) a caseworker's open list, so
 * it is for someone accountable for the place it is filed under who sees the whole of it
 * (`readableFinding` gives no other): a
 * caseworker or the coordination office in whose jurisdiction it lies, or an officer of a
 * department it involves whose token carries that jurisdiction. An officer without a region
 * reads their department's findings but reviews none: their department pays across the
 * prefecture, and a decision anywhere there would let one office hide another's duplicates.
 */
export function assertMayReview(caller: Caller, finding: FindingData): void {
  if (caller.role === 'DEPARTMENT_OFFICER' && !caller.region) throw forbidden('an officer reviews findings only within a jurisdiction (a region claim in their token)');
  if (!inJurisdiction(caller, finding.regionCode)) throw forbidden('this finding is filed outside your jurisdiction');
}

export { assertMaySweep, assertPersonLevel, assertRegionWithin, assertRole };
