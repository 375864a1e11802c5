import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError } from 'graphql';
import { GATEWAY, createRequestSigner, registryCredential, subgraphSigningSecret, type AuditFields } from '@saf/auth';
import { HttpError, personLevelRules, withoutSuggestions, headerMapOf, isDraining, noteOperation, observeRequest, operationOf, parseJson, readBody, sendGraphQLResponse, sendJson, serveMetrics, withServerSpan, type Logger, type PersonLevelRules } from '@saf/service';
import { Admission } from './admission.ts';
import { SERVICE_HEADER, createAuthenticator } from './authenticate.ts';
import { CallerLimits } from './callerLimits.ts';
import { DEFAULT_LIMITS, operationLimitsPlugin } from './limits.ts';
import { internalFieldsPlugin } from './internalFields.ts';
import { assertNoControlCharacters, declaredPurpose } from './inputGuard.ts';
import { acceptPurpose } from './purpose.ts';
import { auditEndpoint, createAuditPlugin } from './audit.ts';
import { createCheckpointForwarder } from './auditWitnesses.ts';
import type { GatewayConfig } from './config.ts';
import type { GatewayContext } from './context.ts';
import { SubgraphDataSource } from './dataSource.ts';
import { createSubgraphClients } from './subgraphClients.ts';
import { onePerMissingDepartment } from './partial.ts';
import { createPlanWarmer } from './planWarmer.ts';
import { legacyJsonStatusPlugin } from './httpStatus.ts';
import { resolveSubgraphUrl, supergraphUrls } from './subgraphUrls.ts';
import { supergraphFromFile, supergraphFromRegistry } from './supergraph.ts';
import { serveConsole } from './console.ts';
import { createUsageReporter } from './operationUsage.ts';
import { serveRegistryHistory } from './registryHistory.ts';
import { registryClient } from '@saf/registry/client';
import { createSharingEnforcement } from './sharing.ts';
import { serveSharingAudit } from './sharingAudit.ts';
import { admitOperation, loadTrustedOperations } from './trusted.ts';

const PUBLIC_CODES = new Set(['OPERATION_LIMIT', 'PURPOSE_REQUIRED', 'AUDIT_UNAVAILABLE', 'BAD_USER_INPUT', 'NOT_FOUND', 'UNAUTHENTICATED', 'FORBIDDEN', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'PAYLOAD_TOO_LARGE', 'SUBGRAPH_UNAVAILABLE', 'SUBGRAPH_TIMEOUT', 'SUBGRAPH_ERROR', 'OPERATION_RESOLUTION_FAILURE', 'TOO_MANY_SWEEPS', 'CONFLICT', 'STATISTICS_COMPUTING', 'PURPOSE_NOT_ALLOWED']);

/**
 * What a client may see of an error: the message of a deliberate one, never stacks, SQL or URLs;
 * in production no schema names suggested ("Did you mean …", from validation or from variables).
 */
export function formatGatewayError(log: Logger, options: { production?: boolean } = {}) {
  const format = formatErrorDetails(log);
  if (!options.production) return format;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const safe = format(formatted, error);
    return { ...safe, message: withoutSuggestions(safe.message) };
  };
}

