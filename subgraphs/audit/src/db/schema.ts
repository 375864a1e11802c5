import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * The access log (访问日志): one row per request that read person-level data, chained by hash
 * (`@saf/auth` appendEntry). Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE
 * (migration 0001_append_only). `at` is text because it is hashed as written.
 * keep in sync with AuditEntry in packages/auth/src/audit.ts.
 */
export const accessLog = pgTable(
  'access_log',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    at: text('at').notNull(),
    sub: text('sub').notNull(),
    role: text('role').notNull(),
    region: text('region'),
    department: text('department'),
    purpose: text('purpose').notNull(),
    operation: text('operation').notNull(),
    subjectIds: text('subject_ids').array().notNull(),
    requestId: text('request_id').notNull(),
    /** The chain key's id (HMAC-SHA256); null for entries from before the chain was keyed (plain SHA-256). */
    keyId: text('key_id'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('access_log_subject_ids_idx').using('gin', t.subjectIds)],
);

/**
 * The last entry written (seq and hash), one row. A hash chain cannot show that its end was cut
 * off; comparing with this head can. Its trigger lets the head only move forward.
 */
export const accessLogHead = pgTable(
  'access_log_head',
  {
    id: integer('id').primaryKey().default(1),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [check('access_log_head_single_row', sql`${t.id} = 1`)],
);

export type AccessLogRow = typeof accessLog.$inferSelect;
export type NewAccessLogRow = typeof accessLog.$inferInsert;
