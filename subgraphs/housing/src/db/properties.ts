import DataLoader from 'dataloader';
import { asc, sql } from 'drizzle-orm';
import { anyOf, type Db } from '@saf/db';
import { rowCount, type IngestKind } from '@saf/department';
import { observedBatch } from '@saf/service';
import { properties, type PropertyRow } from './schema.ts';

/** Property records: insert new, replace changed, leave identical rows untouched (a re-load changes nothing). */
export const propertyKind: IngestKind = {
  type: 'property',
  statistics: { table: properties, columns: [properties.personId] },
  commit: async (tx, loadId) =>
    rowCount(
      await tx.execute(sql`
        INSERT INTO properties (id, person_id, kind, area_sqm, acquired_date, disposed_date)
        SELECT r.id, r."personId", r.kind, r."areaSqm", r."acquiredDate"::date, r."disposedDate"::date
        FROM ingest_staging s, jsonb_to_record(s.payload) AS r(id text, "personId" text, kind text, "areaSqm" numeric(12, 2),
          "acquiredDate" text, "disposedDate" text)
        WHERE s.load_id = ${loadId} AND s.kind = 'property'
        ON CONFLICT (id) DO UPDATE SET person_id = excluded.person_id, kind = excluded.kind, area_sqm = excluded.area_sqm,
          acquired_date = excluded.acquired_date, disposed_date = excluded.disposed_date, updated_at = now()
        WHERE (properties.person_id, properties.kind, properties.area_sqm, properties.acquired_date, properties.disposed_date)
          IS DISTINCT FROM (excluded.person_id, excluded.kind, excluded.area_sqm, excluded.acquired_date, excluded.disposed_date)`),
    ),
};

/** Each person's properties, earliest acquired first: one query for all of them. */
export async function propertiesByPersonIds(db: Db, ids: readonly string[]): Promise<PropertyRow[][]> {
  const rows = await db.select().from(properties).where(anyOf(properties.personId, ids)).orderBy(asc(properties.acquiredDate), asc(properties.id));
  const groups = new Map<string, PropertyRow[]>(ids.map((id) => [id, []]));
  for (const row of rows) groups.get(row.personId)?.push(row);
  return ids.map((id) => groups.get(id)!);
}

/** Per request: N persons in one tick are one SQL query. */
export function createPropertyLoader(db: Db) {
  return new DataLoader<string, PropertyRow[]>(observedBatch('housing.properties', (ids) => propertiesByPersonIds(db, ids)));
}
