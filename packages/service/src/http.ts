import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { isUtf8 } from 'node:buffer';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLResponse } from '@apollo/server';
import { GATEWAY, SignatureError, type Caller, type RequestVerifier, type VerifiedSignature } from '@saf/auth';
import { MAX_BATCH } from '@saf/config';
import type { Logger } from './logger.ts';
import { httpDuration, httpRequests, isProbeRoute, requestPath, routeLabel, serveMetrics, serviceDraining } from './metrics.ts';
import { noteRequestActivity } from './idle.ts';
import { withServerSpan } from './tracing.ts';

/** Upper bound on a request body; GraphQL requests are small, ingest batches are chunked. */
export const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
    /** Headers the answer carries (e.g. Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The request body's bytes, at most `limit` (413 beyond). */
export async function readBodyBytes(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/**
 * The body as text. JSON travels as UTF-8: bytes that are not (a client sending GBK, say) are
 * refused, not decoded into replacement characters that would then be stored as names.
 */
export function utf8Text(bytes: Buffer): string {
  if (!isUtf8(bytes)) throw new HttpError(400, 'body is not valid UTF-8');
  return bytes.toString('utf8');
}

export async function readBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<string> {
  return utf8Text(await readBodyBytes(req, limit));
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}

export async function readJson(req: IncomingMessage, limit?: number): Promise<unknown> {
  return parseJson(await readBody(req, limit));
}

/**
 * Every answer of the gateway and the subgraphs, GraphQL or not: answers hold personal data (or
 * say who may see it), so no browser, proxy or balancer may keep a copy, whatever a cache hint or
 * a subgraph's header says.
 */
export const NO_STORE = 'no-store';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': NO_STORE });
  res.end(text);
}

/** A request whose signature was checked: its exact body, who signed it and the caller it vouches for. */
export interface VerifiedRequest {
  body: string;
  /** The service that signed it for this one (`gateway`, `loader`, …): a route answers only its own. */
  from: string;
  /** Null for the sender's own calls (health checks, `_service`, ingest). */
  caller: Caller | null;
}

/** A route outside GraphQL: return true when handled. */
export type Route = (req: IncomingMessage, res: ServerResponse, url: URL, request: VerifiedRequest) => Promise<boolean>;

export interface ServiceHttpOptions<C extends BaseContext> {
  apollo: ApolloServer<C>;
  /**
   * Builds the per-request context (loaders, caller, and the code of the purpose the caller
   * declared, as the gateway signed it); throwing an HttpError answers with it.
   */
  context: (req: IncomingMessage, requestId: string, caller: Caller | null, purpose: string | null) => Promise<C>;
  /**
   * Checks the signature on every request but the health probes (`_service` and `_entities`
   * included): GraphQL answers only the gateway, a route only the senders it names.
   */
  verifier: RequestVerifier;
  /** Readiness: resolves when the service can serve (its database answers). */
  ready: () => Promise<void>;
  routes?: Route[];
  log: Logger;
  graphqlPath?: string;
  /** The service's name in request logs and metrics (default: the logger's `service`). */
  name?: string;
}

/** A Node request's headers as Apollo's HeaderMap (repeated headers joined). */
export function headerMapOf(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** Writes what `executeHTTPGraphQLRequest` answered: status, headers (always `no-store`), and the body whole or in chunks. */
export async function sendGraphQLResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.setHeader('cache-control', NO_STORE);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * A plain node:http server around Apollo Server (its documented integration API,
 * `executeHTTPGraphQLRequest`), with `/health/live`, `/health/ready` and extra routes.
 */
export function createServiceServer<C extends BaseContext>(options: ServiceHttpOptions<C>): http.Server {
  const graphqlPath = options.graphqlPath ?? '/graphql';
  const name = options.name ?? String(options.log.bindings().service ?? 'service');
  const server = http.createServer(async (req, res) => {
    const requestId = (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) || randomUUID();
    res.setHeader('x-request-id', requestId);
    observeRequest(name, options.log, req, res, requestId, server);
    await withServerSpan(name, req, res, requestId, true, () => handle(req, res, requestId), () => operations.get(res));
  });
  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      if (url.pathname === '/health/live') return sendJson(res, 200, { status: 'live' });
      if (url.pathname === '/metrics' && req.method === 'GET') return await serveMetrics(req, res);
      if (url.pathname === '/health/ready') {
        try {
          if (isDraining(server)) throw new Error('draining');
          await options.ready();
          return sendJson(res, 200, { status: 'ready' });
        } catch (err) {
          return sendJson(res, 503, { status: 'not ready', reason: (err as Error).message });
        }
      }
      // Verify before parsing anything: the signature covers the exact body bytes.
      const bytes = await readBodyBytes(req);
      let signed: VerifiedSignature;
      try {
        signed = options.verifier.verify({ method: req.method ?? 'GET', path: req.url ?? '/', body: bytes, headers: req.headers });
      } catch (err) {
        if (err instanceof SignatureError) {
          options.log.warn({ requestId, reason: err.reason, path: url.pathname }, 'refused an unsigned or forged request');
          return sendJson(res, err.status, { error: 'this service answers only the gateway', reason: err.reason });
        }
        throw err;
      }
      const { from, caller, purpose } = signed;
      const text = utf8Text(bytes);
      for (const route of options.routes ?? []) {
        if (await route(req, res, url, { body: text, from, caller })) return;
      }
      if (url.pathname !== graphqlPath) return sendJson(res, 404, { error: 'not found' });
      if (from !== GATEWAY) {
        options.log.warn({ requestId, reason: 'wrong_sender', from, path: url.pathname }, 'refused a GraphQL request not from the gateway');
        return sendJson(res, 403, { error: 'this service answers only the gateway', reason: 'wrong_sender' });
      }
      const headers = headerMapOf(req);
      const body = req.method === 'POST' ? parseJson(text) : undefined;
      if (Array.isArray(body) && body.length > MAX_BATCH) throw new HttpError(400, `a batch holds at most ${MAX_BATCH} operations, this one ${body.length}`);
      noteOperation(res, body ?? Object.fromEntries(url.searchParams));
      const context = await options.context(req, requestId, caller, purpose);
      const response = await options.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => context,
      });
      await sendGraphQLResponse(res, response);
    } catch (err) {
      if (err instanceof HttpError) {
        for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
        return sendJson(res, err.status, err.body ?? { error: err.message });
      }
      options.log.error({ err, requestId }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error', requestId });
      else res.end();
    }
  }
  server.keepAliveTimeout = 65_000;
  return server;
}

