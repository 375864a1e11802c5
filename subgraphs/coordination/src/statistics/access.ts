import type { Caller } from '@saf/auth';
import { assertRegionWithin, forbidden, inJurisdiction } from '@saf/service';
import type { Context } from '../context.ts';

/**
 * Who sees what of the leading group's figures. Every figure is aggregate and suppressed, so any
 * signed-in role may read them, within their own jurisdiction when they have one. Household lists
 * (coverage gaps, late relief) are person-level: see `canSeeHouseholds`.
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

/**
 * The coordination office reads the departments' raw figures and internal recipient lists as
 * itself, on the caller's behalf (the sub says for whom, for the access log): only suppressed
 * figures, and household numbers `canSeeHouseholds` allows, leave this subgraph.
 */
export function officeCaller(caller: Caller): Caller {
  return { sub: `coordination office for ${caller.sub}`.slice(0, 200), role: 'COORDINATOR' };
}
