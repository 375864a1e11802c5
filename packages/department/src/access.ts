import { assertMayReadDetails, assertPersonLevel, forbidden, inJurisdiction } from '@saf/service';
import type { AwardRow } from './schema.ts';
import type { DepartmentContext } from './server.ts';

/**
 * The department's fields on Person and Household. They are reached through civil affairs,
 * which checks jurisdiction on the person or household; here the role is checked again.
 */
export function personAwards(p: { id: string }, _: unknown, ctx: DepartmentContext): Promise<AwardRow[]> {
  assertPersonLevel(ctx.caller);
  return ctx.loaders.awards.byPerson.load(p.id);
}

export function householdAwards(h: { id: string }, _: unknown, ctx: DepartmentContext): Promise<AwardRow[]> {
  assertPersonLevel(ctx.caller);
  return ctx.loaders.awards.byHousehold.load(h.id);
}

/** One award by id: within the caller's jurisdiction (by the award's region) only. */
export async function awardById(_: unknown, { id }: { id: string }, ctx: DepartmentContext): Promise<AwardRow | null> {
  const caller = assertPersonLevel(ctx.caller);
  const award = await ctx.loaders.awards.byId.load(id);
  if (award && !inJurisdiction(caller, award.regionCode)) throw forbidden(`award ${id} is outside your jurisdiction`);
  return award;
}

/**
 * A typed details field: the award's details when it is of one of `programmes`. Officers of
 * other departments see programme, period and status, not details.
 */
export function detailsField(department: string, programmes: readonly string[]) {
  return (award: AwardRow, _: unknown, ctx: DepartmentContext): Record<string, unknown> | null => {
    if (!programmes.includes(award.programme)) return null;
    assertMayReadDetails(ctx.caller, department);
    return award.details;
  };
}
