import { readFileSync, statSync } from 'node:fs';
import { and, asc, desc, eq, gt, gte, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { GATEWAY, coversCoordinate, defaultAgreements, findPurpose, mayDeclare, officeOf, type Caller, type SharingGrant } from '@saf/auth';
import type { Db } from '@saf/db';
import { DEPARTMENTS, type Department } from '@saf/programmes';
import { HttpError, badInput, catalogueOf, conflict, forbidden, notFound, parseJson, sendJson, unauthenticated, type CatalogueEntry, type Logger, type Route } from '@saf/service';
import { z } from 'zod';
import { createHash } from 'node:crypto';
import { Kind, parse } from 'graphql';
import { sharingAgreementEvents, sharingAgreements, sharingOperations, sharingUsage } from './db/schema.ts';
import type { SharingChanges } from './sharingChanges.ts';

type AgreementRow = typeof sharingAgreements.$inferSelect;
type EventRow = typeof sharingAgreementEvents.$inferSelect;

export const AGREEMENT_STATUSES = ['REQUESTED', 'APPROVED', 'ACTIVE', 'EXPIRED', 'REJECTED', 'REVOKED'] as const;
/** What the shipped defaults run from and to. */
const DEFAULT_FROM = '2020-01-01T00:00:00+08:00';
const DEFAULT_UNTIL = '2099-12-31T23:59:59.999+08:00';

/** The composed supergraph's catalogue, read again when the file changes (the gateway reloads it too). */
export class Catalogue {
  private cached: { mtimeMs: number; entries: Map<string, CatalogueEntry> } | null = null;

  constructor(private readonly file: URL | string) {}

  entries(): Map<string, CatalogueEntry> {
    const mtimeMs = statSync(this.file).mtimeMs;
    if (!this.cached || this.cached.mtimeMs !== mtimeMs) this.cached = { mtimeMs, entries: catalogueOf(readFileSync(this.file, 'utf8')) };
    return this.cached.entries;
  }

  /** The departments' entries (one, or all), by coordinate. */
  list(department?: Department | null): CatalogueEntry[] {
    return [...this.entries().values()]
      .filter((e) => e.department !== null && (!department || e.department === department))
      .sort((a, b) => a.coordinate.localeCompare(b.coordinate));
  }
}

/** An agreement as the graph shows it. */
export interface AgreementView {
  id: string;
  requester: string;
  owner: Department;
  coordinates: string[];
  purpose: string;
  legalBasis: string;
  validFrom: string;
  validUntil: string;
  status: string;
  builtIn: boolean;
  adHocQueries: boolean;
  requestedBy: string;
}

function iso(value: string): string {
  return new Date(value).toISOString();
}

/** REQUESTED, REJECTED, REVOKED as stored; an APPROVED one is APPROVED, ACTIVE or EXPIRED by its period. */
export function statusOf(row: Pick<AgreementRow, 'status' | 'validFrom' | 'validUntil'>, now = Date.now()): string {
  if (row.status !== 'APPROVED') return row.status;
  if (now < Date.parse(row.validFrom)) return 'APPROVED';
  return now > Date.parse(row.validUntil) ? 'EXPIRED' : 'ACTIVE';
}

function view(row: AgreementRow): AgreementView {
  return {
    id: row.id,
    requester: row.requester,
    owner: row.owner as Department,
    coordinates: row.coordinates,
    purpose: row.purpose,
    legalBasis: row.legalBasis,
    validFrom: iso(row.validFrom),
    validUntil: iso(row.validUntil),
    status: statusOf(row),
    builtIn: row.builtIn,
    adHocQueries: row.adHocQueries,
    requestedBy: row.requestedBy,
  };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = z.iso.datetime({ offset: true });

/** A day (Beijing time: its first or last instant) or an ISO 8601 instant with offset. */
function instant(value: string, field: string, end: boolean): string {
  const text = value.trim();
  if (DAY.test(text)) {
    const at = `${text}T${end ? '23:59:59.999' : '00:00:00'}+08:00`;
    if (Number.isNaN(Date.parse(at)) || new Date(Date.parse(`${text}T00:00:00Z`)).toISOString().slice(0, 10) !== text) throw badInput(`${field} "${value}" is not a date`, field);
    return at;
  }
  if (!INSTANT.safeParse(text).success) throw badInput(`${field} must be a day (YYYY-MM-DD) or an ISO 8601 instant with offset, not "${value}"`, field);
  return text;
}

function note(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) throw badInput('a note is required', 'note');
  if (trimmed.length > 2000) throw badInput('the note must be at most 2000 characters', 'note');
  return trimmed;
}

/** What the access log records of a change besides the caller: the purpose they declared and their request. */
export interface ChangeMeta {
  purpose: string | null;
  requestId: string;
}

const NO_META: ChangeMeta = { purpose: null, requestId: '' };

/** An event's columns naming who made the change (the access log's entry is made from them). */
function actor(caller: Caller, meta: ChangeMeta) {
  return { actorSub: caller.sub, actorRole: caller.role, actorOffice: officeOf(caller), actorRegion: caller.region ?? null, purpose: meta.purpose ?? '', requestId: meta.requestId };
}

export interface SharingInput {
  owner: Department;
  coordinates: string[];
  purpose: string;
  legalBasis: string;
  validFrom?: string | null;
  validUntil: string;
  adHocQueries?: boolean | null;
}

/**
 * The agreements (SPEC section 12) in the office's own database: requested by an office,
 * decided by the owner's officers, revoked by either side; every change in
 * `sharing_agreement_events` (relayed to the access log, sharingAudit.ts). Each change is pushed
 * to every watching gateway before the mutation answers (sharingChanges.ts).
 */
export class SharingStore {
  constructor(
    private readonly db: Db,
    readonly catalogue: Catalogue,
    private readonly log: Logger,
    readonly changes: SharingChanges,
    /** Told after each committed change (the access-log relay and the expiry timer). */
    private readonly onChange: () => void = () => {},
  ) {}

  /** After a commit: every watching gateway has the change before the caller is answered. */
  private async published(): Promise<void> {
    this.onChange();
    await this.changes.settled(this.changes.bump());
  }

  /** Stores the shipped defaults that are not stored yet (a revoked default stays revoked). */
  async seedDefaults(): Promise<number> {
    const defaults = defaultAgreements();
    let added = 0;
    for (let i = 0; i < defaults.length; i += 200) {
      const chunk = defaults.slice(i, i + 200);
      await this.db.transaction(async (tx) => {
        const inserted = await tx
          .insert(sharingAgreements)
          .values(chunk.map((d) => ({ ...d, validFrom: DEFAULT_FROM, validUntil: DEFAULT_UNTIL, status: 'APPROVED', builtIn: true, adHocQueries: d.requester === 'COORDINATION', requestedBy: 'system', decidedBy: 'system' })))
          .onConflictDoNothing()
          .returning({ id: sharingAgreements.id });
        if (inserted.length > 0) {
          // Not relayed to the access log (auditedAt set): the defaults are in the code, not a change anyone made.
          await tx.insert(sharingAgreementEvents).values(inserted.map(({ id }) => ({ agreementId: id, action: 'APPROVED', actorSub: 'system', actorRole: 'SYSTEM', actorOffice: 'SYSTEM', note: '系统默认协议 shipped default', requestId: 'seed', auditedAt: sql`now()` })));
        }
        added += inserted.length;
      });
    }
    if (added > 0) {
      this.log.info({ added }, 'shipped default sharing agreements stored');
      this.changes.bump();
    }
    return added;
  }

  async list(caller: Caller | null, department: Department | null | undefined, status: string | null | undefined): Promise<AgreementView[]> {
    if (!caller) throw unauthenticated();
    if (status && !(AGREEMENT_STATUSES as readonly string[]).includes(status)) throw badInput(`status must be one of ${AGREEMENT_STATUSES.join(', ')}, not "${status}"`, 'status');
    const rows = await this.db
      .select()
      .from(sharingAgreements)
      .where(department ? or(eq(sharingAgreements.owner, department), eq(sharingAgreements.requester, department)) : undefined)
      .orderBy(asc(sharingAgreements.requestedAt), asc(sharingAgreements.id));
    return rows.map(view).filter((a) => !status || a.status === status);
  }

  async byId(id: string): Promise<AgreementRow | undefined> {
    const [row] = await this.db.select().from(sharingAgreements).where(eq(sharingAgreements.id, id));
    return row;
  }

  async history(ids: readonly string[]): Promise<EventRow[][]> {
    const rows = ids.length === 0 ? [] : await this.db.select().from(sharingAgreementEvents).where(inArray(sharingAgreementEvents.agreementId, [...ids])).orderBy(asc(sharingAgreementEvents.seq));
    return ids.map((id) => rows.filter((r) => r.agreementId === id));
  }

  async request(caller: Caller | null, input: SharingInput, meta: ChangeMeta = NO_META): Promise<AgreementView> {
    if (!caller) throw unauthenticated();
    if (caller.role !== 'DEPARTMENT_OFFICER' && caller.role !== 'COORDINATOR') throw forbidden('only a department officer (for their department) or the coordination office asks for a sharing agreement');
    const requester = officeOf(caller);
    if (!DEPARTMENTS.includes(input.owner)) throw badInput(`unknown department ${input.owner}`, 'owner');
    if (input.owner === requester) throw badInput('a department needs no agreement to read its own data', 'owner');
    const coordinates = [...new Set(input.coordinates.map((c) => c.trim()))];
    if (coordinates.length === 0) throw badInput('name at least one field (Type.field or Type.*)', 'coordinates');
    if (coordinates.length > 200) throw badInput('at most 200 fields per agreement', 'coordinates');
    const owned = this.catalogue.list(input.owner);
    for (const c of coordinates) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*\.([A-Za-z_][A-Za-z0-9_]*|\*)$/.test(c)) throw badInput(`"${c}" is not a field coordinate (Type.field or Type.*)`, 'coordinates');
      const matched = owned.filter((e) => coversCoordinate([c], e.coordinate));
      if (matched.length === 0) throw badInput(`${c} is not a field of ${input.owner} in the catalogue (dataCatalogue)`, 'coordinates');
      const conditional = matched.filter((e) => e.sharing === 'CONDITIONAL');
      if (conditional.length === 0) {
        throw badInput(`${c} is ${matched[0]!.sharing === 'UNCONDITIONAL' ? 'UNCONDITIONAL (无条件共享): it needs no agreement' : 'NOT_SHARED (不予共享): its owner does not share it'}`, 'coordinates');
      }
      if (!c.endsWith('.*') && matched[0]!.sharing !== 'CONDITIONAL') throw badInput(`${c} is NOT_SHARED (不予共享): its owner does not share it`, 'coordinates');
    }
    const purpose = findPurpose(input.purpose.trim());
    if (!purpose) throw badInput(`"${input.purpose}" is not a purpose on the list (packages/auth/purposes.json)`, 'purpose');
    if (!mayDeclare(caller, purpose)) throw badInput(`the purpose ${purpose.code} (${purpose.zh}) is not one your role may declare`, 'purpose');
    const legalBasis = input.legalBasis.trim();
    if (!legalBasis) throw badInput('a legal basis is required', 'legalBasis');
    if (legalBasis.length > 2000) throw badInput('the legal basis must be at most 2000 characters', 'legalBasis');
    const validFrom = input.validFrom ? instant(input.validFrom, 'validFrom', false) : new Date().toISOString();
    const validUntil = instant(input.validUntil, 'validUntil', true);
    if (Date.parse(validUntil) <= Date.now()) throw badInput('validUntil is in the past', 'validUntil');
    if (Date.parse(validUntil) <= Date.parse(validFrom)) throw badInput('validUntil must be after validFrom', 'validUntil');
    if (Date.parse(validUntil) - Date.parse(validFrom) > 5 * 366 * 86_400_000) throw badInput('an agreement runs for at most five years', 'validUntil');
    const id = `sa-${crypto.randomUUID()}`;
    const row = await this.db.transaction(async (tx) => {
      const [inserted] = await tx
        .insert(sharingAgreements)
        .values({ id, requester, owner: input.owner, coordinates, purpose: purpose.code, legalBasis, validFrom, validUntil, status: 'REQUESTED', adHocQueries: input.adHocQueries ?? false, requestedBy: caller.sub })
        .returning();
      await tx.insert(sharingAgreementEvents).values({ agreementId: id, action: 'REQUESTED', ...actor(caller, meta), note: legalBasis });
      return inserted!;
    });
    await this.published();
    return view(row);
  }

  async decide(caller: Caller | null, id: string, approve: boolean, text: string, meta: ChangeMeta = NO_META): Promise<AgreementView> {
    if (!caller) throw unauthenticated();
    const trimmed = note(text);
    const existing = await this.byId(id);
    if (!existing) throw notFound(`no sharing agreement ${id}`);
    if (caller.role !== 'DEPARTMENT_OFFICER' || caller.department !== existing.owner) throw forbidden(`only an officer of ${existing.owner}, the data's owner, decides this agreement`);
    const action = approve ? 'APPROVED' : 'REJECTED';
    return this.transition(caller, meta, id, ['REQUESTED'], action, trimmed, { decidedBy: caller.sub, decidedAt: sql`now()` });
  }

  async revoke(caller: Caller | null, id: string, text: string, meta: ChangeMeta = NO_META): Promise<AgreementView> {
    if (!caller) throw unauthenticated();
    const trimmed = note(text);
    const existing = await this.byId(id);
    if (!existing) throw notFound(`no sharing agreement ${id}`);
    const owner = caller.role === 'DEPARTMENT_OFFICER' && caller.department === existing.owner;
    const requester = (caller.role === 'DEPARTMENT_OFFICER' || caller.role === 'COORDINATOR') && officeOf(caller) === existing.requester;
    if (!owner && !requester) throw forbidden(`only an officer of ${existing.owner} (the owner) or of the requesting office (${existing.requester}) revokes this agreement`);
    return this.transition(caller, meta, id, ['REQUESTED', 'APPROVED'], 'REVOKED', trimmed, { revokedBy: caller.sub, revokedAt: sql`now()` });
  }

  /** One change, only from `from` (two at once: one wins, the other is told what it became). */
  private async transition(caller: Caller, meta: ChangeMeta, id: string, from: string[], to: string, text: string, extra: Partial<Record<keyof AgreementRow, unknown>>): Promise<AgreementView> {
    const row = await this.db.transaction(async (tx) => {
      const [updated] = await tx
        .update(sharingAgreements)
        .set({ status: to, ...(extra as object) })
        .where(and(eq(sharingAgreements.id, id), inArray(sharingAgreements.status, from)))
        .returning();
      if (!updated) return null;
      await tx.insert(sharingAgreementEvents).values({ agreementId: id, action: to, ...actor(caller, meta), note: text });
      return updated;
    });
    if (!row) {
      // Decided, revoked or ended already, or by someone else at the same moment (two officers,
      // a double click): the state it is in now, and whose change made it so.
      const now = await this.byId(id);
      const [last] = await this.db.select().from(sharingAgreementEvents).where(eq(sharingAgreementEvents.agreementId, id)).orderBy(desc(sharingAgreementEvents.seq)).limit(1);
      const by = last ? ` (${last.action} by ${last.actorSub} of ${last.actorOffice} at ${iso(last.at)})` : '';
      throw conflict(`agreement ${id} is ${now ? statusOf(now) : 'gone'}${by}: it cannot become ${to} (only from ${from.join(' or ')}); reload it`);
    }
    this.log.info({ agreement: id, action: to, by: caller.sub }, 'sharing agreement changed');
    await this.published();
    return view(row);
  }

  /**
   * Records EXPIRED for each approved agreement whose period has ended and that has no such event
   * yet (the gateways stop serving it by their own clock; this is its record). Answers the next
   * end of a period to come, if any.
   */
  async recordExpiries(): Promise<number | null> {
    const recorded = await this.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: sharingAgreements.id, validUntil: sharingAgreements.validUntil })
        .from(sharingAgreements)
        .where(
          and(
            eq(sharingAgreements.status, 'APPROVED'),
            lte(sharingAgreements.validUntil, sql`now()`),
            sql`NOT EXISTS (SELECT 1 FROM ${sharingAgreementEvents} WHERE ${sharingAgreementEvents.agreementId} = ${sharingAgreements.id} AND ${sharingAgreementEvents.action} = 'EXPIRED')`,
          ),
        );
      if (due.length === 0) return 0;
      await tx.insert(sharingAgreementEvents).values(
        due.map((d) => ({ agreementId: d.id, action: 'EXPIRED', actorSub: 'system', actorRole: 'SYSTEM', actorOffice: 'SYSTEM', note: `期满 the period ended ${iso(d.validUntil)}`, requestId: 'expiry', at: iso(d.validUntil) })),
      );
      return due.length;
    });
    if (recorded > 0) {
      this.log.info({ expired: recorded }, 'sharing agreements expired');
      await this.published();
    }
    const [next] = await this.db
      .select({ at: sharingAgreements.validUntil })
      .from(sharingAgreements)
      .where(and(eq(sharingAgreements.status, 'APPROVED'), gt(sharingAgreements.validUntil, sql`now()`)))
      .orderBy(asc(sharingAgreements.validUntil))
      .limit(1);
    return next ? Date.parse(next.at) : null;
  }

  /** Changes not yet in the access log, oldest first, with their agreement. */
  async unaudited(limit: number) {
    return this.db
      .select({ event: sharingAgreementEvents, requester: sharingAgreements.requester, owner: sharingAgreements.owner, purpose: sharingAgreements.purpose })
      .from(sharingAgreementEvents)
      .innerJoin(sharingAgreements, eq(sharingAgreements.id, sharingAgreementEvents.agreementId))
      .where(isNull(sharingAgreementEvents.auditedAt))
      .orderBy(asc(sharingAgreementEvents.seq))
      .limit(limit);
  }

  async markAudited(seqs: number[]): Promise<void> {
    if (seqs.length > 0) await this.db.update(sharingAgreementEvents).set({ auditedAt: sql`now()` }).where(inArray(sharingAgreementEvents.seq, seqs));
  }

  /** What the gateway enforces: every approved agreement whose period has not ended, and the operations registered against them. */
  async grants(): Promise<{ grants: SharingGrant[]; operations: Array<{ hash: string; agreementId: string; document: string }> }> {
    const rows = await this.db
      .select()
      .from(sharingAgreements)
      .where(and(eq(sharingAgreements.status, 'APPROVED'), gt(sharingAgreements.validUntil, sql`now()`)));
    const ids = rows.map((r) => r.id);
    const operations = ids.length === 0 ? [] : await this.db.select({ hash: sharingOperations.hash, agreementId: sharingOperations.agreementId, document: sharingOperations.document }).from(sharingOperations).where(inArray(sharingOperations.agreementId, ids));
    return {
      grants: rows.map((r) => ({ id: r.id, requester: r.requester, owner: r.owner as Department, coordinates: r.coordinates, purpose: r.purpose, validFrom: Date.parse(r.validFrom), validUntil: Date.parse(r.validUntil), adHocQueries: r.adHocQueries })),
      operations,
    };
  }

  /** Registers `document` against the agreement for the requester's callers (trusted operations). */
  async registerOperation(caller: Caller | null, agreementId: string, document: string, meta: ChangeMeta = NO_META) {
    if (!caller) throw unauthenticated();
    const agreement = await this.byId(agreementId);
    if (!agreement) throw notFound(`no sharing agreement ${agreementId}`);
    const requester = (caller.role === 'DEPARTMENT_OFFICER' || caller.role === 'COORDINATOR') && officeOf(caller) === agreement.requester;
    if (!requester) throw forbidden(`only an officer of the requesting office (${agreement.requester}) registers operations against this agreement`);
    const status = statusOf(agreement);
    if (status !== 'ACTIVE' && status !== 'APPROVED') throw badInput(`agreement ${agreementId} is ${status}: operations are registered against an agreement approved and not ended`, 'agreementId');
    if (document.length > 100_000) throw badInput('the document must be at most 100 000 characters', 'document');
    let operationName: string | null = null;
    try {
      const ops = parse(document).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
      if (ops.length !== 1) throw new Error(`it holds ${ops.length} operations, not one`);
      operationName = ops[0]!.kind === Kind.OPERATION_DEFINITION ? (ops[0]!.name?.value ?? null) : null;
    } catch (err) {
      throw badInput(`the document is not one GraphQL operation: ${(err as Error).message}`, 'document');
    }
    const hash = createHash('sha256').update(document).digest('hex');
    const [row] = await this.db
      .insert(sharingOperations)
      .values({ hash, agreementId, operationName, document, registeredBy: caller.sub })
      .onConflictDoUpdate({ target: [sharingOperations.hash, sharingOperations.agreementId], set: { registeredBy: caller.sub, at: sql`now()` } })
      .returning();
    await this.db.insert(sharingAgreementEvents).values({ agreementId, action: 'OPERATION_REGISTERED', ...actor(caller, meta), note: `${operationName ?? '(anonymous)'} ${hash}` });
    await this.published();
    return { hash, agreementId, operationName, registeredBy: row!.registeredBy, at: new Date(row!.at).toISOString() };
  }

  /** Adds the gateway's counts (one flush) to the day's rows. */
  async addUsage(rows: UsageCount[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insert(sharingUsage)
      .values(rows)
      .onConflictDoUpdate({
        target: [sharingUsage.agreementId, sharingUsage.coordinate, sharingUsage.caller, sharingUsage.purpose, sharingUsage.day],
        set: { reads: sql`${sharingUsage.reads} + excluded.reads` },
      });
  }

  async usage(caller: Caller | null, agreementId: string, from?: string | null, to?: string | null) {
    if (!caller) throw unauthenticated();
    const agreement = await this.byId(agreementId);
    if (!agreement) throw notFound(`no sharing agreement ${agreementId}`);
    const office = officeOf(caller);
    const owner = caller.role === 'DEPARTMENT_OFFICER' && office === agreement.owner;
    const mayRead = owner || ((caller.role === 'DEPARTMENT_OFFICER' || caller.role === 'COORDINATOR') && office === agreement.requester) || caller.role === 'COORDINATOR' || caller.role === 'AUDITOR';
    if (!mayRead) throw forbidden(`the use of this agreement is for ${agreement.owner}'s officers (the owner), the requester, the coordination office and auditors`);
    for (const [field, value] of [['from', from], ['to', to]] as const) if (value && !DAY.test(value)) throw badInput(`${field} must be a day (YYYY-MM-DD)`, field);
    const rows = await this.db
      .select()
      .from(sharingUsage)
      .where(and(eq(sharingUsage.agreementId, agreementId), from ? gte(sharingUsage.day, from) : undefined, to ? lte(sharingUsage.day, to) : undefined))
      .orderBy(asc(sharingUsage.day), asc(sharingUsage.coordinate), asc(sharingUsage.caller), asc(sharingUsage.purpose));
    return rows;
  }
}

