import { check, date, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

export { auditCheckpoints, awards, dataVersions, ingestStaging, outbox, payments } from '@saf/department/schema';

/** Registered households (户), keyed by the registry's household number. */
export const households = pgTable(
  'households',
  {
    id: text('id').primaryKey(),
    regionCode: text('region_code').notNull(),
    hukou: text('hukou').notNull(),
    address: text('address'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [index('households_region_code_idx').on(t.regionCode.op('text_pattern_ops'))],
);

/** Persons (人员) with identity, household membership and death as civil affairs records them. */
export const persons = pgTable(
  'persons',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    gender: text('gender').notNull(),
    birthDate: date('birth_date', { mode: 'string' }).notNull(),
    deathDate: date('death_date', { mode: 'string' }),
    householdId: text('household_id')
      .notNull()
      .references(() => households.id),
    relation: text('relation').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    index('persons_household_id_idx').on(t.householdId),
    index('persons_name_idx').on(t.name),
    check('persons_death_after_birth', sql`${t.deathDate} IS NULL OR ${t.deathDate} >= ${t.birthDate}`),
  ],
);

/**
 * Which department pays whom (救助对象登记): one row per award of another department, as the
 * loader commits it here with civil affairs' persons and households — the award's id, its
 * department, its person and household, and nothing else (no programme, amount, period or
 * details: those stay with the department). Civil affairs' own awards are in `awards`. It lets
 * civil affairs show a department's officers the persons and households their department pays
 * (see `src/access.ts`), and says which departments pay a household.
 */
export const awardRecipients = pgTable(
  'award_recipients',
  {
    department: text('department').notNull(),
    awardId: text('award_id').notNull(),
    personId: text('person_id').notNull(),
    householdId: text('household_id'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.department, t.awardId] }),
    index('award_recipients_person_id_idx').on(t.personId),
    index('award_recipients_household_id_idx').on(t.householdId),
  ],
);

export type HouseholdRow = typeof households.$inferSelect;
export type PersonRow = typeof persons.$inferSelect;

/**
 * Assistance standards (保障标准): the monthly amount per person civil affairs sets for a programme
 * in a region over a period (`standard` records, SPEC section 10): 低保 urban and rural, 特困
 * centralized and dispersed. `region_code` is a prefix (2 to 12 digits); a place gets the standard
 * of the longest prefix of its code whose period covers the day (standards.ts).
 */
export const standards = pgTable(
  'standards',
  {
    id: text('id').primaryKey(),
    programme: text('programme').notNull(),
    regionCode: text('region_code').notNull(),
    monthlyFen: integer('monthly_fen').notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    index('standards_region_code_idx').on(t.regionCode),
    check('standards_monthly_fen_check', sql`${t.monthlyFen} >= 0`),
    check('standards_period_check', sql`${t.endDate} IS NULL OR ${t.endDate} >= ${t.startDate}`),
  ],
);

export type StandardRow = typeof standards.$inferSelect;

/**
 * The register of recipients' bank accounts (一卡通 subsidy card and the like), kept by civil
 * affairs for every department (`bankAccount` records, SPEC section 11): the person it is
 * registered for, the bank, the number (in full: shown masked everywhere but a roll's bank file)
 * and who holds it. Read by the paying department's officers and the coordination office's checks.
 */
export const bankAccounts = pgTable(
  'bank_accounts',
  {
    id: text('id').primaryKey(),
    personId: text('person_id').notNull(),
    bank: text('bank').notNull(),
    accountNumber: text('account_number').notNull(),
    holderId: text('holder_id').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [index('bank_accounts_person_id_idx').on(t.personId), index('bank_accounts_account_number_idx').on(t.accountNumber)],
);

export type BankAccountRow = typeof bankAccounts.$inferSelect;
