import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { SignatureError, type Caller, type RequestVerifier } from '@saf/auth';
import type { Logger } from './logger.ts';

/** Upper bound on a request body; GraphQL requests are small, ingest batches are chunked. */
export const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

export async function readBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
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

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A request whose signature was checked: its exact body and the caller the gateway vouches for. */
export interface VerifiedRequest {
  body: string;
  /** Null for the gateway's own calls (health checks, `_service`). */
  caller: Caller | null;
}

/** A route outside GraphQL: return true when handled. */
export type Route = (req: IncomingMessage, res: ServerResponse, url: URL, request: VerifiedRequest) => Promise<boolean>;

export interface ServiceHttpOptions<C extends BaseContext> {
  apollo: ApolloServer<C>;
  /** Builds the per-request context (loaders, caller); throwing an HttpError answers with it. */
  context: (req: IncomingMessage, requestId: string, caller: Caller | null) => Promise<C>;
  /**
   * Checks the gateway's signature on every request but the health probes (`_service` and
   * `_entities` included): a subgraph answers only the gateway.
   */
  verifier: RequestVerifier;
  /** Readiness: resolves when the service can serve (its database answers). */
  ready: () => Promise<void>;
  routes?: Route[];
  log: Logger;
  graphqlPath?: string;
}

/**
 * A plain node:http server around Apollo Server (its documented integration API,
 * `executeHTTPGraphQLRequest`), with `/health/live`, `/health/ready` and extra routes.
 */
export function createServiceServer<C extends BaseContext>(options: ServiceHttpOptions<C>): http.Server {
  const graphqlPath = options.graphqlPath ?? '/graphql';
  const server = http.createServer(async (req, res) => {
    const requestId = (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) || randomUUID();
    res.setHeader('x-request-id', requestId);
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      if (url.pathname === '/health/live') return sendJson(res, 200, { status: 'live' });
      if (url.pathname === '/health/ready') {
        try {
          await options.ready();
          return sendJson(res, 200, { status: 'ready' });
        } catch (err) {
          return sendJson(res, 503, { status: 'not ready', reason: (err as Error).message });
        }
      }
      // Verify before parsing anything: the signature covers the exact body bytes.
      const text = await readBody(req);
      let caller: Caller | null;
      try {
        caller = options.verifier.verify({ method: req.method ?? 'GET', path: req.url ?? '/', body: text, headers: req.headers });
      } catch (err) {
        if (err instanceof SignatureError) {
          options.log.warn({ requestId, reason: err.reason, path: url.pathname }, 'refused an unsigned or forged request');
          return sendJson(res, err.status, { error: 'this service answers only the gateway', reason: err.reason });
        }
        throw err;
      }
      for (const route of options.routes ?? []) {
        if (await route(req, res, url, { body: text, caller })) return;
      }
      if (url.pathname !== graphqlPath) return sendJson(res, 404, { error: 'not found' });
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const body = req.method === 'POST' ? parseJson(text) : undefined;
      const context = await options.context(req, requestId, caller);
      const response = await options.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => context,
      });
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
      } else {
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (err) {
      if (err instanceof HttpError) return sendJson(res, err.status, err.body ?? { error: err.message });
      options.log.error({ err, requestId }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error', requestId });
      else res.end();
    }
  });
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
