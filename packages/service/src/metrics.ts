import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Histogram, collectDefaultMetrics, register, type Metric } from 'prom-client';

/**
 * Prometheus metrics of this process (prom-client's default registry: one process, one service in
 * production; in tests several services share a process and the `service` label tells them apart).
 */
export const metricsRegistry = register;

/** Registers a metric once per process: modules that define metrics may be evaluated more than once under test runners. */
export function metric<M extends Metric>(name: string, create: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? create();
}

let defaults = false;
function ensureDefaultMetrics(): void {
  if (defaults || register.getSingleMetric('process_resident_memory_bytes')) return;
  defaults = true;
  collectDefaultMetrics({ register });
}

export const httpRequests = metric(
  'saf_http_requests_total',
  () => new Counter({ name: 'saf_http_requests_total', help: 'HTTP requests answered, by service, route, method and status.', labelNames: ['service', 'route', 'method', 'status'] as const }),
);
export const httpDuration = metric(
  'saf_http_request_duration_seconds',
  () =>
    new Histogram({
      name: 'saf_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by service and route.',
      labelNames: ['service', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
);
export const loaderBatchSize = metric(
  'saf_dataloader_batch_size',
  () =>
    new Histogram({
      name: 'saf_dataloader_batch_size',
      help: 'Keys per DataLoader batch (one SQL query each), by loader.',
      labelNames: ['loader'] as const,
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000],
    }),
);
export const serviceDraining = metric('saf_draining', () => new Gauge({ name: 'saf_draining', help: '1 while the service drains before exit.', labelNames: ['service'] as const, aggregator: 'max' }));

/** A DataLoader batch function that records how many keys each batch had. */
export function observedBatch<K, V>(loader: string, batch: (keys: readonly K[]) => Promise<V[]>): (keys: readonly K[]) => Promise<V[]> {
  return (keys) => {
    loaderBatchSize.observe({ loader }, keys.length);
    return batch(keys);
  };
}

/** Bounded label values: the routes a service has, never ids or query strings. */
/** A request's path without the query string (which may hold ids), bounded. */
export function requestPath(url: string | undefined): string {
  return (url ?? '/').split('?')[0]!.slice(0, 200);
}

/** Health probes and scrapes: logged at debug level, never traced. */
export function isProbeRoute(route: string): boolean {
  return route === '/health/live' || route === '/health/ready' || route === '/metrics';
}

export function routeLabel(pathname: string): string {
  if (pathname === '/graphql' || pathname === '/metrics' || pathname === '/health/live' || pathname === '/health/ready') return pathname;
  if (pathname.startsWith('/ingest/')) return '/ingest';
  if (pathname.startsWith('/audit/')) return '/audit';
  if (pathname.startsWith('/dev/')) return '/dev';
  return 'other';
}

interface MetricsAccess {
  /** When set, `/metrics` needs `Authorization: Bearer <token>`; when unset, only unproxied loopback callers get it. */
  token?: string;
  /**
   * Where the text comes from, when not this process's registry alone: a gateway worker asks the
   * cluster's primary for every worker's metrics combined (gateway/src/cluster.ts).
   */
  collect?: () => Promise<string>;
}
let access: MetricsAccess = {};

/** Set once by a service's main from its parsed configuration (METRICS_TOKEN). */
export function configureMetrics(options: MetricsAccess): void {
  access = { ...options };
  ensureDefaultMetrics();
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function allowed(req: IncomingMessage): boolean {
  if (access.token) {
    const given = Buffer.from(/^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
    const expected = Buffer.from(access.token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
  // A reverse proxy on the same host would make every client look local: a forwarded request is refused.
  if (req.headers['x-forwarded-for'] || req.headers.forwarded) return false;
  return LOOPBACK.has(req.socket.remoteAddress ?? '');
}

/**
 * `GET /metrics` in the Prometheus text format. Not public: with METRICS_TOKEN a bearer token,
 * otherwise loopback only (docs/operations.md, "Metrics"). Refused requests get 404, which does not
 * tell a scanner that the endpoint exists.
 */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
  ensureDefaultMetrics();
  if (!allowed(req)) {
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
    res.end('{"error":"not found"}');
    return;
  }
  let text: string;
  try {
    text = await (access.collect ?? (() => register.metrics()))();
  } catch {
    res.writeHead(503, { 'content-type': 'application/json; charset=utf-8' });
    res.end('{"error":"metrics unavailable"}');
    return;
  }
  res.writeHead(200, { 'content-type': register.contentType });
  res.end(text);
}
