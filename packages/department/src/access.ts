import { assertMayReadDetails, assertPersonLevel, forbidden, inJurisdiction, isBound } from '@saf/service';
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

/**
 * One award of `department` by id (the root field `<department>Award`): for an officer of the
 * department, any of its awards; for caseworkers and the coordination office, those granted in
 * their jurisdiction (by the award's region). Officers of other departments read another
 * department's awards only on the persons and households they may see, never by id: an id is no
 * way around civil affairs' check. A bound caller (`isBound`) gets the same FORBIDDEN for an award
 * that does not exist as for one they may not see.
 */
export function awardById(department: string) {
  return async (_: unknown, { id }: { id: string }, ctx: DepartmentContext): Promise<AwardRow | null> => {
    const caller = assertPersonLevel(ctx.caller);
    const hidden = () => forbidden(`no ${department} award with this id that you may see`);
    if (caller.role === 'DEPARTMENT_OFFICER') {
      if (caller.department !== department) throw hidden();
      return ctx.loaders.awards.byId.load(id);
    }
    const award = await ctx.loaders.awards.byId.load(id);
    if (award ? inJurisdiction(caller, award.regionCode) : !isBound(caller)) return award;
    throw hidden();
  };
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
