import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { SIGNATURE_HEADERS, SignatureError, createRequestVerifier, registryCredential, type RequestVerifier } from '@saf/auth';
import type { Database } from '@saf/db';
import { HttpError, isDraining, observeRequest, parseJson, readBody, sendJson, type Logger } from '@saf/service';
import { history, latestRows, latestSupergraph, publish, type UsageOf } from './publish.ts';
import { NotPublished, unpublish } from './unpublish.ts';
import { pruneUsage, recordUsage, registerOperation, reportedOperations, usageWithin } from './usage.ts';

export const REGISTRY = 'registry';
/** Parties that talk to the registry but are not services of the graph: none may be published. */
export const GATEWAY_PARTY = 'gateway';
export const OPERATOR_PARTY = 'operator';
const RESERVED = new Set([REGISTRY, GATEWAY_PARTY, OPERATOR_PARTY]);
/** A service's name: the subgraph's name in the supergraph and the prefix of its variables. */
export const SERVICE_NAME = /^[a-z][a-z0-9-]{1,62}$/;
const MAX_SCHEMA_BYTES = 2 * 1024 * 1024;

export interface RegistryOptions {
  database: Database;
  log: Logger;
  production?: boolean;
  /** The environment the parties' credentials are read from (`registryCredential`). */
  env: NodeJS.ProcessEnv;
  /** Which breaking changes clients still use (usage.ts); default: every one. */
  usageOf?: UsageOf;
  /** How far back operation records count as use (REGISTRY_USAGE_DAYS). */
  usageDays?: number;
  /** Operation records last seen longer ago are pruned (REGISTRY_USAGE_RETENTION_DAYS; default usageDays). */
  retentionDays?: number;
  /** Extra routes (operation usage, console) before the 404. */
  routes?: Array<(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RouteContext) => Promise<boolean>>;
}

export interface RouteContext {
  /** Verifies the request's signature with its sender's registry credential; the sender's name. */
  signedBy(req: IncomingMessage, body: string): string;
}

/**
 * The registry's HTTP API (docs/operations.md, "How a department joins"):
 *   POST /services/<name>/versions   publish (signed by <name>): { sdl, url, publishedBy, acknowledge?, dryRun? }
 *   POST /services/<name>/unpublish  takes the service out of the graph (signed by <name>): { publishedBy, acknowledge?, dryRun? }
 *   GET  /supergraph                 the latest good supergraph (ETag, If-None-Match → 304;
 *                                    X-Removed-Services: the services unpublished)
 *   GET  /services                   every service's latest version (status removed: it left the graph)
 *   GET  /services/<name>/versions   a service's history: versions, who, when, the diff, the check
 *   POST /usage                      the operations clients ran (gateways only): { operations: [{ name, document, client, count, lastSeen }] }
 *   POST /usage/prune                deletes operation records older than the retention window (operator only)
 *   POST /operations                 registers an operation a client relies on: { client, name, document }
 * Every request but the health probes is signed (`x-saf-*`, as between our services) with the
 * sender's registry credential; a service may publish only itself.
 */
