import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { anyOf, rowsOf, type Db } from '@saf/db';
import type { Department } from '@saf/programmes';
import { awardRecipients, awards, households, persons } from './schema.ts';

/**
 * SQL: `department` pays the household `household` (an expression of its id): an award of the
 * department is recorded against it or paid to one of its members (membership as civil affairs
 * records it now). Civil affairs' own awards are in `awards`, the other departments' in the
 * register `award_recipients`. The one definition of "their own awards' people" (see access.ts).
 */
export function paidBy(department: Department, household: SQLWrapper): SQL {
  if (department === 'CIVIL_AFFAIRS') {
    return sql`(EXISTS (SELECT 1 FROM ${awards} WHERE ${awards.householdId} = ${household})
      OR EXISTS (SELECT 1 FROM ${awards} JOIN ${persons} ON ${persons.id} = ${awards.personId} WHERE ${persons.householdId} = ${household}))`;
  }
  return sql`(EXISTS (SELECT 1 FROM ${awardRecipients} WHERE ${awardRecipients.department} = ${department} AND ${awardRecipients.householdId} = ${household})
    OR EXISTS (SELECT 1 FROM ${awardRecipients} JOIN ${persons} ON ${persons.id} = ${awardRecipients.personId}
               WHERE ${awardRecipients.department} = ${department} AND ${persons.householdId} = ${household}))`;
}

/** Which of these households `department` pays, in key order. */
export async function paidHouseholds(db: Db, department: Department, ids: readonly string[]): Promise<boolean[]> {
  if (!ids.length) return [];
  const rows = await rowsOf<{ id: string }>(db, sql`SELECT ${households.id} AS id FROM ${households} WHERE ${anyOf(households.id, ids)} AND ${paidBy(department, households.id)}`);
  const paid = new Set(rows.map((r) => r.id));
  return ids.map((id) => paid.has(id));
}

/**
 * Which of these persons `department` pays themselves (an award of the department to the person,
 * whatever household it is filed under), in key order: whose registered accounts its officers
 * may read (SPEC section 11).
 */
export async function paidPersons(db: Db, department: Department, ids: readonly string[]): Promise<boolean[]> {
  if (!ids.length) return [];
  const rows =
    department === 'CIVIL_AFFAIRS'
      ? await rowsOf<{ id: string }>(db, sql`SELECT DISTINCT ${awards.personId} AS id FROM ${awards} WHERE ${anyOf(awards.personId, ids)}`)
      : await rowsOf<{ id: string }>(db, sql`SELECT DISTINCT ${awardRecipients.personId} AS id FROM ${awardRecipients} WHERE ${awardRecipients.department} = ${department} AND ${anyOf(awardRecipients.personId, ids)}`);
  const paid = new Set(rows.map((r) => r.id));
  return ids.map((id) => paid.has(id));
}
