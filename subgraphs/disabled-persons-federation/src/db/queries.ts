import { asc, inArray } from 'drizzle-orm';
import type { Db } from '@saf/db';
import { disabilityCertificates, type DisabilityCertificateRow } from './schema.ts';

export async function certificatesByPersonIds(db: Db, ids: readonly string[]): Promise<DisabilityCertificateRow[][]> {
  const rows = await db
    .select()
    .from(disabilityCertificates)
    .where(inArray(disabilityCertificates.personId, [...ids]))
    .orderBy(asc(disabilityCertificates.issuedDate));
  const groups = new Map<string, DisabilityCertificateRow[]>(ids.map((id) => [id, []]));
  for (const row of rows) groups.get(row.personId)?.push(row);
  return ids.map((id) => groups.get(id) ?? []);
}
