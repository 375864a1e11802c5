import type { IncomingMessage, ServerResponse } from 'node:http';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Attributes, type Context } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { isProbeRoute, requestPath } from './metrics.ts';

// OpenTelemetry traces, off by default. On when OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set: spans go by OTLP/HTTP (JSON) to that collector.
// Every service makes a SERVER span per request (health probes and scrapes excepted) and the
// gateway a CLIENT span per subgraph fetch, with W3C `traceparent` carried between them, so one
// caseworker's picture is one trace across the gateway and every department it asked. Apollo
// Gateway's own spans (plan, execute, fetch) join in through the global tracer provider.
//
// Spans carry no person data: method, route, status, service, subgraph, operation name and the
// request id (so logs and traces meet), never a query text, variables, ids or names.

const TRACER = '@saf/service';

let enabled = false;

export interface TracingOptions {
  /** `service.name` of the spans (e.g. `gateway`, `labour`). */
  service: string;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
}

export interface Tracing {
  /** Sends what is buffered now (tests, and before exit). */
  flush(): Promise<void>;
  /** Flushes and stops; tracing is off afterwards. */
  shutdown(): Promise<void>;
}

/** The collector URL for traces from the standard variables, or null when tracing is off. */
export function tracesEndpoint(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.OTEL_SDK_DISABLED === 'true') return null;
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return null;
}

/**
 * Starts tracing for this process when an OTLP endpoint is configured (else does nothing and
 * returns null). The SDK is loaded only then: with tracing off, no SDK code runs at all.
 * OTEL_TRACES_SAMPLER_ARG (0..1, default 1) samples that share of new traces; a request whose
 * caller sampled it is always traced (parent-based).
 */
export async function startTracing(options: TracingOptions): Promise<Tracing | null> {
  const env = options.env ?? process.env;
  const url = tracesEndpoint(env);
  if (!url) return null;
  if (enabled) throw new Error('tracing is already started in this process');
  const ratio = env.OTEL_TRACES_SAMPLER_ARG === undefined ? 1 : Number(env.OTEL_TRACES_SAMPLER_ARG);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) throw new Error(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1, got ${env.OTEL_TRACES_SAMPLER_ARG}`);
  const [{ TracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler }, { OTLPTraceExporter }, { resourceFromAttributes }, { W3CTraceContextPropagator }, { AsyncLocalStorageContextManager }] = await Promise.all([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/core'),
    import('@opentelemetry/context-async-hooks'),
  ]);
  const exporter = new OTLPTraceExporter({ url, timeoutMillis: 5_000 });
  const tracerProvider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.service, 'service.namespace': 'social-assistance-federation' }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1_000 })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  enabled = true;
  options.log?.info({ endpoint: url, sampleRatio: ratio }, 'tracing on (OpenTelemetry, OTLP/HTTP)');
  return {
    flush: () => tracerProvider.forceFlush(),
    shutdown: async () => {
      enabled = false;
      await tracerProvider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/**
 * Runs `handler` inside a SERVER span for this request (when tracing is on and the path is not a
 * probe). `trustParent`: continue the caller's trace from its `traceparent` (subgraphs, which
 * answer only signed calls); the gateway, at the edge, starts its own traces. `operation` gives
 * the GraphQL operation name once known.
 */
export function withServerSpan(service: string, req: IncomingMessage, res: ServerResponse, requestId: string, trustParent: boolean, handler: () => Promise<void>, operation?: () => string | undefined): Promise<void> {
  if (!enabled) return handler();
  const path = requestPath(req.url);
  if (isProbeRoute(path)) return handler();
  const parent = trustParent ? propagation.extract(ROOT_CONTEXT, req.headers) : ROOT_CONTEXT;
  const span = trace.getTracer(TRACER).startSpan(`${req.method ?? 'GET'} ${path}`, { kind: SpanKind.SERVER, attributes: { 'saf.service': service, 'saf.request_id': requestId, 'http.request.method': req.method ?? 'GET', 'url.path': path } }, parent);
  res.once('close', () => {
    const status = res.writableFinished ? res.statusCode : 499;
    span.setAttribute('http.response.status_code', status);
    const name = operation?.();
    if (name) span.setAttribute('graphql.operation.name', name);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  return context.with(trace.setSpan(parent, span), handler);
}

/** Runs `fn` in a CLIENT span (a call to another service), the span current while it runs. */
export async function withClientSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  if (!enabled) return fn();
  return trace.getTracer(TRACER).startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message?.slice(0, 200) });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Adds `traceparent` (and `tracestate`) for the current span to outgoing headers. */
export function injectTraceContext(headers: Record<string, string>, from: Context = context.active()): void {
  if (enabled) propagation.inject(from, headers);
}

