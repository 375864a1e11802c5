import { index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** What a publication changed for clients and which operations that touches (compose.ts, usage.ts). */
export interface CheckResult {
  /** Breaking changes of the API schema, each with the operations (and clients) that use what it changes. */
  breaking: Array<{ id: string; type: string; description: string; coordinates: string[]; usedBy: Array<{ name: string; hash: string; clients: string[]; lastSeen: string | null; registered: boolean }> }>;
  /** Allowed, but worth telling clients (a new enum value, a changed default). */
  dangerous: Array<{ id: string; description: string }>;
  /** Subgraphs whose part of the supergraph changed, with their owners. */
  changed: Array<{ name: string; owner: string }>;
  /** Why it was refused, one line each (composition errors, unacknowledged breaking changes). */
  problems: string[];
}

/**
 * Every publication of a subgraph, accepted or refused (登记): the schema and URL as published,
 * who published it, the line diff against the service's previous accepted version and the check.
 * `version` counts the accepted ones per service; a refused attempt has none.
 */
export const schemaVersions = pgTable(
  'schema_versions',
  {
    id: serial('id').primaryKey(),
    service: text('service').notNull(),
    version: integer('version'),
    /** `removed`: the service unpublished itself (unpublish.ts); it counts as a version, with no schema. */
    status: text('status', { enum: ['accepted', 'refused', 'removed'] }).notNull(),
    sdl: text('sdl').notNull(),
    url: text('url').notNull(),
    owner: text('owner'),
    /** The service whose credential signed the publication. */
    signedBy: text('signed_by').notNull(),
    /** The person who ran the publication (`--by`). */
    publishedBy: text('published_by').notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    diff: text('diff').notNull(),
    check: jsonb('check').$type<CheckResult>().notNull(),
    /** The owner's acknowledgement of breaking changes to operations in use, when there were any. */
    acknowledgement: text('acknowledgement'),
    /** The supergraph this version produced (accepted ones). */
    supergraphId: integer('supergraph_id'),
  },
  (t) => [uniqueIndex('schema_versions_service_version').on(t.service, t.version), index('schema_versions_service_id').on(t.service, t.id)],
);

/** Every supergraph composed from accepted versions; the latest is what gateways pull. */
export const supergraphs = pgTable('supergraphs', {
  id: serial('id').primaryKey(),
  sdl: text('sdl').notNull(),
  /** sha256 of the SDL: the ETag gateways poll with. */
  hash: text('hash').notNull(),
  /** The version of each service it was composed from. */
  versions: jsonb('versions').$type<Record<string, number>>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
});

export type SchemaVersionRow = typeof schemaVersions.$inferSelect;
export type SupergraphRow = typeof supergraphs.$inferSelect;

/**
 * Operations clients ran through a gateway (使用记录), reported by the gateways: one row per
 * document and client, the last time it was seen. A change that removes or changes what such an
 * operation uses within REGISTRY_USAGE_DAYS is breaking for that client.
 */
export const operationUsage = pgTable(
  'operation_usage',
  {
    /** sha256 of the document as the client sent it. */
    hash: text('hash').notNull(),
    /** The caller's role and subject (`CASEWORKER:cw-1`), or the client name the caller sent. */
    client: text('client').notNull(),
    name: text('name'),
    document: text('document').notNull(),
    count: integer('count').notNull().default(0),
    firstSeen: timestamp('first_seen', { withTimezone: true, mode: 'string' }).notNull(),
    lastSeen: timestamp('last_seen', { withTimezone: true, mode: 'string' }).notNull(),
    reportedBy: text('reported_by').notNull(),
  },
  (t) => [uniqueIndex('operation_usage_hash_client').on(t.hash, t.client), index('operation_usage_last_seen').on(t.lastSeen)],
);

/** Operations a client registered (登记的查询): in use whatever the gateways saw, until unregistered. */
export const registeredOperations = pgTable(
  'registered_operations',
  {
    hash: text('hash').notNull(),
    client: text('client').notNull(),
    name: text('name'),
    document: text('document').notNull(),
    registeredBy: text('registered_by').notNull(),
    registeredAt: timestamp('registered_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('registered_operations_hash_client').on(t.hash, t.client)],
);
