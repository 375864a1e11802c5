import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * A department's awards (救助记录), one row per award as loaded. Every department subgraph has
 * this table in its own database; department-specific fields live in `details`, validated per
 * programme by the subgraph that owns it.
 */
export const awards = pgTable(
  'awards',
  {
    id: text('id').primaryKey(),
    programme: text('programme').notNull(),
    personId: text('person_id').notNull(),
    householdId: text('household_id'),
    regionCode: text('region_code').notNull(),
    amountFen: integer('amount_fen').notNull(),
    frequency: text('frequency').notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }),
    status: text('status').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    index('awards_person_id_idx').on(t.personId),
    index('awards_household_id_idx').on(t.householdId),
    index('awards_region_code_idx').on(t.regionCode.op('text_pattern_ops')),
    check('awards_amount_fen_check', sql`${t.amountFen} >= 0`),
    check('awards_period_check', sql`${t.endDate} IS NULL OR ${t.endDate} >= ${t.startDate}`),
  ],
);

/**
 * Records of a load in progress. A load stages every batch here, then one transaction moves
 * them into the real tables, so a load interrupted at any point leaves the tables as they were.
 */
export const ingestStaging = pgTable(
  'ingest_staging',
  {
    loadId: text('load_id').notNull(),
    line: integer('line').notNull(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    stagedAt: timestamp('staged_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.loadId, t.line] })],
);

/**
 * The access log's checkpoints this department witnessed (witness.ts): the audit service's head
 * (seq, chain hash) as the gateway forwarded it, when it arrived, and this service's
 * countersignature. Kept here, in a database the audit service's operators do not hold, so a
 * rewrite or truncation of the log shows against them (`npm run audit:verify`). Append-only
 * (a trigger refuses UPDATE, DELETE and TRUNCATE). Two hashes for one seq are both kept: the
 * disagreement is the evidence.
 */
export const auditCheckpoints = pgTable(
  'audit_checkpoints',
  {
    seq: bigint('seq', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
    /** ISO 8601 text, as countersigned. */
    at: text('at').notNull(),
    /** The id of the key that countersigned it: a rotated signing secret gives later rows a new one. */
    keyId: text('key_id').notNull(),
    signature: text('signature').notNull(),
  },
  (t) => [primaryKey({ columns: [t.seq, t.hash] })],
);

/**
 * One row per load commit that changed something (written in the commit's own transaction): the
 * department's data version. The coordination office keeps its statistics computed from a
 * department's data and recomputes them when the version changes. Rows are only ever inserted, so
 * concurrent commits (one held prepared) never wait for each other here; the version is the
 * number of rows and the token of the latest, which every commit changes.
 */
export const dataVersions = pgTable('data_versions', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  token: uuid('token').notNull().defaultRandom(),
  committedAt: timestamp('committed_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
});

/**
 * Payments (发放记录) the department made for its awards, one row per payment as loaded (`payment`
 * records, SPEC section 11) or as a reconciled payment roll's line becomes one: the month paid for
 * (`period`), the amount, the account it went to (in full: shown masked everywhere but a roll's
 * bank file) and how it ended at the bank. Every department subgraph has this table in its own
 * database.
 */
export const payments = pgTable(
  'payments',
  {
    id: text('id').primaryKey(),
    awardId: text('award_id').notNull(),
    personId: text('person_id').notNull(),
    /** `YYYY-MM`: the month paid for, which the rules judge (not the paid date). */
    period: text('period').notNull(),
    amountFen: integer('amount_fen').notNull(),
    accountNumber: text('account_number').notNull(),
    paidDate: date('paid_date', { mode: 'string' }),
    status: text('status').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    index('payments_person_id_idx').on(t.personId),
    index('payments_period_idx').on(t.period),
    index('payments_award_id_idx').on(t.awardId),
    check('payments_amount_fen_check', sql`${t.amountFen} >= 0`),
  ],
);

export type AwardRow = typeof awards.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;

/**
 * Events for the coordination office's dynamic management (动态管理, SPEC section 10), written
 * by a trigger in the same transaction as the change (a death, a new income or property record),
 * and kept until the office has turned them into review tasks for every department paying the
 * household (outbox.ts): an event is never lost, whoever is down when it happens. Only the
 * services that emit such events have this table (civil affairs, labour, housing).
 */
export const outbox = pgTable(
  'outbox',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    /** DEATH, INCOME or PROPERTY. */
    kind: text('kind').notNull(),
    personId: text('person_id').notNull(),
    /** The record that changed (the person, the income or property record). */
    recordId: text('record_id').notNull(),
    /** The day it takes effect (date of death, start of the income, acquisition). */
    eventDate: date('event_date', { mode: 'string' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    /** When the coordination office acknowledged it; null while it waits. */
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [index('outbox_waiting_idx').on(t.seq).where(sql`delivered_at IS NULL`)],
);
