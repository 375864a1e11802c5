export { auditCheckpoints, awards, dataVersions, ingestStaging, outbox, payments } from '@saf/department/schema';

import { sql } from 'drizzle-orm';
import { check, date, index, numeric, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Properties (房产、土地) housing registers for a person (不动产登记), held from acquisition until
 * disposal. Loaded as `property` records (SPEC section 10); the economic check (核对) looks at
 * what a household's members hold on a day.
 */
export const properties = pgTable(
  'properties',
  {
    id: text('id').primaryKey(),
    personId: text('person_id').notNull(),
    kind: text('kind').notNull(),
    /** Square metres to the hundredth, exactly as registered. */
    areaSqm: numeric('area_sqm', { precision: 12, scale: 2, mode: 'number' }).notNull(),
    acquiredDate: date('acquired_date', { mode: 'string' }).notNull(),
    disposedDate: date('disposed_date', { mode: 'string' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    index('properties_person_id_idx').on(t.personId),
    check('properties_area_sqm_check', sql`${t.areaSqm} > 0`),
    check('properties_period_check', sql`${t.disposedDate} IS NULL OR ${t.disposedDate} >= ${t.acquiredDate}`),
  ],
);

export type PropertyRow = typeof properties.$inferSelect;
