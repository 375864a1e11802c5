import { GraphQLError, Kind, getOperationAST, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { auditCaller, type AuditFields, type Caller } from '@saf/auth';
import type { Logger, PersonLevelRules } from '@saf/service';
import { KeepAliveConnections } from '@saf/service/keep-alive';
import { collectAliased, selectSubjectIds, stripAlias } from './auditSelection.ts';
import type { GatewayContext } from './context.ts';
import { collectSubjects, isPersonLevel, startsPersonLevelWork } from './personLevel.ts';
import { allowedPurposes } from './purpose.ts';
import { accessLogWait, accessLogWithheld, accessLogWrites } from './metrics.ts';

export { collectSubjects, isPersonLevel } from './personLevel.ts';

export interface AuditPluginOptions {
  /** The audit subgraph's URL (its `/graphql` URL or its base); read per request, so it may change. */
  auditUrl: () => string;
  /** The gateway's signature headers for a POST of `body` to `path` on the audit subgraph (no caller). */
  sign: (path: string, body: string) => Record<string, string>;
  log: Logger;
  /** How long a response waits for its entry to be written; default 5 s. */
  timeoutMs?: number;
  /** Most ids one entry lists (a read naming more is logged in several entries); default and most 10 000, what the audit service takes. */
  maxSubjects?: number;
  /** Told the log's head after each write (the audit service's answer), for the witnesses (auditWitnesses.ts). */
  onHead?: (head: { seq: number; hash: string }) => void;
  /**
   * What is person-level in the supergraph being served (`personLevelRules` of its SDL, worked out
   * when it is loaded); null before one is: every operation is then treated as person-level.
   */
  rules: () => PersonLevelRules | null;
}

/** Nothing known to be person-level beyond a Person's or Household's id (auditSelection.ts), before a supergraph is read. */
const NO_RULES: PersonLevelRules = { types: new Set(), fields: new Set(), actions: new Set(), known: new Set() };

/** The head in the audit service's answer to an append, or null when it has none we can use. */
function headOf(text: string): { seq: number; hash: string } | null {
  try {
    const head = (JSON.parse(text) as { head?: { seq?: unknown; hash?: unknown } }).head;
    if (typeof head?.seq === 'number' && Number.isSafeInteger(head.seq) && typeof head.hash === 'string' && /^[0-9a-f]{64}$/.test(head.hash)) return { seq: head.seq, hash: head.hash };
  } catch {
    // The entries are written either way; only this head is not passed on.
  }
  return null;
}

/** The caller declared no purpose for person-level data: HTTP 400, listing those they may declare. */
export function purposeRequired(caller: Caller | null): GraphQLError {
  const allowed = caller ? allowedPurposes(caller) : [];
  const zh = allowed.map((p) => `${p.zh}（${p.code}）`).join('、');
  const en = allowed.map((p) => p.code).join(', ');
  return new GraphQLError(
    `查询个人或家庭数据须在 X-Purpose 请求头中说明用途（如 X-Purpose: ${allowed[0]?.code ?? 'MINIMUM_LIVING_REVIEW'}）${zh ? `；本角色可声明：${zh}` : ''}。 Reading person-level data requires a purpose: declare it in the X-Purpose header, as its code or its Chinese label percent-encoded${en ? ` (yours: ${en})` : ''}.`,
    { extensions: { code: 'PURPOSE_REQUIRED', http: { status: 400 }, allowed } },
  );
}

/** `…/graphql` or a bare base URL → the service's `path`. keep in sync with scripts/audit-verify.ts. */
export function auditEndpoint(serviceUrl: string, path: string): URL {
  const url = new URL(serviceUrl);
  url.pathname = url.pathname.replace(/\/graphql\/?$/, '').replace(/\/$/, '') + path;
  url.search = '';
  return url;
}

/**
 * The longest id and operation the audit service stores (keep in sync with
 * subgraphs/audit/src/routes.ts). Registry ids are at most 64 characters, so a longer one asked
 * for names no record; it is logged cut, marked with "…", rather than refused with its whole group.
 */
const MAX_ID = 200;
const MAX_OPERATION = 1000;

function fit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Most entries, and most ids in all, one write carries (the audit service takes 1,000 entries a request). */
const MAX_BATCH_ENTRIES = 500;
const MAX_BATCH_SUBJECTS = 20_000;

interface Waiting {
  fields: AuditFields;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit on the gateway's side: one write in flight at a time, and the entries that arrive
 * meanwhile go together in the next one. An idle gateway writes each entry at once, as before;
 * under load one signed call carries many reads (2 cores, household pictures at 32 connections:
 * one call per request cost the audit service 1.75 ms of CPU a picture). Each response still
 * waits until its own entry is written. A refused group is written again in halves, down to the
 * entries the audit service refuses alone, so one bad entry withholds only its own request's
 * answer, not the reads that happened to share its write. A failure that is no answer at all
 * (refused connection, timeout) fails the whole group at once: halving would only wait longer.
 */
export function createEntryWriter(write: (entries: AuditFields[]) => Promise<void>): (fields: AuditFields) => Promise<void> {
  const queue: Waiting[] = [];
  let writing = false;
  /** `retries`: the writes a group may still spend on halving (enough to find two bad entries), so a service refusing everything is not called once per entry. */
  async function commit(batch: Waiting[], retries: { left: number }): Promise<void> {
    try {
      await write(batch.map((w) => w.fields));
      for (const w of batch) w.resolve();
    } catch (err) {
      if (batch.length === 1 || !(err instanceof AuditRefused) || retries.left < 2) {
        for (const w of batch) w.reject(err);
        return;
      }
      retries.left -= 2;
      const half = Math.ceil(batch.length / 2);
      await commit(batch.slice(0, half), retries);
      await commit(batch.slice(half), retries);
    }
  }
  async function drain(): Promise<void> {
    writing = true;
    while (queue.length) {
      const batch = [queue.shift()!];
      let subjects = batch[0]!.fields.subjectIds.length;
      while (queue.length && batch.length < MAX_BATCH_ENTRIES && subjects + queue[0]!.fields.subjectIds.length <= MAX_BATCH_SUBJECTS) {
        subjects += queue[0]!.fields.subjectIds.length;
        batch.push(queue.shift()!);
      }
      await commit(batch, { left: 4 * Math.ceil(Math.log2(batch.length)) });
    }
    writing = false;
  }
  return (fields) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ fields, resolve, reject });
      if (!writing) void drain();
    });
}

