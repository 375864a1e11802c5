import { createHash, randomUUID } from 'node:crypto';
import {
  GraphQLError,
  Kind,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { coversCoordinate, officeOf, type Caller, type SharingGrant } from '@saf/auth';
import { catalogueOf, type CatalogueEntry, type Logger } from '@saf/service';
import { KeepAliveConnections } from '@saf/service/keep-alive';
import type { GatewayContext } from './context.ts';
import { sharingDecisions, sharingGrantFetches, sharingReadSpikes, sharingRefusals } from './metrics.ts';
import { SpikeDetector } from './sharingSpikes.ts';

/** Why a field is not served: the agreement that would allow it. */
export interface Refusal {
  coordinate: string;
  owner: string;
  sharing: string;
  /** The gateway has not been able to read the agreements in force yet (it fails closed). */
  unavailable?: boolean;
}

/** Where a refused field's null goes (its own place, or the nearest nullable place above a non-null one). */
interface Anchor {
  /** Response keys from the root. */
  path: string[];
  refusals: Refusal[];
}

/** What the gateway does to one operation for one caller office and purpose. */
export interface SharingPlan {
  /** The operation without the refused fields; null when nothing is refused. */
  document: DocumentNode | null;
  operation: OperationDefinitionNode | null;
  queryHash: string | null;
  anchors: Anchor[];
  /** Placeholders (`__typename` under an alias) where a selection lost every field. */
  placeholders: string[][];
  /** Refused up to the root (a non-null root field): the whole operation is refused. */
  refusedRoot: Refusal[] | null;
  /** The agreement each field read under one is read under (for the use counts). */
  used: Array<{ grantId: string; coordinate: string }>;
}

const PLACEHOLDER = '__sharingPlaceholder';

/** The agreements in force as the gateway holds them. */
export interface GrantSnapshot {
  /** Changes whenever the set of agreements in force now changes. */
  version: string;
  /** `requester \0 owner \0 purpose` → grants in force. */
  active: Map<string, SharingGrant[]>;
  /** The next moment a grant starts or ends (the active set is worked out again then). */
  boundaryAt: number;
  all: SharingGrant[];
  /** Offices an agreement in force lets send operations not registered (trusted operations). */
  adHoc: Set<string>;
  /** Operations registered against agreements in force: hash → the document and the offices that may run it. */
  operations: Map<string, { document: string; offices: Set<string> }>;
  registered: RegisteredOperation[];
}

/** An operation registered against an agreement (the coordination office's `sharing_operations`). */
export interface RegisteredOperation {
  hash: string;
  agreementId: string;
  document: string;
}

export function snapshotOf(grants: SharingGrant[], now = Date.now(), registered: RegisteredOperation[] = []): GrantSnapshot {
  const active = new Map<string, SharingGrant[]>();
  const adHoc = new Set<string>();
  const requesterOf = new Map<string, string>();
  let boundaryAt = Infinity;
  const ids: string[] = [];
  for (const g of grants) {
    if (g.validFrom > now) boundaryAt = Math.min(boundaryAt, g.validFrom);
    else if (g.validUntil >= now) {
      boundaryAt = Math.min(boundaryAt, g.validUntil + 1);
      const key = `${g.requester}\0${g.owner}\0${g.purpose}`;
      const list = active.get(key);
      if (list) list.push(g);
      else active.set(key, [g]);
      ids.push(`${g.id}:${g.coordinates.join(',')}`);
      if (g.adHocQueries) adHoc.add(g.requester);
      requesterOf.set(g.id, g.requester);
    }
  }
  ids.sort();
  const operations = new Map<string, { document: string; offices: Set<string> }>();
  for (const op of registered) {
    const office = requesterOf.get(op.agreementId);
    if (!office) continue;
    const entry = operations.get(op.hash) ?? { document: op.document, offices: new Set<string>() };
    entry.offices.add(office);
    operations.set(op.hash, entry);
  }
  return { version: createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 16), active, boundaryAt, all: grants, adHoc, operations, registered };
}

