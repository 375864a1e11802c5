import type { Caller } from '@saf/auth';
import { assertRegionWithin, forbidden, inJurisdiction } from '@saf/service';
import type { Context } from '../context.ts';

/**
 * Who may read the leading group's figures: any signed-in role, within their own jurisdiction
 * when they have one. Which figures they get (exact, or published with small cells withheld) is
 * publication.ts's; household lists (coverage gaps, late relief) are person-level: see
 * `canSeeHouseholds`.
 */
export function assertMayReadStatistics(ctx: Context, prefix: string): Caller {
  if (!ctx.caller) throw forbidden('statistics are for signed-in callers');
  assertRegionWithin(ctx.caller, prefix);
  return ctx.caller;
}

/**
 * The one place that decides whether a caller gets household numbers with a figure (the
 * households behind a coverage gap, late relief cases): caseworkers for households in their
 * jurisdiction (`regionCode` is the household's), and the coordination office. Analysts,
 * auditors and department officers get the counts only.
 */
export function canSeeHouseholds(ctx: Context, regionCode: string): boolean {
  const caller = ctx.caller;
  if (!caller) return false;
  if (caller.role !== 'CASEWORKER' && caller.role !== 'COORDINATOR') return false;
  return inJurisdiction(caller, regionCode);
}