export async function listen(server: http.Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function closeServer(server: http.Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

const operations = new WeakMap<ServerResponse, string>();
const OPERATION = /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/;

/** The operation name noted for this response, if any. */
export function operationOf(res: ServerResponse): string | undefined {
  return operations.get(res);
}

function operationNameOf(body: unknown): string | undefined {
  const b = body as { operationName?: unknown; query?: unknown } | null | undefined;
  return typeof b?.operationName === 'string' && b.operationName ? b.operationName : typeof b?.query === 'string' ? OPERATION.exec(b.query)?.[1] : undefined;
}

/** Records a GraphQL request's operation name for its log line (the name only: never variables). */
export function noteOperation(res: ServerResponse, body: unknown): void {
  // A batch (the gateway's fetches sent together): its operations' names.
  const name = Array.isArray(body) ? body.map(operationNameOf).filter(Boolean).join('+') : operationNameOf(body);
  if (name) operations.set(res, name.slice(0, 100));
}

/**
 * One log line and the request metrics when the response is done: method, path (never the query
 * string: it may hold ids), status, duration, request id and the GraphQL operation name. Health
 * probes and scrapes log at debug level.
 */
export function observeRequest(service: string, log: Logger, req: IncomingMessage, res: ServerResponse, requestId: string, server?: http.Server): void {
  const started = process.hrtime.bigint();
  noteRequestActivity(res);
  // While draining, a keep-alive connection closes after this response.
  if (server && isDraining(server)) res.setHeader('connection', 'close');
  res.once('close', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const path = requestPath(req.url);
    const route = routeLabel(path);
    const status = res.writableFinished ? res.statusCode : 499;
    httpRequests.inc({ service, route, method: req.method ?? 'GET', status: String(status) });
    httpDuration.observe({ service, route }, seconds);
    const line = { requestId, method: req.method, path, status, durationMs: Math.round(seconds * 10_000) / 10, operationName: operations.get(res) };
    if (isProbeRoute(route)) log.debug(line, 'request');
    else if (status >= 500) log.warn(line, 'request');
    else log.info(line, 'request');
  });
}

const drainingServers = new WeakSet<http.Server>();

export function isDraining(server: http.Server): boolean {
  return drainingServers.has(server);
}

/**
 * Graceful stop: refuse new connections, let in-flight requests finish (keep-alive connections
 * close after their current response), and give up at the deadline by closing what is left.
 * New connections are refused from the call on (before the promise settles); resolves true when
 * everything finished in time.
 */
export async function drainServer(server: http.Server, deadlineMs: number, service = 'service'): Promise<boolean> {
  drainingServers.add(server);
  serviceDraining.set({ service }, 1);
  const closed = new Promise<boolean>((resolve) => server.close(() => resolve(true)));
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs)));
  const clean = await Promise.race([closed, deadline]);
  clearInterval(sweep);
  clearTimeout(timer);
  if (!clean) server.closeAllConnections();
  return clean;
}

export interface StopOnSignalOptions {
  server: http.Server;
  /** The `service` label of `saf_draining`. */
  service: string;
  /** SHUTDOWN_TIMEOUT_MS: how long in-flight requests may finish; the process goes 5 s after it whatever hangs. */
  deadlineMs: number;
  log: Logger;
  /** Called once new connections are refused (a gateway worker tells its primary). */
  onDraining?: () => void;
  /** What to close after the drain (Apollo, the database, tracing), each logging its own failure. */
  stop: () => Promise<void>;
}

/**
 * A service's main on SIGTERM or SIGINT (or when `stop` returned here is called): drain (refuse new
 * connections, let in-flight requests finish within the deadline), close, and exit 0, or 1 when the
 * deadline cut requests off.
 */
export function stopOnSignal(options: StopOnSignalOptions): (reason: string) => void {
  const { log, deadlineMs } = options;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Whatever hangs (a stuck stop), the process goes.
    setTimeout(() => process.exit(1), deadlineMs + 5_000).unref();
    const draining = drainServer(options.server, deadlineMs, options.service);
    // Logged once new connections are refused: whoever reads it may rely on that.
    log.info({ signal, deadlineMs }, 'draining');
    options.onDraining?.();
    const clean = await draining;
    if (!clean) log.warn('requests still in flight at the shutdown deadline were cut off');
    await options.stop();
    log.info({ clean }, 'stopped');
    process.exit(clean ? 0 : 1);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return (reason) => void shutdown(reason);
}
