import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Duplicate-aid findings (重复救助线索) stored by sweeps. The id is derived from the rule and the
 * awards, so a re-run finds the same row; `goneAt` marks a finding a later sweep no longer sees.
 */
export const findings = pgTable(
  'findings',
  {
    id: text('id').primaryKey(),
    rule: text('rule').notNull(),
    householdId: text('household_id'),
    regionCode: text('region_code').notNull(),
    personIds: text('person_ids').array().notNull(),
    awardIds: text('award_ids').array().notNull(),
    awardKeys: text('award_keys').array().notNull(),
    departments: text('departments').array().notNull(),
    programmes: text('programmes').array().notNull(),
    overlapStart: date('overlap_start', { mode: 'string' }),
    overlapEnd: date('overlap_end', { mode: 'string' }),
    explanation: text('explanation').notNull(),
    explanationEn: text('explanation_en').notNull(),
    /**
     * Each person of the finding when it was found: where they live (their household's region
     * code) and which of the finding's awards are theirs (`Party`, src/findingView.ts). What a
     * caller may see of the finding is decided from it; null for rows stored before it was kept.
     */
    parties: jsonb('parties').$type<{ personId: string; regionCode: string | null; awardKeys: string[] }[]>(),
    status: text('status').notNull().default('OPEN'),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    goneAt: timestamp('gone_at', { withTimezone: true, mode: 'string' }),
    lastSweepId: text('last_sweep_id'),
  },
  (t) => [
    index('findings_region_code_idx').on(t.regionCode.op('text_pattern_ops')),
    index('findings_status_idx').on(t.status),
    index('findings_household_id_idx').on(t.householdId),
    index('findings_person_ids_idx').using('gin', t.personIds),
  ],
);

/** Every change of a finding (seen, gone, reviewed): the history a supervisor reads. */
export const findingEvents = pgTable(
  'finding_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    findingId: text('finding_id').notNull(),
    event: text('event').notNull(),
    decision: text('decision'),
    note: text('note'),
    actorSub: text('actor_sub'),
    actorRole: text('actor_role'),
    sweepId: text('sweep_id'),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [index('finding_events_finding_id_idx').on(t.findingId)],
);

/**
 * Region sweeps (比对) and their progress. `status` is QUEUED (waiting for an overlapping sweep to
 * end), RUNNING, DONE or FAILED; `startedAt` is when it began to run (while QUEUED: when it was
 * asked for), the time a finding must have been seen since to stand (`markGone`). `owner` is the
 * coordination process that runs it, which renews `heartbeatAt` while it does; a sweep whose
 * heartbeat stopped is failed by any process (db/sweeps.ts).
 */
