import { sql } from 'drizzle-orm';
import { rowCount, type IngestKind } from '@saf/department';
import { disabilityCertificates } from './schema.ts';

export const certificateKind: IngestKind = {
  type: 'disabilityCertificate',
  statistics: { table: disabilityCertificates, columns: [disabilityCertificates.personId, disabilityCertificates.category, disabilityCertificates.grade] },
  commit: async (tx, loadId) =>
    rowCount(
      await tx.execute(sql`
        INSERT INTO disability_certificates (id, person_id, category, grade, issued_date, valid_until)
        SELECT r.id, r."personId", r.category, r.grade, r."issuedDate"::date, r."validUntil"::date
        FROM ingest_staging s, jsonb_to_record(s.payload) AS r(id text, "personId" text, category text, grade integer,
          "issuedDate" text, "validUntil" text)
        WHERE s.load_id = ${loadId} AND s.kind = 'disabilityCertificate'
        ON CONFLICT (id) DO UPDATE SET person_id = excluded.person_id, category = excluded.category, grade = excluded.grade,
          issued_date = excluded.issued_date, valid_until = excluded.valid_until, updated_at = now()
        WHERE (disability_certificates.person_id, disability_certificates.category, disability_certificates.grade,
               disability_certificates.issued_date, disability_certificates.valid_until)
          IS DISTINCT FROM (excluded.person_id, excluded.category, excluded.grade, excluded.issued_date, excluded.valid_until)`),
    ),
};
