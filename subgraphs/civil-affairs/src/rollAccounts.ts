import { asc } from 'drizzle-orm';
import { anyOf } from '@saf/db';
import { toSweepRows } from '@saf/interchange';
import { assertRole, badInput } from '@saf/service';
import { paidPersons } from './db/recipients.ts';
import { accountRegistrationRows } from './db/accounts.ts';
import { bankAccounts } from './db/schema.ts';
import type { Context } from './loaders.ts';

export const ROLL_ACCOUNT_COLUMNS = ['id', 'personId', 'bank', 'accountNumber', 'holderId'] as const;

/**
 * `_internalRollAccounts`: the registered accounts of the persons a roll pays, for an officer of
 * the paying department, of the persons their department pays (SPEC section 11: account data for
 * the paying department). Full numbers: they go into the roll's bank file and nowhere else.
 */
export async function rollAccounts(_: unknown, { personIds }: { personIds: string[] }, ctx: Context) {
  const caller = assertRole(ctx.caller, 'DEPARTMENT_OFFICER');
  if (personIds.length > 5000) throw badInput('at most 5000 personIds at once', 'personIds');
  const paid = caller.department ? await paidPersons(ctx.db, caller.department, personIds) : personIds.map(() => false);
  const allowed = personIds.filter((_, i) => paid[i]);
  if (!allowed.length) return toSweepRows(ROLL_ACCOUNT_COLUMNS, []);
  const rows = await ctx.db.select().from(bankAccounts).where(anyOf(bankAccounts.personId, allowed)).orderBy(asc(bankAccounts.personId), asc(bankAccounts.id));
  return { columns: ROLL_ACCOUNT_COLUMNS, rows: rows.map((r) => [r.id, r.personId, r.bank, r.accountNumber, r.holderId]) };
}

/**
 * `_internalAccountRegistrations`: every registration of the account numbers a payment check met
 * (ACCOUNT_NOT_RECIPIENT tells someone else's account from one nobody registered). The
 * coordination office only, within its region when bound to one (`accountRegistrationRows`).
 */
export async function accountRegistrations(_: unknown, { accountNumbers }: { accountNumbers: string[] }, ctx: Context) {
  const caller = assertRole(ctx.caller, 'COORDINATOR');
  if (accountNumbers.length > 5000) throw badInput('at most 5000 accountNumbers at once', 'accountNumbers');
  return accountRegistrationRows(ctx.db, [...new Set(accountNumbers)], caller.region ?? null);
}