export const sweeps = pgTable(
  'sweeps',
  {
    id: text('id').primaryKey(),
    regionCode: text('region_code').notNull(),
    status: text('status').notNull(),
    householdsTotal: integer('households_total'),
    householdsChecked: integer('households_checked').notNull().default(0),
    personsChecked: integer('persons_checked').notNull().default(0),
    findingsCount: integer('findings_count').notNull().default(0),
    newCount: integer('new_count').notNull().default(0),
    goneCount: integer('gone_count').notNull().default(0),
    error: text('error'),
    requestedBy: text('requested_by'),
    requestedAt: timestamp('requested_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'string' }),
    owner: text('owner'),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [index('sweeps_status_idx').on(t.status)],
);

/** Versions of the rule set (pairs, repeatable flags); the newest is in force. */
export const ruleSetVersions = pgTable('rule_set_versions', {
  version: bigserial('version', { mode: 'number' }).primaryKey(),
  rules: jsonb('rules').notNull(),
  changedBy: text('changed_by'),
  note: text('note').notNull(),
  at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull().default(sql`now()`),
});

/** A person of a payment finding when it was found: where they lived, and which of its payments are theirs. */
export interface PaymentParty {
  personId: string;
  regionCode: string | null;
  paymentKeys: string[];
  /** The awards (`department:id`) the person's payments named. */
  awardKeys: string[];
}

/**
 * Payment findings (资金发放线索, SPEC section 11) stored by payment sweeps. The id is derived from
 * the rule, the period and the payments, so a re-run finds the same row and a review sticks;
 * `goneAt` marks one a later sweep of its region and period no longer sees. Their history is kept
 * in `finding_events` with the duplicate-aid findings' (ids never collide: `PF-` and `F-`).
 */
export const paymentFindings = pgTable(
  'payment_findings',
  {
    id: text('id').primaryKey(),
    rule: text('rule').notNull(),
    period: text('period').notNull(),
    regionCode: text('region_code').notNull(),
    personIds: text('person_ids').array().notNull(),
    householdIds: text('household_ids').array().notNull(),
    awardIds: text('award_ids').array().notNull(),
    awardKeys: text('award_keys').array().notNull(),
    paymentIds: text('payment_ids').array().notNull(),
    paymentKeys: text('payment_keys').array().notNull(),
    departments: text('departments').array().notNull(),
    accountLast4: text('account_last4'),
    explanation: text('explanation').notNull(),
    explanationEn: text('explanation_en').notNull(),
    parties: jsonb('parties').$type<PaymentParty[]>().notNull(),
    status: text('status').notNull().default('OPEN'),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    goneAt: timestamp('gone_at', { withTimezone: true, mode: 'string' }),
    lastSweepId: text('last_sweep_id'),
  },
  (t) => [
    index('payment_findings_region_period_idx').on(t.regionCode.op('text_pattern_ops'), t.period),
    index('payment_findings_person_ids_idx').using('gin', t.personIds),
    index('payment_findings_award_keys_idx').using('gin', t.awardKeys),
  ],
);

/**
 * Payment sweeps: one region and one period across every department's payments. At most one runs
 * for a region and period at a time (a second request gets the one under way).
 */
export const paymentSweeps = pgTable(
  'payment_sweeps',
  {
    id: text('id').primaryKey(),
    regionCode: text('region_code').notNull(),
    period: text('period').notNull(),
    status: text('status').notNull(),
    householdsChecked: integer('households_checked').notNull().default(0),
    paymentsChecked: integer('payments_checked').notNull().default(0),
    findingsCount: integer('findings_count').notNull().default(0),
    newCount: integer('new_count').notNull().default(0),
    goneCount: integer('gone_count').notNull().default(0),
    error: text('error'),
    requestedBy: text('requested_by'),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [uniqueIndex('payment_sweeps_running_idx').on(t.regionCode, t.period).where(sql`status = 'RUNNING'`)],
);

export type PaymentFindingRow = typeof paymentFindings.$inferSelect;
export type PaymentSweepRow = typeof paymentSweeps.$inferSelect;

/**
 * Payment rolls (发放名册, SPEC section 11) the coordination office keeps for departments that pay
 * through the platform: one per department, region and month. GENERATED by one officer, APPROVED by
 * another of the department, RECONCILED with the bank's return (its lines then become the
 * department's payments).
 */
export const paymentRolls = pgTable(
  'payment_rolls',
  {
    id: text('id').primaryKey(),
    department: text('department').notNull(),
    regionCode: text('region_code').notNull(),
    period: text('period').notNull(),
    status: text('status').notNull(),
    generatedBy: text('generated_by').notNull(),
    generatedAt: timestamp('generated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    approvedBy: text('approved_by'),
    approvedAt: timestamp('approved_at', { withTimezone: true, mode: 'string' }),
    approvalNote: text('approval_note'),
    reconciledBy: text('reconciled_by'),
    reconciledAt: timestamp('reconciled_at', { withTimezone: true, mode: 'string' }),
    /**
     * Delivering a reconciled roll's lines to the department as its payments (an outbox: recorded
     * with the reconciliation, delivered after the commit, retried until the department has them):
     * the officer who reconciled (the department records on their behalf) and the purpose declared.
     */
    reconciledCaller: jsonb('reconciled_caller').$type<{ sub: string; role: 'DEPARTMENT_OFFICER'; department: string; region?: string }>(),
    reconciledPurpose: text('reconciled_purpose'),
    /** When the department confirmed it recorded the lines; null while a delivery is due. */
    paymentsRecordedAt: timestamp('payments_recorded_at', { withTimezone: true, mode: 'string' }),
    deliveryAttempts: integer('delivery_attempts').notNull().default(0),
    /** Why the last delivery failed (no account numbers: the gateway's message). */
    deliveryError: text('delivery_error'),
  },
  (t) => [uniqueIndex('payment_rolls_department_region_period_idx').on(t.department, t.regionCode, t.period)],
);

/**
 * A roll's lines: one award paying that month, its amount and the account registered for its
 * recipient (in full: the bank file's; shown masked everywhere else). `status` READY, HELD (a
 * standing finding names the award, or no account is registered: `holds`), then PAID, FAILED or
 * RETURNED from the bank's return.
 */
export const paymentRollLines = pgTable(
  'payment_roll_lines',
  {
    rollId: text('roll_id').notNull(),
    line: integer('line').notNull(),
    awardId: text('award_id').notNull(),
    programme: text('programme').notNull(),
    personId: text('person_id').notNull(),
    householdId: text('household_id'),
    amountFen: integer('amount_fen').notNull(),
    bank: text('bank'),
    accountNumber: text('account_number'),
    holderId: text('holder_id'),
    status: text('status').notNull(),
    /** Finding ids holding the line (duplicate-aid `F-…`, payment `PF-…`), or `NO_ACCOUNT`. */
    holds: text('holds').array().notNull(),
    paidDate: date('paid_date', { mode: 'string' }),
  },
  (t) => [primaryKey({ columns: [t.rollId, t.line] })],
);

export type PaymentRollRow = typeof paymentRolls.$inferSelect;
export type PaymentRollLineRow = typeof paymentRollLines.$inferSelect;
/**
 * Sharing agreements (数据共享协议, SPEC section 12): an office asks a department for some of its
 * `CONDITIONAL` fields for one purpose, over a period; the department's officers decide. What the
 * gateway enforces is every APPROVED row whose period has not ended. `builtIn`: shipped with the
 * system for the roles' everyday work (listed and revocable like any other).
 */
export const sharingAgreements = pgTable(
  'sharing_agreements',
  {
    id: text('id').primaryKey(),
    requester: text('requester').notNull(),
    owner: text('owner').notNull(),
    coordinates: text('coordinates').array().notNull(),
    purpose: text('purpose').notNull(),
    legalBasis: text('legal_basis').notNull(),
    validFrom: timestamp('valid_from', { withTimezone: true, mode: 'string' }).notNull(),
    validUntil: timestamp('valid_until', { withTimezone: true, mode: 'string' }).notNull(),
    /** REQUESTED, APPROVED, REJECTED or REVOKED (ACTIVE and EXPIRED are APPROVED within or after the period). */
    status: text('status').notNull(),
    builtIn: boolean('built_in').notNull().default(false),
    /** The requester's callers may send operations not registered (in production; trusted operations, gateway/src/trusted.ts). */
    adHocQueries: boolean('ad_hoc_queries').notNull().default(false),
    requestedBy: text('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'string' }),
    revokedBy: text('revoked_by'),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [index('sharing_agreements_owner_idx').on(t.owner), index('sharing_agreements_requester_idx').on(t.requester), index('sharing_agreements_status_idx').on(t.status)],
);

/** Every change of an agreement (requested, approved, rejected, revoked), with who made it and their note. */
export const sharingAgreementEvents = pgTable(
  'sharing_agreement_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    agreementId: text('agreement_id').notNull(),
    action: text('action').notNull(),
    actorSub: text('actor_sub').notNull(),
    actorRole: text('actor_role').notNull(),
    actorOffice: text('actor_office').notNull(),
    note: text('note').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    /** The actor's jurisdiction (their token's region), for the access log. */
    actorRegion: text('actor_region'),
    /** The purpose code the actor declared (X-Purpose) with the change; '' for none. */
    purpose: text('purpose').notNull().default(''),
    /** The request that made the change (the gateway's x-request-id, or `expiry` / `seed`). */
    requestId: text('request_id').notNull().default(''),
    /**
     * When the change reached the access log (sharingAudit.ts relays it through the gateway); null
     * until then. The shipped defaults' seeding is not relayed: they are in the code, not a change.
     */
    auditedAt: timestamp('audited_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [index('sharing_agreement_events_agreement_idx').on(t.agreementId), index('sharing_agreement_events_unaudited_idx').on(t.seq).where(sql`audited_at IS NULL`)],
);

/**
 * Use of the agreements, counted at the gateway and flushed here: reads per agreement, field,
 * caller and purpose per day (Beijing time). Aggregates only: who read which person is the access
 * log's, not this table's.
 */
export const sharingUsage = pgTable(
  'sharing_usage',
  {
    agreementId: text('agreement_id').notNull(),
    coordinate: text('coordinate').notNull(),
    caller: text('caller').notNull(),
    purpose: text('purpose').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    reads: bigint('reads', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.agreementId, t.coordinate, t.caller, t.purpose, t.day] })],
);

/**
 * Operations registered against an agreement (trusted operations): in production, callers of the
 * requesting office may run these documents, by their sha256 hash or text, as well as the
 * console's (gateway/trusted-operations.json), while the agreement is in force.
 */
export const sharingOperations = pgTable(
  'sharing_operations',
  {
    hash: text('hash').notNull(),
    agreementId: text('agreement_id').notNull(),
    operationName: text('operation_name'),
    document: text('document').notNull(),
    registeredBy: text('registered_by').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.hash, t.agreementId] })],
);

/**
 * Applications for assistance (救助申请, SPEC section 10): the current state of each, one row,
 * changed only by a version-checked update (`version`), so two advances at once cannot both win.
 * What happened is in `application_events`, which is append-only.
 */
export const applications = pgTable(
  'applications',
  {
    id: text('id').primaryKey(),
    householdId: text('household_id').notNull(),
    personId: text('person_id').notNull(),
    programme: text('programme').notNull(),
    department: text('department').notNull(),
    /** The household's region code as civil affairs gave it at submission: whose jurisdiction the application is in. */
    regionCode: text('region_code').notNull(),
    amountFen: integer('amount_fen'),
    reason: text('reason').notNull(),
    consentSignedBy: text('consent_signed_by'),
    consentSignedOn: date('consent_signed_on', { mode: 'string' }),
    stage: text('stage').notNull(),
    version: integer('version').notNull().default(1),
    filedBy: text('filed_by').notNull(),
    /** The applicant's name masked for the public notice (王**), never the full name. */
    maskedName: text('masked_name').notNull(),
    /** The assessment and findings in force (as at the latest step that assembled them). */
    assessment: jsonb('assessment'),
    findings: jsonb('findings').notNull().default(sql`'[]'::jsonb`),
    noticeStart: date('notice_start', { mode: 'string' }),
    noticeEnd: date('notice_end', { mode: 'string' }),
    openObjections: integer('open_objections').notNull().default(0),
    awardId: text('award_id'),
    /**
     * An approval under way (审批中): `RUNNING` while the office writes the awards in the owning
     * department, `UNCONFIRMED` when that request's outcome is unknown (timed out). While it is
     * set no other step is taken (CONFLICT), so no WITHDRAW or REJECT can win against awards that
     * were already written; only APPROVE again (the awards' ids are the application's) ends it.
     */
    approvalClaim: text('approval_claim'),
    approvalClaimedAt: timestamp('approval_claimed_at', { withTimezone: true, mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    /** When the application reached its stage: how long it has waited there. */
    stageSince: timestamp('stage_since', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    index('applications_region_code_idx').on(t.regionCode.op('text_pattern_ops')),
    index('applications_stage_idx').on(t.stage),
    // One application in progress per person and programme: two filed at once, one is refused.
    uniqueIndex('applications_open_person_programme_idx').on(t.personId, t.programme).where(sql`stage IN ('SUBMITTED', 'ASSESSED', 'REVIEWED', 'IN_NOTICE')`),
  ],
);

/**
 * The archive (档案): every step of every application, who, when, the note, and the assessment
 * and findings as they were at that step. Append-only, enforced by the database (migration).
 */
export const applicationEvents = pgTable(
  'application_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    applicationId: text('application_id').notNull(),
    action: text('action').notNull(),
    fromStage: text('from_stage'),
    toStage: text('to_stage').notNull(),
    bySub: text('by_sub').notNull(),
    byRole: text('by_role').notNull(),
    note: text('note'),
    assessment: jsonb('assessment'),
    findings: jsonb('findings'),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [index('application_events_application_id_idx').on(t.applicationId)],
);

/** Versions of the eligibility conditions (资格条件); the newest is in force. */
export const eligibilityRuleVersions = pgTable('eligibility_rule_versions', {
  version: bigserial('version', { mode: 'number' }).primaryKey(),
  rules: jsonb('rules').notNull(),
  changedBy: text('changed_by'),
  note: text('note').notNull(),
  at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull().default(sql`now()`),
});

/**
 * Review tasks (动态管理): a paying award to look at again, for the department that pays it,
 * because the household's data changed (a death, a new income or property) or its yearly review
 * is due. `id` is derived from the event and the award, so an event delivered twice is one task.
 */
export const reviewTasks = pgTable(
  'review_tasks',
  {
    id: text('id').primaryKey(),
    department: text('department').notNull(),
    householdId: text('household_id').notNull(),
    regionCode: text('region_code').notNull(),
    personId: text('person_id'),
    awardId: text('award_id'),
    reason: text('reason').notNull(),
    status: text('status').notNull().default('OPEN'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    /** How the department closed it (CONTINUED CHANGED ENDED), by whom, when and why; null while OPEN. */
    outcome: text('outcome'),
    closedBy: text('closed_by'),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'string' }),
    note: text('note'),
  },
  (t) => [index('review_tasks_region_code_idx').on(t.regionCode.op('text_pattern_ops'))],
);

/** What was done with a review task (its history): append-only, enforced by the database (migration). */
export const reviewTaskEvents = pgTable(
  'review_task_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    taskId: text('task_id').notNull(),
    action: text('action').notNull(),
    outcome: text('outcome'),
    bySub: text('by_sub').notNull(),
    byRole: text('by_role').notNull(),
    note: text('note'),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [index('review_task_events_task_id_idx').on(t.taskId)],
);