/** Every fragment spread replaced by an inline fragment: each selection then has one place in the response. */
function inlineSpreads(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): SelectionSetNode {
  return {
    ...set,
    selections: set.selections.map((sel): SelectionNode => {
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(sel.name.value);
        if (!fragment) return sel;
        return { kind: Kind.INLINE_FRAGMENT, typeCondition: fragment.typeCondition, directives: sel.directives ?? [], selectionSet: inlineSpreads(fragment.selectionSet, fragments) };
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) return { ...sel, selectionSet: inlineSpreads(sel.selectionSet, fragments) };
      return sel.selectionSet ? { ...sel, selectionSet: inlineSpreads(sel.selectionSet, fragments) } : sel;
    }),
  };
}

type Decide = (coordinate: string, entry: CatalogueEntry) => { grantId: string | null } | Refusal;

interface Walked {
  set: SelectionSetNode;
  changed: boolean;
  /** The agreements the kept fields are read under. */
  used: Array<{ grantId: string; coordinate: string }>;
  /** Refused non-null fields whose null goes up to the parent. */
  bubble: Refusal[];
}

/**
 * The plan for one operation: each field one department alone resolves (the catalogue), outside
 * the caller's own department, is checked with `decide`; a refused field is taken out of the
 * operation (so no subgraph is asked for it) and answered null with FORBIDDEN, or, when it may not
 * be null, the nearest place above that may.
 */
