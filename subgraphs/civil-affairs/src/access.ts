import { assertPersonLevel, forbidden, inJurisdiction } from '@saf/service';
import type { HouseholdRow, PersonRow } from './db/schema.ts';
import type { Context } from './loaders.ts';

/**
 * Jurisdiction is the household's region code: a caseworker sees households (and their members)
 * under their prefix, nothing else — not even whether a record exists elsewhere.
 */
export function visibleHousehold(ctx: Context, household: HouseholdRow | null): HouseholdRow | null {
  const caller = assertPersonLevel(ctx.caller);
  if (household && !inJurisdiction(caller, household.regionCode)) throw forbidden('this household is outside your jurisdiction');
  return household;
}

export async function visiblePerson(ctx: Context, person: PersonRow | null): Promise<PersonRow | null> {
  const caller = assertPersonLevel(ctx.caller);
  if (!person) return null;
  // Callers without a jurisdiction (coordination office, officers) need no household lookup.
  if (!caller.region && caller.role !== 'CASEWORKER') return person;
  const household = await ctx.loaders.household.load(person.householdId);
  if (!inJurisdiction(caller, household?.regionCode)) throw forbidden('this person is outside your jurisdiction');
  return person;
}
