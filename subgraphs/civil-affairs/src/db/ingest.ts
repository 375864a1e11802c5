import { sql } from 'drizzle-orm';
import { awardKind, rowCount, type IngestKind } from '@saf/department';
import { checkDetails } from '../details.ts';
import { households, persons } from './schema.ts';
import { standardKind } from './standards.ts';

/** Households first: persons reference them. Identical rows are left untouched. */
const householdKind: IngestKind = {
  type: 'household',
  statistics: { table: households, columns: [households.id, households.regionCode] },
  commit: async (tx, loadId) =>
    rowCount(
      await tx.execute(sql`
        INSERT INTO households (id, region_code, hukou, address)
        SELECT r.id, r."regionCode", r.hukou, r.address
        FROM ingest_staging s, jsonb_to_record(s.payload) AS r(id text, "regionCode" text, hukou text, address text)
        WHERE s.load_id = ${loadId} AND s.kind = 'household'
        ON CONFLICT (id) DO UPDATE SET region_code = excluded.region_code, hukou = excluded.hukou,
          address = excluded.address, updated_at = now()
        WHERE (households.region_code, households.hukou, households.address)
          IS DISTINCT FROM (excluded.region_code, excluded.hukou, excluded.address)`),
    ),
};

const personKind: IngestKind = {
  type: 'person',
  statistics: { table: persons, columns: [persons.id, persons.householdId, persons.name] },
  commit: async (tx, loadId) =>
    rowCount(
      await tx.execute(sql`
        INSERT INTO persons (id, name, gender, birth_date, death_date, household_id, relation)
        SELECT r.id, r.name, r.gender, r."birthDate"::date, r."deathDate"::date, r."householdId", r.relation
        FROM ingest_staging s, jsonb_to_record(s.payload) AS r(id text, name text, gender text, "birthDate" text,
          "deathDate" text, "householdId" text, relation text)
        WHERE s.load_id = ${loadId} AND s.kind = 'person'
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, gender = excluded.gender, birth_date = excluded.birth_date,
          death_date = excluded.death_date, household_id = excluded.household_id, relation = excluded.relation, updated_at = now()
        WHERE (persons.name, persons.gender, persons.birth_date, persons.death_date, persons.household_id, persons.relation)
          IS DISTINCT FROM (excluded.name, excluded.gender, excluded.birth_date, excluded.death_date, excluded.household_id, excluded.relation)`),
    ),
};

/** In commit order. */
export const ingestKinds: IngestKind[] = [householdKind, personKind, { ...awardKind, check: checkDetails }, standardKind];
