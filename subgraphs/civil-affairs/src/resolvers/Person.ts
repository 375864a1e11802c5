import { personAwards, personPayments } from '@saf/department';
import { maskAccountNumber } from '@saf/interchange';
import { assertMayReadAccounts, visiblePerson } from '../access.ts';
import type { BankAccountRow, PersonRow } from '../db/schema.ts';
import type { Context } from '../loaders.ts';

export const Person = {
  __resolveReference: async (ref: { id: string }, ctx: Context) => visiblePerson(ctx, await ctx.loaders.person.load(ref.id)),
  household: (p: PersonRow, _: unknown, ctx: Context) => ctx.loaders.household.load(p.householdId),
  civilAffairsAwards: personAwards,
  civilAffairsPayments: personPayments('CIVIL_AFFAIRS'),
  bankAccounts: async (p: PersonRow, _: unknown, ctx: Context) => {
    await assertMayReadAccounts(ctx, p);
    return ctx.loaders.accounts.load(p.id);
  },
};

/** An account as the graph shows it: the number masked to its last 4 digits. */
export const BankAccount = {
  accountNumber: (a: BankAccountRow) => maskAccountNumber(a.accountNumber),
};
