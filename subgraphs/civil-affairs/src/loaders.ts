import DataLoader from 'dataloader';
import type { Caller } from '@saf/auth';
import type { Db } from '@saf/db';
import { createAwardLoaders, createPaymentLoader } from '@saf/department';
import { createAccountLoader } from './db/accounts.ts';
import { observedBatch } from '@saf/service';
import type { Department } from '@saf/programmes';
import { householdsByIds, membersByHouseholdIds, personsByIds } from './db/queries.ts';
import { createStandardLoader } from './db/standards.ts';
import { paidHouseholds, paidPersons } from './db/recipients.ts';

/** Whether a department pays a household (or a person), by `department id` keys: one query per department. */
function paidLoader(db: Db, paid: typeof paidHouseholds = paidHouseholds, name = 'civilAffairs.paid') {
  return new DataLoader<string, boolean>(
    observedBatch(name, async (keys: readonly string[]) => {
      const byDepartment = new Map<Department, string[]>();
      for (const key of keys) {
        const [department, id] = splitKey(key);
        byDepartment.set(department, [...(byDepartment.get(department) ?? []), id]);
      }
      const answers = new Map<string, boolean>();
      for (const [department, ids] of byDepartment) {
        const answer = await paid(db, department, ids);
        ids.forEach((id, i) => answers.set(paidKey(department, id), answer[i]!));
      }
      return keys.map((k) => answers.get(k) ?? false);
    }),
  );
}

export const paidKey = (department: Department, householdId: string): string => `${department} ${householdId}`;
const splitKey = (key: string): [Department, string] => {
  const at = key.indexOf(' ');
  return [key.slice(0, at) as Department, key.slice(at + 1)];
};

/** Made per request: a cache never outlives the request that filled it. */
export function createLoaders(db: Db) {
  return {
    awards: createAwardLoaders(db),
    household: new DataLoader(observedBatch('civilAffairs.household', (ids: readonly string[]) => householdsByIds(db, ids))),
    person: new DataLoader(observedBatch('civilAffairs.person', (ids: readonly string[]) => personsByIds(db, ids))),
    members: new DataLoader(observedBatch('civilAffairs.members', (ids: readonly string[]) => membersByHouseholdIds(db, ids))),
    /** Whether a department pays a household (`paidKey`): what its officers may see. */
    paid: paidLoader(db),
    /** Whether a department pays a person themselves (`paidKey` with the person's id): whose accounts its officers read. */
    paidPerson: paidLoader(db, paidPersons, 'civilAffairs.paidPerson'),
    standards: createStandardLoader(db),
    payments: createPaymentLoader(db),
    accounts: createAccountLoader(db),
  };
}

export interface Context {
  requestId: string;
  /** Who the gateway says is asking; null for the gateway's own calls. */
  caller: Caller | null;
  db: Db;
  loaders: ReturnType<typeof createLoaders>;
}
