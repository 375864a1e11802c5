import type { Caller } from '@saf/auth';
import { forbidden } from './errors.ts';

/**
 * Who may see what (SPEC section 8). Each subgraph enforces these on its own fields with the
 * caller the gateway vouched for; the gateway itself decides nothing about data.
 */

/** Roles that may read person-level data at all (analysts get statistics, auditors the log). */
const PERSON_LEVEL_ROLES = new Set(['CASEWORKER', 'DEPARTMENT_OFFICER', 'COORDINATOR']);

export function canReadPersons(caller: Caller | null): boolean {
  return !!caller && PERSON_LEVEL_ROLES.has(caller.role);
}

/** Throws FORBIDDEN unless the caller may read person-level data. */
export function assertPersonLevel(caller: Caller | null): Caller {
  if (!caller) throw forbidden('no caller');
  if (!PERSON_LEVEL_ROLES.has(caller.role)) throw forbidden(`role ${caller.role} has no access to person-level data`);
  return caller;
}

/**
 * Whether a record filed under `regionCode` lies in the caller's jurisdiction: under their region
 * claim. Without one, everywhere for the coordination office and nowhere for anyone else: an
 * officer without a region sees only the people their department pays, which civil affairs
 * decides from its register (subgraphs/civil-affairs/src/access.ts).
 */
export function inJurisdiction(caller: Caller, regionCode: string | null | undefined): boolean {
  if (!caller.region) return caller.role === 'COORDINATOR';
  return !!regionCode && regionCode.startsWith(caller.region);
}

/**
 * Whether the caller sees only part of the records (a jurisdiction, or their department's
 * people): everyone but the coordination office without a region. A bound caller gets the same
 * FORBIDDEN, with the same message, for a record that does not exist as for one they may not see,
 * so that no answer tells whether an ID is registered, or receives aid, elsewhere.
 */
export function isBound(caller: Caller): boolean {
  return caller.role !== 'COORDINATOR' || !!caller.region;
}

/** A region prefix the caller asks about must lie within their own. */
export function assertRegionWithin(caller: Caller, prefix: string): void {
  if (caller.region && !prefix.startsWith(caller.region)) throw forbidden(`region ${prefix} is outside your jurisdiction ${caller.region}`);
  if (!caller.region && caller.role === 'CASEWORKER') throw forbidden('a caseworker without a jurisdiction sees nothing');
}

export function assertRole(caller: Caller | null, ...roles: Caller['role'][]): Caller {
  if (!caller || !roles.includes(caller.role)) throw forbidden(`only ${roles.join(' or ')} may do this`);
  return caller;
}

/**
 * Department-specific details of an award: the owning department and the coordination office
 * see them; officers of other departments see programme, period and status only.
 */
export function assertMayReadDetails(caller: Caller | null, department: string): void {
  const c = assertPersonLevel(caller);
  if (c.role === 'DEPARTMENT_OFFICER' && c.department !== department) throw forbidden(`details of ${department} awards are for ${department} only`);
}

/**
 * A department's own person-level records beyond awards that describe a household's means
 * (labour's incomes 收入, housing's properties 房产): read as an award's details are. Caseworkers
 * (within their jurisdiction, which civil affairs checks on the person before any department is
 * asked), the coordination office and the owning department's officers; officers of other
 * departments, analysts and auditors never.
 */
export function assertMayReadMeans(caller: Caller | null, department: string, what: string): Caller {
  const c = assertPersonLevel(caller);
  if (c.role === 'DEPARTMENT_OFFICER' && c.department !== department) throw forbidden(`${what} held by ${department} are for ${department}'s officers, caseworkers and the coordination office`);
  return c;
}

/**
 * A department's payments and the accounts they went to (SPEC section 11): the paying
 * department's officers and the coordination office (its checks); caseworkers, other departments'
 * officers, analysts and auditors never.
 */
export function assertMayReadPayments(caller: Caller | null, department: string): Caller {
  const c = assertPersonLevel(caller);
  if (c.role === 'COORDINATOR' || (c.role === 'DEPARTMENT_OFFICER' && c.department === department)) return c;
  throw forbidden(`payments of ${department} are for ${department}'s officers and the coordination office`);
}

/**
 * Duplicate-aid sweeps (比对) are the coordination office's work; a township or street platform
 * may sweep its own area. The same check guards the sweep and every department's part of a batch.
 */
export function assertMaySweep(caller: Caller | null, regionCode: string): Caller {
  const c = assertRole(caller, 'COORDINATOR', 'CASEWORKER');
  assertRegionWithin(c, regionCode);
  return c;
}