function formatErrorDetails(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const extensions = formatted.extensions ?? {};
    const code = extensions.code as string | undefined;
    const serviceName = extensions.serviceName as string | undefined;
    const safe = { ...(code ? { code } : {}), ...(serviceName ? { serviceName } : {}) };
    if (code && PUBLIC_CODES.has(code)) {
      const { stacktrace: _s, exception: _e, ...rest } = extensions as Record<string, unknown>;
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { ...rest, ...safe } };
    }
    log.error({ err: error }, 'error masked for the client');
    return {
      message: serviceName ? `${serviceName} failed to answer its part` : 'internal error',
      path: formatted.path,
      extensions: { ...safe, code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

export interface GatewayServer {
  http: http.Server;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves once a supergraph is loaded (readiness). */
  isReady(): boolean;
}

/** Builds (no I/O until `start`) the gateway: Apollo Gateway on the supergraph file, and its HTTP server. */
export function createGateway(config: GatewayConfig, log: Logger): GatewayServer {
  const production = config.NODE_ENV === 'production';
  // The subgraphs' URLs in the supergraph being served (published to the registry, or placeholders).
  let urls = new Map<string, string>();
  const urlOf = (name: string) => resolveSubgraphUrl(name, urls.get(name), config.env, config.SUBGRAPH_PORT_BASE, production);
  const authenticate = createAuthenticator(config);
  const signForAudit = createRequestSigner({ secret: subgraphSigningSecret('audit', config.env, config.NODE_ENV), from: GATEWAY, to: 'audit' });
  // The access log's head goes to the departments' services, which keep it outside the audit database.
  const witnesses = createCheckpointForwarder({
    witnesses: config.AUDIT_WITNESSES.map((name) => {
      const sign = createRequestSigner({ secret: subgraphSigningSecret(name, config.env, config.NODE_ENV), from: GATEWAY, to: name });
      return {
        name,
        url: () => urlOf(name),
        sign: (path: string, body: string) => sign({ method: 'POST', path, body, caller: null }),
      };
    }),
    intervalMs: config.AUDIT_CHECKPOINT_INTERVAL_MS,
    log,
  });
  /** The coordination office's agreement changes, into the access log (sharingAudit.ts). */
  async function writeSharingChanges(entries: AuditFields[]): Promise<void> {
    const url = auditEndpoint(urlOf('audit'), '/audit/entries');
    const body = JSON.stringify({ entries });
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signForAudit({ method: 'POST', path: url.pathname, body, caller: null }) }, body, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    if (res.status !== 200) throw new HttpError(502, `the audit service answered ${res.status}: ${text.slice(0, 200)}`);
    const head = (JSON.parse(text) as { head?: { seq: number; hash: string } }).head;
    if (head) witnesses.offer(head);
  }
  let loaded = false;
  /** What is person-level in the supergraph served (its owners' @sharing marks), worked out once per load. */
  let personLevel: PersonLevelRules | null = null;
  function onLoaded(sdl: string): void {
    urls = supergraphUrls(sdl);
    sharing.setSupergraph(sdl);
    try {
      personLevel = personLevelRules(sdl);
    } catch (err) {
      log.error({ err }, 'the supergraph could not be read for its @sharing marks; keeping the last person-level rules');
    }
    loaded = true;
  }
  // Trusted operations (SPEC section 12): in production only registered documents, by default.
  if (config.SHARING_ENFORCEMENT === 'off') log.warn('SHARING_ENFORCEMENT=off: fields of other departments are served without a sharing agreement (for measurement only)');
  const trustedOperations = (config.TRUSTED_OPERATIONS ?? (production ? 'on' : 'off')) === 'on' ? loadTrustedOperations(config.TRUSTED_OPERATIONS_PATH) : null;
  const signForCoordination = createRequestSigner({ secret: subgraphSigningSecret('coordination', config.env, config.NODE_ENV), from: GATEWAY, to: 'coordination' });
  // SPEC section 12: fields another department owns, only under an agreement for the purpose.
  const sharing = createSharingEnforcement({
    // Where its GraphQL goes: COORDINATION_URL, else the URL the supergraph (the registry) gives it.
    coordinationUrl: () => urlOf('coordination'),
    sign: (path, body) => signForCoordination({ method: 'POST', path, body, caller: null }),
    log,
    ttlMs: config.SHARING_AGREEMENTS_TTL_MS,
    enforce: config.SHARING_ENFORCEMENT === 'on',
    usageFlushMs: config.SHARING_USAGE_FLUSH_MS,
    spikes: { windowMs: config.SHARING_SPIKE_WINDOW_MS, factor: config.SHARING_SPIKE_FACTOR, floor: config.SHARING_SPIKE_FLOOR },
  });
  // Deadlines, retries, breakers and keep-alive connections per subgraph (subgraphClient.ts).
  const clients = createSubgraphClients(config, log);
  const registrySecret = config.REGISTRY_URL ? registryCredential(GATEWAY, config.env, config.NODE_ENV) : null;
  // With a registry, the operations clients run go to it: its checks refuse what would break them.
  const toRegistry = config.REGISTRY_URL ? registryClient({ url: config.REGISTRY_URL, party: GATEWAY, secret: registrySecret! }) : null;
  const usage = toRegistry
    ? createUsageReporter({
        send: (body) => toRegistry('/usage', { body }),
        intervalMs: config.REGISTRY_USAGE_REPORT_MS,
        log,
      })
    : null;
  const gateway = new ApolloGateway({
    supergraphSdl: config.REGISTRY_URL
      ? supergraphFromRegistry(
          { url: config.REGISTRY_URL, secret: registrySecret!, pollMs: config.REGISTRY_POLL_MS, fallbackFile: config.SUPERGRAPH_PATH },
          log,
          onLoaded,
        )
      : supergraphFromFile(config.SUPERGRAPH_PATH, log, onLoaded),
    buildService: ({ name, url }) => new SubgraphDataSource({ name, client: clients.get(name, url), log }),
    logger: { debug: () => {}, info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) },
  });
  const callerLimits = new CallerLimits({
    perCaller: config.CALLER_LIMITS,
    perRole: config.ROLE_MAX_CONCURRENT,
    maxWaitMs: config.CALLER_MAX_WAIT_MS,
    maxQueuedPerCaller: config.CALLER_MAX_QUEUED,
  });
  const admission = new Admission({ maxInFlight: config.GATEWAY_MAX_IN_FLIGHT, maxQueued: config.GATEWAY_MAX_QUEUED, maxWaitMs: config.GATEWAY_MAX_WAIT_MS });
  // After each supergraph load, the operations served most are planned again before clients ask.
  const warmer = createPlanWarmer(gateway, { log });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // Validation errors without "Did you mean …" in production; formatGatewayError strips the rest.
    hideSchemaDetailsFromClientErrors: production,
    formatError: formatGatewayError(log, { production }),
    plugins: [
      // First: a caller's `_internal…` field is FORBIDDEN whatever else it breaks.
      internalFieldsPlugin(),
      operationLimitsPlugin({ ...DEFAULT_LIMITS, maxDepth: config.MAX_DEPTH, maxAliases: config.MAX_ALIASES, maxRootFields: config.MAX_ROOT_FIELDS, maxCost: config.MAX_COST }),
      // Before any subgraph is called: another department's fields only under a sharing agreement.
      sharing.plugin,
      // Every read of person-level data is logged before the answer leaves (or it does not leave).
      createAuditPlugin({
        auditUrl: () => urlOf('audit'),
        sign: (path, body) => signForAudit({ method: 'POST', path, body, caller: null }),
        log,
        onHead: (head) => witnesses.offer(head),
        rules: () => personLevel,
      }),
      onePerMissingDepartment(),
      legacyJsonStatusPlugin(),
      warmer.plugin,
      ...(usage ? [usage.plugin] : []),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      // Answers are always no-store (sendGraphQLResponse), whatever a subgraph's cache-control says.
      ApolloServerPluginCacheControlDisabled(),
      ...(production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });

  const server = http.createServer(async (req, res) => {
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    observeRequest('gateway', log, req, res, requestId, server);
    // At the edge a client's traceparent is not continued (the gateway starts the trace); our own
    // services' calls (the coordination office's sweeps and checks) continue theirs.
    await withServerSpan('gateway', req, res, requestId, req.headers[SERVICE_HEADER] !== undefined, () => handle(req, res, requestId), () => operationOf(res));
  });
  async function handle(req: http.IncomingMessage, res: http.ServerResponse, requestId: string): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      if (url.pathname === '/health/live') return sendJson(res, 200, { status: 'live' });
      if (url.pathname === '/metrics' && req.method === 'GET') return await serveMetrics(req, res);
      if (url.pathname === '/health/ready') {
        if (isDraining(server)) return sendJson(res, 503, { status: 'not ready', reason: 'draining' });
        return loaded ? sendJson(res, 200, { status: 'ready' }) : sendJson(res, 503, { status: 'not ready', reason: 'no supergraph loaded' });
      }
      if (await serveRegistryHistory(req, res, url, { authenticate, toRegistry: toRegistry && ((path) => toRegistry(path)) })) return;
      if (await serveSharingAudit(req, res, url, { serviceCall: authenticate.serviceCall, write: writeSharingChanges })) return;
      if (url.pathname !== '/graphql' && (await serveConsole(req, res, url, config))) return;
      if (url.pathname !== '/graphql') return sendJson(res, 404, { error: 'not found' });
      const headers = headerMapOf(req);
      const text = await readBody(req, 1024 * 1024);
      const { caller, internal, signedPurpose } = await authenticate(req, text);
      const body = req.method === 'POST' ? parseJson(text) : undefined;
      noteOperation(res, body ?? Object.fromEntries(url.searchParams));
      // U+0000 and other control characters: a clear 400 here, not a failed access-log write later.
      assertNoControlCharacters(body ?? Object.fromEntries(url.searchParams), body === undefined ? undefined : text);
      // A client's purpose from X-Purpose; our own services' from their signature. Either must be
      // on the list for the caller's role (purpose.ts), or nothing runs.
      const purpose = acceptPurpose(caller, internal ? signedPurpose : declaredPurpose(req.headers['x-purpose']), internal);
      // Our own services' requests carry documents of their own code; callers' must be registered.
      if (trustedOperations && !internal) await admitOperation(caller, body as Record<string, unknown> | undefined, url.searchParams, trustedOperations, sharing.current);
      const context: GatewayContext = { requestId, purpose, caller, internal };
      // Our own services' requests are part of an operation already running: never held.
      // The caller's own limits first: one caller's burst waits behind itself, not in the
      // gateway-wide queue in front of everyone else.
      const releaseCaller = internal ? () => {} : await callerLimits.enter(caller);
      let release = () => {};
      try {
        release = internal ? () => {} : await admission.enter();
        // The client gave up while it waited: nothing to answer.
        if (req.socket.destroyed) return;
        const response = await apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
          context: async () => context,
        });
        await sendGraphQLResponse(res, response);
      } finally {
        release();
        releaseCaller();
      }
    } catch (err) {
      if (err instanceof HttpError) {
        if (err.status === 503) res.setHeader('retry-after', '1');
        for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
        // On /graphql every answer is a GraphQL response, a body that is not JSON included.
        const code = err.status === 413 ? 'PAYLOAD_TOO_LARGE' : err.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
        return sendJson(res, err.status, err.body ?? { errors: [{ message: err.message, extensions: { code } }] });
      }
      log.error({ err, requestId }, 'gateway request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error', requestId });
      else res.end();
    }
  }
  server.keepAliveTimeout = 65_000;

  return {
    http: server,
    start: () => apollo.start(),
    stop: async () => {
      await apollo.stop();
      await usage?.close();
      // The last head of this process's writes, so a restart leaves none of them unwitnessed.
      await witnesses.flush().catch((err) => log.warn({ err }, 'handing the last access-log head to the witnesses'));
      witnesses.close();
      await sharing.close().catch((err) => log.warn({ err }, 'sending the last sharing use counts'));
      clients.close();
    },
    isReady: () => loaded,
  };
}
