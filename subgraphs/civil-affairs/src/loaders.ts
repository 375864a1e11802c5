import DataLoader from 'dataloader';
import type { Caller } from '@saf/auth';
import type { Db } from '@saf/db';
import { createAwardLoaders } from '@saf/department';
import { observedBatch } from '@saf/service';
import { householdsByIds, membersByHouseholdIds, personsByIds } from './db/queries.ts';
import { createStandardLoader } from './db/standards.ts';

/** Made per request: a cache never outlives the request that filled it. */
export function createLoaders(db: Db) {
  return {
    awards: createAwardLoaders(db),
    household: new DataLoader(observedBatch('civilAffairs.household', (ids: readonly string[]) => householdsByIds(db, ids))),
    person: new DataLoader(observedBatch('civilAffairs.person', (ids: readonly string[]) => personsByIds(db, ids))),
    members: new DataLoader(observedBatch('civilAffairs.members', (ids: readonly string[]) => membersByHouseholdIds(db, ids))),
    standards: createStandardLoader(db),
  };
}

export interface Context {
  requestId: string;
  /** Who the gateway says is asking; null for the gateway's own calls. */
  caller: Caller | null;
  db: Db;
  loaders: ReturnType<typeof createLoaders>;
}
