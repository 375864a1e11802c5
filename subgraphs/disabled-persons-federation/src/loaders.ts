import DataLoader from 'dataloader';
import type { Db } from '@saf/db';
import type { DepartmentContext } from '@saf/department';
import type { DisabilityCertificateRow } from './db/schema.ts';
import { certificatesByPersonIds } from './db/queries.ts';
import type { createCertificateHolders } from './db/holders.ts';

export function createCertificateLoader(db: Db) {
  return new DataLoader<string, DisabilityCertificateRow[]>((ids) => certificatesByPersonIds(db, ids));
}

export type Context = DepartmentContext<{ certificates: ReturnType<typeof createCertificateLoader>; certificateHolders: ReturnType<typeof createCertificateHolders> }>;