export function planSharing(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  catalogue: Map<string, CatalogueEntry>,
  ownDepartment: string | null,
  decide: Decide,
): SharingPlan {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName));
  const none: SharingPlan = { document: null, operation: null, queryHash: null, anchors: [], placeholders: [], refusedRoot: null, used: [] };
  if (!operation) return none;
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  if (!root) return none;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const anchors: Anchor[] = [];
  const placeholders: string[][] = [];

  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, path: string[]): Walked => {
    const kept: SelectionNode[] = [];
    const bubble: Refusal[] = [];
    const used: Walked['used'] = [];
    let changed = false;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        // Only reached before inlining (the first pass); the spread's fields are checked inlined.
        kept.push(sel);
        continue;
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        if (!type || !isCompositeType(type)) {
          kept.push(sel);
          continue;
        }
        const inner = walk(sel.selectionSet, type, path);
        bubble.push(...inner.bubble);
        used.push(...inner.used);
        if (inner.changed) changed = true;
        if (inner.set.selections.length > 0) kept.push(inner.changed ? { ...sel, selectionSet: inner.set } : sel);
        continue;
      }
      const field: FieldNode = sel;
      const name = field.name.value;
      if (name.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) {
        kept.push(field);
        continue;
      }
      const def = parent.getFields()[name];
      if (!def) {
        kept.push(field);
        continue;
      }
      const key = field.alias?.value ?? name;
      const here = [...path, key];
      const coordinate = `${parent.name}.${name}`;
      const entry = catalogue.get(coordinate);
      let refusals: Refusal[] | null = null;
      let grantId: string | null = null;
      if (entry && entry.department !== null && entry.department !== ownDepartment && entry.sharing !== 'UNCONDITIONAL') {
        const decision = decide(coordinate, entry);
        if ('coordinate' in decision) refusals = [decision];
        else grantId = decision.grantId;
      }
      if (!refusals && field.selectionSet) {
        const type = getNamedType(def.type);
        if (isCompositeType(type)) {
          const inner = walk(field.selectionSet, type, here);
          if (inner.bubble.length > 0) refusals = inner.bubble;
          else {
            if (inner.changed) changed = true;
            kept.push(inner.changed ? { ...field, selectionSet: inner.set } : field);
            if (grantId) used.push({ grantId, coordinate });
            used.push(...inner.used);
            continue;
          }
        }
      }
      if (!refusals) {
        kept.push(field);
        if (grantId) used.push({ grantId, coordinate });
        continue;
      }
      changed = true;
      if (isNonNullType(def.type)) bubble.push(...refusals);
      else anchors.push({ path: here, refusals });
    }
    if (changed && kept.length === 0 && bubble.length === 0) {
      kept.push({ kind: Kind.FIELD, alias: { kind: Kind.NAME, value: PLACEHOLDER }, name: { kind: Kind.NAME, value: '__typename' } });
      placeholders.push(path);
    }
    return { set: { ...set, selections: kept }, changed, bubble, used };
  };

  // Inlined only when something is refused: most operations pass as they came.
  const first = walk(inlineSpreads(operation.selectionSet, fragments), root, []);
  const seen = new Set<string>();
  const usedList = first.used.filter((u) => {
    const key = `${u.grantId}\0${u.coordinate}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  if (!first.changed && first.bubble.length === 0) return { ...none, used: usedList };
  if (first.bubble.length > 0) return { ...none, refusedRoot: first.bubble, used: [] };
  const rewritten: OperationDefinitionNode = { ...operation, selectionSet: first.set };
  const doc: DocumentNode = { kind: Kind.DOCUMENT, definitions: [rewritten] };
  return { document: doc, operation: rewritten, queryHash: null, anchors, placeholders, refusedRoot: null, used: usedList };
}

function refusalError(r: Refusal, requester: string, purpose: string | null, path?: ReadonlyArray<string | number>): GraphQLFormattedError {
  if (r.unavailable) {
    return {
      message: `网关暂时无法读取共享协议，需协议的数据一律不予提供，请稍后再试。 The gateway cannot read the sharing agreements from the coordination office yet: ${r.owner}'s ${r.coordinate}, like every field that needs an agreement, is refused until it can; try again shortly.`,
      ...(path ? { path } : {}),
      extensions: { code: 'FORBIDDEN', coordinate: r.coordinate, agreementsUnavailable: true },
    };
  }
  const message =
    r.sharing === 'NOT_SHARED'
      ? `${r.coordinate} 属于 ${r.owner} 不予共享的数据。 ${r.coordinate} is ${r.owner}'s and NOT_SHARED: no agreement serves it outside ${r.owner}.`
      : purpose
        ? `没有生效的共享协议允许 ${requester} 以用途「${purpose}」读取 ${r.owner} 的 ${r.coordinate}。 No active sharing agreement lets ${requester} read ${r.owner}'s ${r.coordinate} for purpose ${purpose}: ask ${r.owner} for one (requestSharing).`
        : `读取 ${r.owner} 的 ${r.coordinate} 需声明用途并有对应的共享协议。 ${r.owner}'s ${r.coordinate} is served only under a sharing agreement for the purpose declared in X-Purpose; none was declared.`;
  return {
    message,
    ...(path ? { path } : {}),
    extensions: { code: 'FORBIDDEN', coordinate: r.coordinate, missingAgreement: { requester, owner: r.owner, coordinates: [r.coordinate], purpose } },
  };
}

/** Sets null at each place `path` reaches in `data` (through lists); returns the places. */
function nullAt(data: unknown, path: string[]): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [];
  const go = (value: unknown, i: number, at: Array<string | number>) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      value.forEach((v, n) => go(v, i, [...at, n]));
      return;
    }
    if (typeof value !== 'object') return;
    const key = path[i]!;
    const obj = value as Record<string, unknown>;
    if (i === path.length - 1) {
      obj[key] = null;
      out.push([...at, key]);
      return;
    }
    go(obj[key], i + 1, [...at, key]);
  };
  go(data, 0, []);
  return out;
}

