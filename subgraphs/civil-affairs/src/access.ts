import { sql, type SQL } from 'drizzle-orm';
import type { Caller } from '@saf/auth';
import { assertPersonLevel, assertRegionWithin, forbidden, inJurisdiction, isBound } from '@saf/service';
import { paidBy } from './db/recipients.ts';
import { households, type HouseholdRow, type PersonRow } from './db/schema.ts';
import { paidKey, type Context } from './loaders.ts';

/**
 * Who sees which household (and its members, and through them every department's awards):
 * - caseworkers: households under their region prefix;
 * - the coordination office: everything, or under its region claim when it has one;
 * - department officers: the households their department pays (an award to a member or against
 *   the household, from the register `award_recipients`), and those under their region claim when
 *   their token carries one. Their department's work needs no more (SPEC §1).
 * A person is seen exactly when their household is.
 *
 * A record the caller may not see and one that does not exist get the same null + FORBIDDEN with
 * the same message (for everyone bound to a part of the records: `isBound`), so that no answer
 * tells whether an ID is registered, or receives aid, elsewhere.
 */
const HIDDEN_HOUSEHOLD = 'this household is outside your jurisdiction or not registered';
const HIDDEN_PERSON = 'this person is outside your jurisdiction or not registered';

async function maySee(ctx: Context, caller: Caller, household: HouseholdRow): Promise<boolean> {
  if (inJurisdiction(caller, household.regionCode)) return true;
  if (caller.role !== 'DEPARTMENT_OFFICER' || !caller.department) return false;
  return ctx.loaders.paid.load(paidKey(caller.department, household.id));
}

export async function visibleHousehold(ctx: Context, household: HouseholdRow | null): Promise<HouseholdRow | null> {
  const caller = assertPersonLevel(ctx.caller);
  if (household ? await maySee(ctx, caller, household) : !isBound(caller)) return household;
  throw forbidden(HIDDEN_HOUSEHOLD);
}

export async function visiblePerson(ctx: Context, person: PersonRow | null): Promise<PersonRow | null> {
  const caller = assertPersonLevel(ctx.caller);
  if (!isBound(caller)) return person;
  const household = person && (await ctx.loaders.household.load(person.householdId));
  if (household && (await maySee(ctx, caller, household))) return person;
  throw forbidden(HIDDEN_PERSON);
}

/**
 * The households of a list under `prefix` (region lists, search) the caller may see, as a
 * condition on `households`: undefined when they may see all of them. A caseworker or the
 * coordination office asks within their jurisdiction (FORBIDDEN otherwise); an officer gets the
 * households their department pays, and all of those under their region claim.
 */
export function householdScope(ctx: Context, prefix: string): SQL | undefined {
  const caller = assertPersonLevel(ctx.caller);
  if (caller.role !== 'DEPARTMENT_OFFICER') {
    assertRegionWithin(caller, prefix);
    return undefined;
  }
  if (!caller.department) throw forbidden('an officer without a department sees nothing');
  if (caller.region && prefix.startsWith(caller.region)) return undefined;
  const paid = paidBy(caller.department, households.id);
  return caller.region ? sql`(${households.regionCode} LIKE ${`${caller.region}%`} OR ${paid})` : paid;
}

/**
 * The register of recipients' accounts (SPEC section 11): the coordination office (its checks),
 * civil affairs' officers (who keep the register) and the officers of a department that pays the
 * person themselves (an award to them, from the register `award_recipients`): paying another member
 * of the household is not enough. Caseworkers, analysts and auditors never. Civil affairs has
 * checked the person's visibility before this.
 */
export async function assertMayReadAccounts(ctx: Context, person: PersonRow): Promise<void> {
  const caller = assertPersonLevel(ctx.caller);
  if (caller.role === 'COORDINATOR') return;
  if (caller.role === 'DEPARTMENT_OFFICER' && caller.department) {
    if (caller.department === 'CIVIL_AFFAIRS' || (await ctx.loaders.paidPerson.load(paidKey(caller.department, person.id)))) return;
  }
  throw forbidden("bank accounts are for the paying department's officers and the coordination office");
}
