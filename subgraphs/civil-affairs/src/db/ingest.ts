import { sql } from 'drizzle-orm';
import { awardKind, paymentKind, rowCount, type IngestKind } from '@saf/department';
import { AWARD_RECIPIENT, validateAwardRecipient } from '@saf/interchange';
import { checkDetails } from '../details.ts';
import { awardRecipients, households, persons } from './schema.ts';
import { standardKind } from './standards.ts';
import { bankAccountKind } from './accounts.ts';

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

/**
 * Other departments' awards, as the register of who pays whom (`award_recipients`): the loader
 * sends one for each award of another department in the file, and they are committed with the
 * persons and households in civil affairs' one transaction (a re-load changes nothing).
 */
const awardRecipientKind: IngestKind = {
  type: AWARD_RECIPIENT,
  validate: validateAwardRecipient,
  statistics: { table: awardRecipients, columns: [awardRecipients.personId, awardRecipients.householdId, awardRecipients.department] },
  commit: async (tx, loadId) =>
    rowCount(
      await tx.execute(sql`
        INSERT INTO award_recipients (department, award_id, person_id, household_id)
        SELECT r.department, r.id, r."personId", r."householdId"
        FROM ingest_staging s, jsonb_to_record(s.payload) AS r(department text, id text, "personId" text, "householdId" text)
        WHERE s.load_id = ${loadId} AND s.kind = ${AWARD_RECIPIENT}
        ON CONFLICT (department, award_id) DO UPDATE SET person_id = excluded.person_id, household_id = excluded.household_id, updated_at = now()
        WHERE (award_recipients.person_id, award_recipients.household_id) IS DISTINCT FROM (excluded.person_id, excluded.household_id)`),
    ),
};

/** In commit order. */
export const ingestKinds: IngestKind[] = [householdKind, personKind, { ...awardKind, check: checkDetails }, awardRecipientKind, standardKind, bankAccountKind, paymentKind];

/** What an approved application writes here (`/grants`): its awards, and the register's record of another department's. */
export const grantKinds: IngestKind[] = [{ ...awardKind, check: checkDetails }, awardRecipientKind];