/** The audit service answered, and not with success: the entries it was sent, or one of them, it would not store. */
export class AuditRefused extends Error {}

/** What the plugin works out from an operation alone, once per parsed document (Apollo Server keeps one per query text). */
interface OperationFacts {
  /** The rules they were worked out with. */
  rules: PersonLevelRules;
  personLevel: boolean;
  /** Reads person-level data, or has our services read it for the caller (a sweep): a purpose is required. */
  needsPurpose: boolean;
  /** The document with the subjects' ids selected (see `selectSubjectIds`), once it has run. */
  selected?: { document: DocumentNode; operation: OperationDefinitionNode | undefined; alias: string | null };
}

/** The operation's name, or its root fields in braces, e.g. `{household person}`. */
function operationLabel(document: DocumentNode, operationName: string | null | undefined): string {
  if (operationName) return operationName;
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operation?.kind !== Kind.OPERATION_DEFINITION) return '(unknown)';
  if (operation.name) return operation.name.value;
  const fields = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
  return `{${fields.join(' ')}}`;
}

/**
 * The access log at the gateway (SPEC section 8). For every operation that reads person-level
 * data: refuses it without a declared purpose (`PURPOSE_REQUIRED`, 400, before anything is
 * fetched), and writes an entry (who, purpose, operation, the ids read) to the audit subgraph
 * before the response leaves: as soon as a subgraph answer holds ids, so the write overlaps the
 * later fetches, and a second entry at the end for any id the response holds that the first did
 * not list. If an entry cannot be written the data is withheld (`AUDIT_UNAVAILABLE`, 503): an
 * unlogged read is not allowed.
 */
