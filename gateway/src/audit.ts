import { GraphQLError, Kind, getOperationAST, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { auditCaller, type AuditFields } from '@saf/auth';
import type { Logger } from '@saf/service';
import { KeepAliveConnections } from '@saf/service/keep-alive';
import { collectAliased, selectSubjectIds, stripAlias } from './auditSelection.ts';
import type { GatewayContext } from './context.ts';
import { collectSubjects, isPersonLevel } from './personLevel.ts';
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
  /** Most ids one entry lists (the operation notes how many more); default 10 000. */
  maxSubjects?: number;
  /** Told the log's head after each write (the audit service's answer), for the witnesses (auditWitnesses.ts). */
  onHead?: (head: { seq: number; hash: string }) => void;
}

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

/** The caller declared no purpose for person-level data: HTTP 400. */
export function purposeRequired(): GraphQLError {
  return new GraphQLError(
    '查询个人或家庭数据须在 X-Purpose 请求头中说明用途（如 X-Purpose: 低保复核）。 Reading person-level data requires a purpose: declare it in the X-Purpose header (e.g. X-Purpose: minimum living allowance review).',
    { extensions: { code: 'PURPOSE_REQUIRED', http: { status: 400 } } },
  );
}

/** `…/graphql` or a bare base URL → the service's `path`. keep in sync with scripts/audit-verify.ts. */
export function auditEndpoint(serviceUrl: string, path: string): URL {
  const url = new URL(serviceUrl);
  url.pathname = url.pathname.replace(/\/graphql\/?$/, '').replace(/\/$/, '') + path;
  url.search = '';
  return url;
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
 * waits until its own entry is written, and every response of a failed write is withheld.
 */
function createEntryWriter(write: (entries: AuditFields[]) => Promise<void>): (fields: AuditFields) => Promise<void> {
  const queue: Waiting[] = [];
  let writing = false;
  async function drain(): Promise<void> {
    writing = true;
    while (queue.length) {
      const batch = [queue.shift()!];
      let subjects = batch[0]!.fields.subjectIds.length;
      while (queue.length && batch.length < MAX_BATCH_ENTRIES && subjects + queue[0]!.fields.subjectIds.length <= MAX_BATCH_SUBJECTS) {
        subjects += queue[0]!.fields.subjectIds.length;
        batch.push(queue.shift()!);
      }
      try {
        await write(batch.map((w) => w.fields));
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    writing = false;
  }
  return (fields) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ fields, resolve, reject });
      if (!writing) void drain();
    });
}

/** What the plugin works out from an operation alone, once per parsed document (Apollo Server keeps one per query text). */
interface OperationFacts {
  personLevel: boolean;
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
      if (status !== 200) throw new Error(`the audit service answered ${status}: ${text.slice(0, 200)}`);
      outcome = 'written';
      const head = options.onHead ? headOf(text) : null;
      if (head) options.onHead!(head);
    } finally {
      timer({ outcome });
    }
  });

  /** The entry of `context`'s request listing `subjects` (at most `maxSubjects`, noting how many more). */
  function entry(context: GatewayContext, operation: string, subjects: string[]): AuditFields {
    const listed = subjects.slice(0, maxSubjects);
    const more = subjects.length - listed.length;
    return {
      ...auditCaller(context.caller),
      at: new Date().toISOString(),
      purpose: context.purpose ?? (context.internal ? '(internal service request)' : ''),
      operation: operation + (more > 0 ? ` (+${more} more ids not listed)` : ''),
      subjectIds: listed,
      requestId: context.requestId,
    };
  }

  // Per parsed document and schema (a reloaded supergraph is a new schema): classifying the
  // operation and adding the id selections walk the whole document, the same for every request.
  const known = new WeakMap<DocumentNode, { schema: GraphQLSchema; byOperation: Map<string, OperationFacts> }>();
  function factsOf(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): OperationFacts {
    let entry = known.get(document);
    if (!entry || entry.schema !== schema) known.set(document, (entry = { schema, byOperation: new Map() }));
    let facts = entry.byOperation.get(operationName ?? '');
    if (!facts) entry.byOperation.set(operationName ?? '', (facts = { personLevel: isPersonLevel(schema, document, operationName) }));
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
      let early: { ids: Set<string>; written: Promise<void> } | null = null;

      return {
        async didResolveOperation(rc) {
          personLevel = factsOf(rc.schema, rc.document, rc.operationName).personLevel;
          // Our own services acting for a caller (the coordination office's sweeps) are logged
          // but not asked for a purpose: the caller declared it on the request that started them.
          if (personLevel && !rc.contextValue.purpose && !rc.contextValue.internal) throw purposeRequired();
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
            const { document, alias: added } = selectSubjectIds(rc.schema, rc.document);
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
            const fields = entry(context, operation, [...found]);
            // After the fetches the executor sends next are on their way, not before them.
            const written = new Promise((r) => setImmediate(r)).then(() => record(fields));
            written.catch(() => {}); // awaited, and its failure handled, when the response is ready
            early = { ids: new Set(fields.subjectIds), written };
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
              await record(entry(rc.contextValue, operation, subjects));
            } else {
              const rest = subjects.filter((id) => !logged.ids.has(id));
              await Promise.all([logged.written, rest.length > 0 ? record(entry(rc.contextValue, operation, rest)) : undefined]);
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