export function createRegistry(options: RegistryOptions) {
  const { database, log } = options;
  const db = database.db;
  const nodeEnv = options.production ? 'production' : (options.env.NODE_ENV ?? 'development');
  const verifiers = new Map<string, RequestVerifier>();
  // One verifier (and nonce cache) per party, kept once a request of theirs verified: names made up
  // by whoever sends requests do not fill the map.
  const verifyAs = (party: string, request: Parameters<RequestVerifier['verify']>[0]): string => {
    const known = verifiers.get(party);
    if (known) return known.verify(request).from;
    const verifier = createRequestVerifier({ self: REGISTRY, accept: { [party]: registryCredential(party, options.env, nodeEnv) } });
    const from = verifier.verify(request).from;
    verifiers.set(party, verifier);
    return from;
  };
  const signedBy = (req: IncomingMessage, body: string): string => {
    const from = req.headers[SIGNATURE_HEADERS.from];
    if (typeof from !== 'string' || from === '') throw new HttpError(401, 'sign the request with your registry credential (x-saf-* headers)');
    if (from !== GATEWAY_PARTY && from !== OPERATOR_PARTY && !SERVICE_NAME.test(from)) throw new HttpError(403, `${from} is not a service name`);
    try {
      return verifyAs(from, { method: req.method ?? 'GET', path: req.url ?? '/', body, headers: req.headers });
    } catch (err) {
      if (err instanceof SignatureError) throw new HttpError(err.status, err.message);
      throw err;
    }
  };
  const context: RouteContext = { signedBy };
  const usageOf = options.usageOf ?? usageWithin(options.usageDays ?? 30);
  const retentionDays = Math.max(options.retentionDays ?? options.usageDays ?? 30, options.usageDays ?? 30);
  const prune = async (): Promise<number> => {
    const pruned = await pruneUsage(db, retentionDays);
    log.info({ pruned, retentionDays }, 'operation records pruned');
    return pruned;
  };

  const server = http.createServer(async (req, res) => {
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    observeRequest(REGISTRY, log, req, res, requestId, server);
    try {
      await handle(req, res);
    } catch (err) {
      if (err instanceof HttpError) return sendJson(res, err.status, err.body ?? { error: err.message });
      log.error({ err, requestId }, 'registry request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error', requestId });
      else res.end();
    }
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname === '/health/live') return sendJson(res, 200, { status: 'live' });
    if (url.pathname === '/health/ready') {
      if (isDraining(server)) return sendJson(res, 503, { status: 'not ready', reason: 'draining' });
      await database.ping();
      return sendJson(res, 200, { status: 'ready' });
    }
    const body = await readBody(req, MAX_SCHEMA_BYTES + 64 * 1024);
    const from = signedBy(req, body);
    const versions = /^\/services\/([^/]+)\/versions$/.exec(url.pathname);
    if (versions && req.method === 'POST') {
      const service = decodeURIComponent(versions[1]!);
      if (from !== service) throw new HttpError(403, `signed by ${from}: a service publishes only its own schema, not ${service}'s`);
      const input = publicationOf(service, parseJson(body));
      const result = await publish(db, input, usageOf);
      if (result.status === 'refused') {
        log.warn({ subgraph: service, problems: result.check.problems }, 'publication refused');
        return sendJson(res, 409, { ...result, errors: result.check.problems });
      }
      if (result.status === 'accepted' && !result.unchanged) log.info({ subgraph: service, version: result.version, by: input.publishedBy, changed: result.check.changed }, 'schema published');
      return sendJson(res, result.status === 'accepted' && !result.unchanged ? 201 : 200, result);
    }
    const removal = /^\/services\/([^/]+)\/unpublish$/.exec(url.pathname);
    if (removal && req.method === 'POST') {
      const service = decodeURIComponent(removal[1]!);
      if (from !== service) throw new HttpError(403, `signed by ${from}: a service unpublishes only itself, not ${service}`);
      const input = removalOf(service, parseJson(body));
      let result;
      try {
        result = await unpublish(db, input, usageOf);
      } catch (err) {
        if (err instanceof NotPublished) throw new HttpError(404, err.message);
        throw err;
      }
      if (result.status === 'refused') {
        log.warn({ subgraph: service, problems: result.check.problems }, 'unpublishing refused');
        return sendJson(res, 409, { ...result, errors: result.check.problems });
      }
      if (result.status === 'removed') log.info({ subgraph: service, version: result.version, by: input.publishedBy, changed: result.check.changed }, 'service unpublished');
      return sendJson(res, 200, result);
    }
    if (url.pathname === '/usage/prune' && req.method === 'POST') {
      if (from !== OPERATOR_PARTY) throw new HttpError(403, 'only the platform operator prunes the operation records');
      return sendJson(res, 200, { pruned: await prune(), retentionDays });
    }
    if (url.pathname === '/usage' && req.method === 'POST') {
      if (from !== GATEWAY_PARTY) throw new HttpError(403, 'only gateways report the operations clients ran');
      const operations = reportedOperations(parseJson(body));
      if (typeof operations === 'string') throw new HttpError(400, operations);
      return sendJson(res, 200, { recorded: await recordUsage(db, from, operations) });
    }
    if (url.pathname === '/operations' && req.method === 'POST') {
      const b = (parseJson(body) ?? {}) as Record<string, unknown>;
      const operations = reportedOperations({ operations: [{ ...b, count: 1, lastSeen: new Date().toISOString() }] });
      if (typeof operations === 'string') throw new HttpError(400, operations.replace('operations[0].', ''));
      const op = operations[0]!;
      return sendJson(res, 201, { hash: await registerOperation(db, { client: op.client, name: op.name, document: op.document, registeredBy: from }) });
    }
    for (const route of options.routes ?? []) if (await route(req, res, url, context)) return;
    if (req.method !== 'GET') throw new HttpError(405, 'method not allowed');
    if (url.pathname === '/supergraph') {
      const newest = await latestSupergraph(db);
      if (!newest) return sendJson(res, 404, { error: 'nothing published yet' });
      const answer = (latest: NonNullable<typeof newest>) => ({ etag: `"${latest.hash}"`, 'cache-control': 'no-cache', 'x-supergraph-id': String(latest.id) });
      if (req.headers['if-none-match'] === `"${newest.hash}"`) {
        res.writeHead(304, answer(newest));
        return void res.end();
      }
      // The supergraph with the services that left the graph on purpose (unpublished), from one
      // snapshot: a publication or removal committing between two reads would pair a supergraph
      // with another moment's removals. A gateway drops a subgraph it serves only when it is named
      // here, never because it has not (yet) published to this registry.
      const { latest, removed } = await db.transaction(
        async (tx) => {
          const t = tx as unknown as typeof db;
          return { latest: (await latestSupergraph(t))!, removed: (await latestRows(t)).filter((v) => v.status === 'removed').map((v) => v.service) };
        },
        { isolationLevel: 'repeatable read', accessMode: 'read only' },
      );
      res.writeHead(200, { ...answer(latest), 'x-removed-services': removed.join(','), 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(latest.sdl) });
      return void res.end(latest.sdl);
    }
    if (url.pathname === '/services') {
      // Every service's latest version, and those that left the graph (status removed).
      const latest = await latestRows(db);
      return sendJson(res, 200, latest.map((v) => ({ service: v.service, status: v.status, version: v.version, url: v.url, owner: v.owner, publishedBy: v.publishedBy, publishedAt: v.publishedAt })));
    }
    if (versions) {
      const service = decodeURIComponent(versions[1]!);
      return sendJson(res, 200, { service, versions: await history(db, service) });
    }
    sendJson(res, 404, { error: 'not found' });
  }

  server.keepAliveTimeout = 65_000;
  return { http: server, prune };
}