export function createAuditPlugin(options: AuditPluginOptions): ApolloServerPlugin<GatewayContext> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxSubjects = options.maxSubjects ?? 10_000;

  // One write in flight at a time (see createEntryWriter), so one warm connection serves.
  const connections = new KeepAliveConnections({ maxSockets: 2, maxFreeSockets: 2, timeout: 30_000 });
  const record = createEntryWriter(async (entries) => {
    const url = auditEndpoint(options.auditUrl(), '/audit/entries');
    const body = JSON.stringify({ entries });
    const timer = accessLogWrites.startTimer();
    let outcome = 'failed';
    try {
      const { status, text } = await connections.request(url, 'POST', { 'content-type': 'application/json', ...options.sign(url.pathname, body) }, body, timeoutMs);
      if (status !== 200) throw new AuditRefused(`the audit service answered ${status}: ${text.slice(0, 200)}`);
      outcome = 'written';
      const head = options.onHead ? headOf(text) : null;
      if (head) options.onHead!(head);
    } finally {
      timer({ outcome });
    }
  });

  /**
   * The entries of `context`'s request naming `subjects`: as many as it takes to list every one
   * (at most `maxSubjects` each, what the audit service takes), so that each person and household
   * read is found by its own id. The parts of one read say so in their operation.
   */
  function entries(context: GatewayContext, operation: string, subjects: string[]): AuditFields[] {
    const at = new Date().toISOString();
    const parts = Math.max(1, Math.ceil(subjects.length / maxSubjects));
    const label = fit(operation, MAX_OPERATION - 24);
    const out: AuditFields[] = [];
    for (let i = 0; i < parts; i++) {
      out.push({
        ...auditCaller(context.caller),
        at,
        // Its Chinese label, as people read the log (the list never renames one; purposes.json).
        purpose: context.purpose?.zh ?? '',
        operation: parts > 1 ? `${label} (part ${i + 1} of ${parts})` : label,
        subjectIds: subjects.slice(i * maxSubjects, (i + 1) * maxSubjects).map((id) => fit(id, MAX_ID)),
        requestId: context.requestId,
      });
    }
    return out;
  }
  /** Writes every entry; resolves once all are written. */
  const recordAll = (fields: AuditFields[]): Promise<unknown> => Promise.all(fields.map(record));

  // Per parsed document, schema and rules (a reloaded supergraph is a new schema and new rules):
  // classifying the operation and adding the id selections walk the whole document, the same for
  // every request.
  const known = new WeakMap<DocumentNode, { schema: GraphQLSchema; rules: PersonLevelRules | null; byOperation: Map<string, OperationFacts> }>();
  function factsOf(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): OperationFacts {
    const rules = options.rules();
    let entry = known.get(document);
    if (!entry || entry.schema !== schema || entry.rules !== rules) known.set(document, (entry = { schema, rules, byOperation: new Map() }));
    let facts = entry.byOperation.get(operationName ?? '');
    if (!facts) {
      if (rules) {
        const personLevel = isPersonLevel(rules, schema, document, operationName);
        facts = { rules, personLevel, needsPurpose: personLevel || startsPersonLevelWork(rules, schema, document, operationName) };
      } else {
        facts = { rules: NO_RULES, personLevel: true, needsPurpose: true };
      }
      entry.byOperation.set(operationName ?? '', facts);
    }
    return facts;
  }

  function withhold(rc: GraphQLRequestContextWillSendResponse<GatewayContext>): void {
    const message = '访问日志暂时无法记录本次查询，个人数据未予返回，请稍后重试。 The access log cannot record this read right now, so the person-level data is withheld; try again shortly.';
    rc.response.body = { kind: 'single', singleResult: { errors: [{ message, extensions: { code: 'AUDIT_UNAVAILABLE', requestId: rc.contextValue.requestId } }] } };
    rc.response.http.status = 503;
  }

  return {
    async serverWillStart() {
      return {
        async serverWillStop() {
          connections.close();
        },
      };
    },
    async requestDidStart() {
      let personLevel = false;
      let executed = false;
      let alias: string | null = null;
      let operation = '';
      /** The entry written while the operation still ran, and the ids it lists. */
      let early: { ids: Set<string>; written: Promise<unknown> } | null = null;

      return {
        async didResolveOperation(rc) {
          const facts = factsOf(rc.schema, rc.document, rc.operationName);
          personLevel = facts.personLevel;
          // Our own services acting for a caller (the coordination office's sweeps) carry the
          // purpose that caller declared, signed: they are asked for it like anyone else.
          if (facts.needsPurpose && !rc.contextValue.purpose) throw purposeRequired(rc.contextValue.caller);
        },
        async executionDidStart(rc) {
          executed = true;
          if (!personLevel || !rc.document) return;
          // The last moment before execution reads the document (other plugins have seen the
          // client's own): ask for the ids of every Person and Household read. Deliberately
          // replaces the readonly document; the gateway plans from it and caches the plan by
          // the query hash, which stays consistent because the change is deterministic.
          const facts = factsOf(rc.schema, rc.document, rc.operationName);
          if (!facts.selected) {
            const { document, alias: added } = selectSubjectIds(facts.rules, rc.schema, rc.document);
            facts.selected = { document, alias: added, operation: getOperationAST(document, rc.operationName ?? undefined) ?? undefined };
          }
          alias = facts.selected.alias;
          const mutable = rc as { document: DocumentNode; operation: OperationDefinitionNode | undefined };
          mutable.document = facts.selected.document;
          mutable.operation = facts.selected.operation;

          // The first subgraph answer that holds subjects' ids (for a household picture, civil
          // affairs' household and members) has its entry written at once, while the other
          // departments are asked: the write no longer waits behind the whole operation. What
          // later answers add is logged in a second entry before the response leaves, so every
          // id the response holds is logged either way; an id fetched but then lost to an error
          // is logged too (read by the gateway for this caller), never the other way round.
          operation = operationLabel(rc.document, rc.operationName);
          const context = rc.contextValue;
          const key = alias;
          if (!context.caller || !key) return;
          context.subjectsFetched = (data) => {
            if (early) return;
            const found = new Set<string>();
            collectAliased(data, key, found);
            if (found.size === 0) return;
            const fields = entries(context, operation, [...found]);
            // After the fetches the executor sends next are on their way, not before them.
            const written = new Promise((r) => setImmediate(r)).then(() => recordAll(fields));
            written.catch(() => {}); // awaited, and its failure handled, when the response is ready
            early = { ids: found, written };
          };
        },
        async willSendResponse(rc) {
          rc.contextValue.subjectsFetched = undefined;
          // Refused before anything was fetched (no purpose, a limit): nothing was read.
          if (!personLevel || !executed) return;
          const { caller, requestId } = rc.contextValue;
          try {
            if (!caller) throw new Error('no verified caller on a person-level request');
            // Later parts of an incremental response would leave unlogged; the gateway sends none.
            if (rc.response.body.kind !== 'single') throw new Error('incremental delivery of person-level data is not logged');
            if (!rc.document) throw new Error('no document on an executed request');
            const data = rc.response.body.singleResult.data;
            const subjects = collectSubjects(rc.schema, rc.document, rc.request.variables, data, rc.operationName);
            if (alias) stripAlias(data, alias);
            const logged = early;
            const waiting = accessLogWait.startTimer();
            if (!logged) {
              await recordAll(entries(rc.contextValue, operation, subjects));
            } else {
              const rest = subjects.filter((id) => !logged.ids.has(id));
              await Promise.all([logged.written, rest.length > 0 ? recordAll(entries(rc.contextValue, operation, rest)) : undefined]);
            }
            waiting();
          } catch (err) {
            options.log.error({ err, requestId }, 'access log entry not written: person-level response withheld');
            accessLogWithheld.inc();
            withhold(rc);
          }
        },
      };
    },
  };
}