function dropPlaceholders(data: unknown, path: string[]): void {
  const go = (value: unknown, i: number) => {
    if (value === null || value === undefined || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach((v) => go(v, i));
    const obj = value as Record<string, unknown>;
    if (i === path.length) delete obj[PLACEHOLDER];
    else go(obj[path[i]!], i + 1);
  };
  go(data, 0);
}

/** At most this many FORBIDDEN errors in one response (a long list's every item is not named). */
const MAX_ERRORS = 100;

export interface SharingEnforcementOptions {
  /** The coordination office's base URL (where the agreements are). */
  coordinationUrl: () => string;
  sign: (path: string, body: string) => Record<string, string>;
  log: Logger;
  /**
   * How long the agreements in force are used before they are read again, while the change stream
   * is down (with it up, every change arrives before the mutation that made it answers).
   */
  ttlMs: number;
  /** Watch the coordination office's change stream (default true). */
  watch?: boolean;
  /** false: no field is checked (SHARING_ENFORCEMENT=off, for measuring the cost); default true. */
  enforce?: boolean;
  /** How often the use counts go to the coordination office. */
  usageFlushMs: number;
  /** A caller's reads in one window over `factor` times their own usual level (and over `floor`) are a spike. */
  spikes: { windowMs: number; factor: number; floor: number };
}

export interface SharingEnforcement {
  plugin: ApolloServerPlugin<GatewayContext>;
  /** The composed supergraph's SDL (the catalogue is read from its @sharing marks). */
  setSupergraph(sdl: string): void;
  /** Reads the agreements again before the next decision. */
  invalidate(): void;
  /** Sends the counted use now. */
  flush(): Promise<void>;
  /** The agreements in force (read again when stale); null when they could never be read. */
  current(): Promise<GrantSnapshot | null>;
  /** Whether the change stream is up (the TTL is then not used). */
  streaming(): boolean;
  close(): Promise<void>;
}

const SHARING_MUTATIONS = new Set(['requestSharing', 'decideSharing', 'revokeSharing', 'registerSharingOperation']);

/** The root fields an operation selects, through its fragments too (`mutation { ...Revoke }` revokes as well). */
function rootFieldNames(set: SelectionSetNode, document: DocumentNode, seen = new Set<string>()): string[] {
  const names: string[] = [];
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) names.push(sel.name.value);
    else if (sel.kind === Kind.INLINE_FRAGMENT) names.push(...rootFieldNames(sel.selectionSet, document, seen));
    else if (!seen.has(sel.name.value)) {
      seen.add(sel.name.value);
      const fragment = document.definitions.find((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === sel.name.value);
      if (fragment) names.push(...rootFieldNames(fragment.selectionSet, document, seen));
    }
  }
  return names;
}

function dayInChina(now = Date.now()): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * SPEC section 12 at the gateway, before any subgraph is called: a field one department owns,
 * read by another office, is served only under an agreement in force for the request's purpose
 * (or as UNCONDITIONAL); otherwise it is null with FORBIDDEN naming the agreement that is
 * missing, and the rest answers. The subgraphs keep their own checks. Our own services' signed
 * requests (the coordination office acting within an operation already decided here) are not
 * checked again. Decisions are kept per operation, purpose, office and agreements in force.
 */
