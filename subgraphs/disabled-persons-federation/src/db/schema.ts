export { auditCheckpoints, awards, dataVersions, ingestStaging, payments } from '@saf/department/schema';

import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Disability certificates (残疾人证) issued by the federation. */
export const disabilityCertificates = pgTable(
  'disability_certificates',
  {
    id: text('id').primaryKey(),
    personId: text('person_id').notNull(),
    category: text('category').notNull(),
    grade: integer('grade').notNull(),
    issuedDate: date('issued_date', { mode: 'string' }).notNull(),
    validUntil: date('valid_until', { mode: 'string' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    index('disability_certificates_person_id_idx').on(t.personId),
    check('disability_certificates_grade_check', sql`${t.grade} BETWEEN 1 AND 4`),
  ],
);

export type DisabilityCertificateRow = typeof disabilityCertificates.$inferSelect;