/** The publication in a request body, every mistake named. */
function publicationOf(service: string, body: unknown) {
  if (RESERVED.has(service)) throw new HttpError(403, `${service} is a party of the registry, not a service one may publish`);
  if (!SERVICE_NAME.test(service)) throw new HttpError(400, `${service} is not a service name one may publish (lowercase letters, digits and -)`);
  const b = (body ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof b.sdl !== 'string' || b.sdl.trim() === '') problems.push('sdl: the schema text is required');
  else if (Buffer.byteLength(b.sdl) > MAX_SCHEMA_BYTES) problems.push(`sdl: over ${MAX_SCHEMA_BYTES} bytes`);
  let url: URL | null = null;
  try {
    url = typeof b.url === 'string' ? new URL(b.url) : null;
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) problems.push('url: the http(s) URL the gateway sends the service\'s requests to is required');
  if (typeof b.publishedBy !== 'string' || b.publishedBy.trim() === '' || b.publishedBy.length > 200) problems.push('publishedBy: who publishes (a person or a release job, at most 200 characters) is required');
  if (b.acknowledge !== undefined && (typeof b.acknowledge !== 'string' || b.acknowledge.length > 2000)) problems.push('acknowledge: a text of at most 2000 characters');
  if (b.dryRun !== undefined && typeof b.dryRun !== 'boolean') problems.push('dryRun: true or false');
  if (problems.length > 0) throw new HttpError(400, problems.join('; '), { error: 'bad publication', errors: problems });
  return {
    service,
    sdl: b.sdl as string,
    url: url!.toString(),
    publishedBy: (b.publishedBy as string).trim(),
    ...(typeof b.acknowledge === 'string' && b.acknowledge.trim() ? { acknowledge: b.acknowledge.trim() } : {}),
    ...(b.dryRun === true ? { dryRun: true } : {}),
  };
}

/** An unpublication in a request body, every mistake named. */
function removalOf(service: string, body: unknown) {
  if (RESERVED.has(service) || !SERVICE_NAME.test(service)) throw new HttpError(400, `${service} is not a service name`);
  const b = (body ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof b.publishedBy !== 'string' || b.publishedBy.trim() === '' || b.publishedBy.length > 200) problems.push('publishedBy: who unpublishes (a person or a release job, at most 200 characters) is required');
  if (b.acknowledge !== undefined && (typeof b.acknowledge !== 'string' || b.acknowledge.length > 2000)) problems.push('acknowledge: a text of at most 2000 characters');
  if (b.dryRun !== undefined && typeof b.dryRun !== 'boolean') problems.push('dryRun: true or false');
  if (problems.length > 0) throw new HttpError(400, problems.join('; '), { error: 'bad unpublication', errors: problems });
  return {
    service,
    publishedBy: (b.publishedBy as string).trim(),
    ...(typeof b.acknowledge === 'string' && b.acknowledge.trim() ? { acknowledge: b.acknowledge.trim() } : {}),
    ...(b.dryRun === true ? { dryRun: true } : {}),
  };
}
