export { auditCheckpoints, awards, dataVersions, ingestStaging, outbox, payments } from '@saf/department/schema';

import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Incomes (收入) labour knows of a person: wages from social insurance contributions, pensions,
 * unemployment insurance benefit…, as a monthly amount over a period. Loaded as `income`
 * records (SPEC section 10); the economic check (核对) sums those covering a day.
 */
export const incomes = pgTable(
  'incomes',
  {
    id: text('id').primaryKey(),
    personId: text('person_id').notNull(),
    source: text('source').notNull(),
    monthlyFen: integer('monthly_fen').notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    index('incomes_person_id_idx').on(t.personId),
    check('incomes_monthly_fen_check', sql`${t.monthlyFen} >= 0`),
    check('incomes_period_check', sql`${t.endDate} IS NULL OR ${t.endDate} >= ${t.startDate}`),
  ],
);

export type IncomeRow = typeof incomes.$inferSelect;