export interface UsageCount {
  agreementId: string;
  coordinate: string;
  caller: string;
  purpose: string;
  day: string;
  reads: number;
}

const usageSchema = z.strictObject({
  counts: z
    .array(
      z.strictObject({
        agreementId: z.string().min(1).max(300),
        coordinate: z.string().min(1).max(300),
        caller: z.string().min(1).max(200),
        purpose: z.string().min(1).max(100),
        day: z.string().regex(DAY),
        reads: z.number().int().min(1).max(1_000_000_000),
      }),
    )
    .max(10_000),
});

/**
 * The gateway's side door (signed, verified before any route runs): `POST /sharing/grants` answers
 * the agreements in force, `POST /sharing/usage` adds the reads it counted.
 */
const watchSchema = z.strictObject({ gateway: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/), since: z.string().max(100).nullable() });

export function sharingRoutes(store: SharingStore, draining: () => boolean = () => false): Route[] {
  const onlyGateway = (from: string, caller: Caller | null) => {
    if (from !== GATEWAY || caller !== null) throw new HttpError(403, 'only the gateway asks for the agreements in force');
  };
  const grants: Route = async (req, res, url, { from, caller }) => {
    if (url.pathname !== '/sharing/grants') return false;
    if (req.method !== 'POST') throw new HttpError(405, 'POST only');
    onlyGateway(from, caller);
    // The version first: the agreements read after it hold at least its changes.
    const version = store.changes.version();
    sendJson(res, 200, { version, ...(await store.grants()) });
    return true;
  };
  // The change stream: a long poll per gateway process (sharingChanges.ts).
  const watch: Route = async (req, res, url, { from, caller, body }) => {
    if (url.pathname !== '/sharing/watch') return false;
    if (req.method !== 'POST') throw new HttpError(405, 'POST only');
    onlyGateway(from, caller);
    const parsed = watchSchema.safeParse(parseJson(body));
    if (!parsed.success) throw new HttpError(400, 'invalid watch', { error: 'invalid watch', errors: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) });
    const changed = await store.changes.watch(parsed.data.gateway, parsed.data.since, () => req.socket.destroyed || draining());
    if (req.socket.destroyed) return true;
    if (draining()) res.setHeader('connection', 'close');
    if (!changed) {
      sendJson(res, 200, { version: parsed.data.since, unchanged: true });
      return true;
    }
    const version = store.changes.version();
    sendJson(res, 200, { version, ...(await store.grants()) });
    return true;
  };
  const usage: Route = async (req, res, url, { from, caller, body }) => {
    if (url.pathname !== '/sharing/usage') return false;
    if (req.method !== 'POST') throw new HttpError(405, 'POST only');
    onlyGateway(from, caller);
    const parsed = usageSchema.safeParse(parseJson(body));
    if (!parsed.success) throw new HttpError(400, 'invalid usage counts', { error: 'invalid usage counts', errors: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) });
    await store.addUsage(parsed.data.counts);
    sendJson(res, 200, { added: parsed.data.counts.length });
    return true;
  };
  return [grants, watch, usage];
}