export function createSharingEnforcement(options: SharingEnforcementOptions): SharingEnforcement {
  const connections = new KeepAliveConnections({ maxSockets: 2, maxFreeSockets: 2, timeout: 30_000 });
  let catalogue: Map<string, CatalogueEntry> = new Map();
  let snapshot: GrantSnapshot | null = null;
  /**
   * When the office was last asked for what `snapshot` holds (a read's start, a stream answer's
   * arrival): while the stream is down, the agreements used are never older than the TTL.
   */
  let readAt = 0;
  /** After a failed read, the next one is not tried before this (once a second, not per request). */
  let retryAt = 0;
  /**
   * Set by a sharing mutation through this gateway (when it answered): the next decision waits for
   * a read begun after it. 0 at start: the first decision waits for a first read.
   */
  let staleSince: number | null = 0;
  let fetching: Promise<GrantSnapshot | null> | null = null;
  /** When the read in flight began. */
  let fetchingFrom = 0;
  /** The coordination office's version of what `snapshot` holds (`boot.generation`). */
  let applied: string | null = null;
  /** Answered by the change stream since its last failure. */
  let streamUp = false;
  let closed = false;
  const gatewayId = `gw-${randomUUID()}`;
  // Its own connection: the long poll holds it for up to half a minute.
  const watchConnections = new KeepAliveConnections({ maxSockets: 1, maxFreeSockets: 1, timeout: 60_000 });
  let plans = new Map<string, SharingPlan>();
  const MAX_PLANS = 5_000;
  const usage = new Map<string, number>();

  const post = async (path: string, payload: unknown): Promise<string> => {
    const url = new URL(path, options.coordinationUrl());
    const body = JSON.stringify(payload);
    const { status, text } = await connections.request(url, 'POST', { 'content-type': 'application/json', ...options.sign(url.pathname, body) }, body, 5_000);
    if (status !== 200) throw new Error(`the coordination office answered ${status} to ${path}: ${text.slice(0, 200)}`);
    return text;
  };

  type GrantsAnswer = { version?: string; grants: SharingGrant[]; operations?: RegisteredOperation[] };
  /**
   * Takes the office's answer unless it is older than what is held: a read by TTL that started
   * before a change may arrive after the stream brought the change.
   */
  const apply = (answer: GrantsAnswer, askedAt: number): void => {
    const [boot, generation] = (answer.version ?? '').split('.');
    const [heldBoot, heldGeneration] = (applied ?? '').split('.');
    if (answer.version && applied && boot === heldBoot && Number(generation) < Number(heldGeneration)) return;
    snapshot = snapshotOf(answer.grants, Date.now(), answer.operations ?? []);
    applied = answer.version ?? null;
    readAt = askedAt;
  };

  /**
   * The change stream (coordination's sharingChanges.ts): a long poll naming the version held; its
   * answer brings the agreements after a change, and the next poll acknowledges them. While it
   * fails, the TTL reads keep the agreements fresh; it is tried again with a growing pause.
   */
  const watchLoop = async () => {
    let pause = 250;
    while (!closed) {
      try {
        const url = new URL('/sharing/watch', options.coordinationUrl());
        const body = JSON.stringify({ gateway: gatewayId, since: applied });
        const { status, text } = await watchConnections.request(url, 'POST', { 'content-type': 'application/json', ...options.sign(url.pathname, body) }, body, 45_000);
        if (status !== 200) throw new Error(`the coordination office answered ${status} to /sharing/watch: ${text.slice(0, 200)}`);
        const answer = JSON.parse(text) as GrantsAnswer & { unchanged?: boolean };
        if (!answer.unchanged) {
          const at = Date.now();
          apply(answer, at);
          // Computed by the office after the change that answered the poll: newer than any mutation answered before it arrived.
          if (staleSince !== null && at >= staleSince) staleSince = null;
        }
        if (!streamUp) options.log.info('sharing agreements: change stream up');
        streamUp = true;
        pause = 250;
      } catch (err) {
        if (closed) return;
        if (streamUp) options.log.warn({ err: (err as Error).message }, 'sharing agreements: change stream down; read every SHARING_AGREEMENTS_TTL_MS until it is back');
        streamUp = false;
        await new Promise((r) => setTimeout(r, pause).unref());
        pause = Math.min(pause * 2, 5_000);
      }
    }
  };

  /** A read of the agreements begun at `notBefore` or later (one in flight that began earlier is waited out, not joined). */
  const fetchGrants = async (notBefore = 0): Promise<GrantSnapshot | null> => {
    while (fetching && fetchingFrom < notBefore) await fetching;
    fetching ??= (async () => {
      const timer = sharingGrantFetches.startTimer();
      const askedAt = Date.now();
      fetchingFrom = askedAt;
      try {
        apply(JSON.parse(await post('/sharing/grants', {})) as GrantsAnswer, askedAt);
        if (staleSince !== null && askedAt >= staleSince) staleSince = null;
        timer({ outcome: 'ok' });
      } catch (err) {
        timer({ outcome: 'failed' });
        // Kept while the office cannot answer (it is where agreements change, so none can be
        // revoked meanwhile but in the moment it went down); tried again a second later. A gateway
        // that never read them refuses every field that needs one until it can: it fails closed,
        // never serving under agreements it has not seen in force (docs/operations.md).
        if (!snapshot) options.log.warn({ err: (err as Error).message }, 'sharing agreements could not be read: fields that need an agreement are refused until they can');
        else options.log.warn({ err: (err as Error).message }, 'sharing agreements could not be read; keeping the last known');
        retryAt = Date.now() + 1_000;
        // Not waited for again before the retry: decided by what is held (nothing, at first: refused).
        if (staleSince !== null && askedAt >= staleSince) staleSince = null;
      } finally {
        fetching = null;
      }
      return snapshot;
    })();
    return fetching;
  };

  /**
   * The agreements to decide by. With the stream up, what it brought (a change arrives before the
   * mutation that made it answers). With it down, never older than the TTL: read again in the
   * background from half the TTL on (steady traffic seldom waits), and waited for once the TTL
   * has passed, so a revocation made meanwhile applies within the TTL however long the gateway
   * was idle.
   */
  const current = async (): Promise<GrantSnapshot | null> => {
    const now = Date.now();
    if (staleSince !== null) await fetchGrants(staleSince);
    else if (now >= retryAt && (!snapshot || !streamUp)) {
      const age = now - readAt;
      if (!snapshot || age >= options.ttlMs) await fetchGrants(now - options.ttlMs);
      else if (age >= options.ttlMs / 2) void fetchGrants();
    }
    if (!snapshot) return null;
    if (now >= snapshot.boundaryAt) snapshot = snapshotOf(snapshot.all, now, snapshot.registered);
    return snapshot;
  };

  const flush = async () => {
    if (usage.size === 0) return;
    const counts = [...usage].map(([key, reads]) => {
      const [agreementId, coordinate, caller, purpose, day] = key.split('\0') as [string, string, string, string, string];
      return { agreementId, coordinate, caller, purpose, day, reads };
    });
    usage.clear();
    try {
      await post('/sharing/usage', { counts });
    } catch (err) {
      // Put back: counted again with the next flush.
      for (const c of counts) {
        const key = [c.agreementId, c.coordinate, c.caller, c.purpose, c.day].join('\0');
        usage.set(key, (usage.get(key) ?? 0) + c.reads);
      }
      options.log.warn({ err: (err as Error).message }, 'sharing use counts not sent; kept for the next flush');
    }
  };
  const flushTimer = setInterval(() => void flush(), options.usageFlushMs);
  flushTimer.unref();
  const spikes = new SpikeDetector({
    ...options.spikes,
    history: 6,
    onSpike: ({ caller, office, reads, usual }) => {
      sharingReadSpikes.inc({ office });
      options.log.warn({ caller, office, reads, usual: Math.round(usual), windowMs: options.spikes.windowMs }, "a caller's reads under sharing agreements jumped far above their usual level");
    },
  });
  const spikeTimer = setInterval(() => spikes.tick(), options.spikes.windowMs);
  spikeTimer.unref();

  const planFor = (schema: GraphQLSchema, document: DocumentNode, queryHash: string, operationName: string | null, caller: Caller, purpose: string | null, grants: GrantSnapshot | null): SharingPlan => {
    const office = officeOf(caller);
    const key = `${queryHash}\0${operationName ?? ''}\0${purpose ?? ''}\0${office}\0${grants?.version ?? 'none'}`;
    let plan = plans.get(key);
    if (plan) {
      sharingDecisions.inc({ cached: 'yes' });
      return plan;
    }
    sharingDecisions.inc({ cached: 'no' });
    const own = caller.role === 'DEPARTMENT_OFFICER' ? (caller.department ?? null) : null;
    plan = planSharing(schema, document, operationName, catalogue, own, (coordinate, entry) => {
      const refusal: Refusal = { coordinate, owner: entry.department!, sharing: entry.sharing };
      if (entry.sharing === 'NOT_SHARED' || !purpose) return refusal;
      if (!grants) return { ...refusal, unavailable: true };
      const grant = grants.active.get(`${office}\0${entry.department}\0${purpose}`)?.find((g) => coversCoordinate(g.coordinates, coordinate));
      return grant ? { grantId: grant.id } : refusal;
    });
    if (plan.document) plan.queryHash = createHash('sha256').update(queryHash).update(`\0sharing\0${key}`).digest('hex');
    if (plans.size >= MAX_PLANS) plans = new Map();
    plans.set(key, plan);
    return plan;
  };

  const plugin: ApolloServerPlugin<GatewayContext> = {
    async serverWillStart() {
      // Read before the first request (a few seconds at most: a gateway starts whatever the office does).
      await Promise.race([fetchGrants(), new Promise((r) => setTimeout(r, 3_000).unref())]);
      if (options.watch !== false) void watchLoop();
      return {
        async serverWillStop() {
          clearInterval(flushTimer);
          clearInterval(spikeTimer);
        },
      };
    },
    async requestDidStart() {
      let plan: SharingPlan | null = null;
      let office = '';
      let mutatesAgreements = false;
      return {
        async didResolveOperation(rc) {
          const { caller, internal, purpose } = rc.contextValue;
          mutatesAgreements = rc.operation?.operation === 'mutation' && rootFieldNames(rc.operation.selectionSet, rc.document).some((name) => SHARING_MUTATIONS.has(name));
          if (internal || !caller || catalogue.size === 0 || options.enforce === false) return;
          office = officeOf(caller);
          const grants = await current();
          plan = planFor(rc.schema, rc.document, rc.queryHash, rc.operationName, caller, purpose?.code ?? null, grants);
          if (plan.refusedRoot) {
            const first = plan.refusedRoot[0]!;
            const formatted = refusalError(first, office, purpose?.code ?? null);
            sharingRefusals.inc({ owner: first.owner });
            throw new GraphQLError(formatted.message, { extensions: { ...formatted.extensions, http: { status: 403 } } });
          }
          if (plan.document && plan.operation && plan.queryHash) {
            // The gateway plans from these and caches the plan by the query hash: a hash of its own.
            const mutable = rc as unknown as { document: DocumentNode; operation: OperationDefinitionNode; queryHash: string };
            mutable.document = plan.document;
            mutable.operation = plan.operation;
            mutable.queryHash = plan.queryHash;
          }
        },
        async willSendResponse(rc) {
          if (mutatesAgreements) {
            // A change made through this gateway applies to the next request at once.
            staleSince = Date.now();
            plans = new Map();
          }
          if (!plan || rc.response.body.kind !== 'single') return;
          const result = rc.response.body.singleResult;
          const { caller, purpose } = rc.contextValue;
          if (caller && plan.used.length > 0 && result.data) {
            const day = dayInChina();
            for (const u of plan.used) {
              const key = `${u.grantId}\0${u.coordinate}\0${caller.sub}\0${purpose?.code ?? ''}\0${day}`;
              usage.set(key, (usage.get(key) ?? 0) + 1);
            }
            spikes.record(caller.sub, office, plan.used.length);
          }
          if (plan.anchors.length === 0 && plan.placeholders.length === 0) return;
          const errors: GraphQLFormattedError[] = [];
          for (const anchor of plan.anchors) {
            const places = result.data ? nullAt(result.data, anchor.path) : [];
            for (const r of anchor.refusals) sharingRefusals.inc({ owner: r.owner });
            for (const place of places) {
              if (errors.length >= MAX_ERRORS) break;
              for (const r of anchor.refusals) errors.push(refusalError(r, office, purpose?.code ?? null, place));
            }
          }
          for (const p of plan.placeholders) if (result.data) dropPlaceholders(result.data, p);
          if (errors.length > 0) result.errors = [...(result.errors ?? []), ...errors];
        },
      };
    },
  };

  return {
    plugin,
    setSupergraph(sdl: string) {
      try {
        catalogue = catalogueOf(sdl);
        plans = new Map();
      } catch (err) {
        options.log.error({ err }, 'the supergraph has no readable sharing catalogue; keeping the last');
      }
    },
    invalidate() {
      staleSince = Date.now();
      plans = new Map();
    },
    flush,
    current,
    streaming: () => streamUp,
    async close() {
      closed = true;
      watchConnections.close();
      clearInterval(flushTimer);
      clearInterval(spikeTimer);
      await flush();
      connections.close();
    },
  };
}
