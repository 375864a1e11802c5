import { hkdfSync } from 'node:crypto';
import type http from 'node:http';
import { subgraphSigningSecret } from '@saf/auth';
import { subgraphUrl } from '@saf/config';
import { GATEWAY, LOADER, createRequestSigner } from '@saf/auth';
import type { BuiltSubgraph, SubgraphDeps } from '@saf/department';
import { buildSubgraph, loadTypeDefs } from '@saf/service';
import { createLoaders, type Context, type Services } from './context.ts';
import { createGraphClient } from './graph.ts';
import { resolvers } from './resolvers/index.ts';
import { RuleSetStore } from './rules.ts';
import { EligibilityStore } from './casework/eligibilityStore.ts';
import { OutboxPoller } from './casework/dynamic.ts';
import { YearlyReviews } from './casework/yearly.ts';
import { archiveRoute } from './casework/archive.ts';
import { DEFAULT_CACHE_ENTRIES, DEFAULT_WAIT_MS, FigureCache } from './statistics/cache.ts';
import { limitConcurrency } from './statistics/limit.ts';
import { StatisticsRefresher } from './statistics/refresh.ts';
import { SweepRunner, type SweepSource } from './sweep.ts';
import { PaymentSweepRunner } from './payments/sweep.ts';
import { RollDeliverer } from './payments/rolls.ts';
import { Catalogue, SharingStore, sharingRoutes } from './sharing.ts';
import { SharingAuditRelay } from './sharingAudit.ts';
import { SharingChanges } from './sharingChanges.ts';
import { isDraining } from '@saf/service';

/** The composed supergraph the catalogue is read from (the gateway's SUPERGRAPH_PATH). */
export const DEFAULT_SUPERGRAPH = new URL('../../../gateway/supergraph.graphql', import.meta.url);

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export interface CoordinationOptions extends SubgraphDeps {
  /** Where the gateway is; a function because tests start the gateway after this subgraph. */
  gatewayUrl?: () => string;
  sweepPageSize?: number;
  /** Sweeps one caller may have under way (SWEEP_MAX_PER_CALLER; default 2). */
  sweepMaxPerCaller?: number;
  /** Where sweeps read the departments' awards (SWEEP_SOURCE; default `streams`). */
  sweepSource?: SweepSource;
  /** Statistics figures kept at most (STATISTICS_CACHE_ENTRIES). */
  statisticsCacheEntries?: number;
  /** How often the figures in use are brought up to date after loads (STATISTICS_REFRESH_MS); 0 or unset: only when asked. */
  statisticsRefreshMs?: number;
  /** How long a request waits for figures being computed (STATISTICS_WAIT_MS). */
  statisticsWaitMs?: number;
  /** How long a gateway's watch of the agreements is held when nothing changes (default 25 s). */
  sharingWatchHoldMs?: number;
  /** How long a change waits at most for every watching gateway to apply it (default 2 s). */
  sharingAckTimeoutMs?: number;
  /** The composed supergraph whose @sharing marks are the catalogue (default: the committed one). */
  supergraphPath?: URL | string;
  /** A department subgraph's URL (default: on this machine at the default port base). */
  subgraphUrl?: (subgraph: string) => string;
  /** The secret a department shares (default: derived as development and tests derive it). */
  subgraphSecret?: (subgraph: string) => Buffer;
  /** How often (ms) the emitting departments' outboxes are read for review tasks (OUTBOX_POLL_MS); 0 or unset: never (tests that are not about it stay free of its requests). */
  outboxPollMs?: number;
  /** How often (ms) the yearly 低保/特困 review tasks are made (YEARLY_REVIEW_MS), the first soon after start; 0 or unset: never on its own. */
  yearlyReviewMs?: number;
  /** How often (ms) reconciled rolls whose payments the department has not yet recorded are delivered again (ROLL_DELIVERY_MS; default 10 s; 0: only at once). */
  rollDeliveryMs?: number;
}

export function createServer(options: CoordinationOptions): BuiltSubgraph & { services: Services; yearlyReviews: YearlyReviews } {
  const { database, log } = options;
  const db = database.db;
  const gatewayUrl = options.gatewayUrl ?? (() => 'http://127.0.0.1:4000/graphql');
  // The gateway knows this subgraph's secret and accepts what it signs coordination→gateway on a
  // caller's behalf (a direction of its own: nothing the gateway sends here verifies there).
  const signForGateway = createRequestSigner({ secret: options.signingSecret, from: 'coordination', to: GATEWAY });
  const graph = createGraphClient(gatewayUrl, (body, caller, purpose) => signForGateway({ method: 'POST', path: new URL(gatewayUrl()).pathname, body, caller, purpose }));
  const rules = new RuleSetStore(db);
  // Derived from the service's secret: stable across restarts, never stored, unknown to callers.
  const maskKey = Buffer.from(hkdfSync('sha256', options.signingSecret, Buffer.alloc(0), 'saf coordination masked finding ids', 32));
  const statistics = new FigureCache(options.statisticsCacheEntries ?? DEFAULT_CACHE_ENTRIES);
  const refresher = new StatisticsRefresher(graph, statistics, log, options.statisticsRefreshMs ?? 0);
  const changes = new SharingChanges({ holdMs: options.sharingWatchHoldMs ?? 25_000, ackTimeoutMs: options.sharingAckTimeoutMs ?? 2_000, log });
  const sharing = new SharingStore(db, new Catalogue(options.supergraphPath ?? DEFAULT_SUPERGRAPH), log, changes, () => relay.changed());
  // Agreement changes go to the access log through the gateway, which alone writes it.
  const relay = new SharingAuditRelay(sharing, {
    log,
    send: async (entries) => {
      const url = new URL('/internal/sharing/audit', gatewayUrl());
      const body = JSON.stringify({ entries });
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signForGateway({ method: 'POST', path: url.pathname, body, caller: null }) }, body, signal: AbortSignal.timeout(10_000) });
      if (res.status !== 200) throw new Error(`the gateway answered ${res.status} to the access-log entries of agreement changes: ${(await res.text()).slice(0, 200)}`);
    },
  });
  const departments = {
    url: options.subgraphUrl ?? ((name: string) => subgraphUrl(name, {}, 4000)),
    secret: options.subgraphSecret ?? ((name: string) => subgraphSigningSecret(name, {}, options.production ? 'production' : 'development')),
  };
  const services: Services = {
    sharing,
    database,
    log,
    rules,
    eligibility: new EligibilityStore(db),
    departments,
    graph,
    maskKey,
    statistics,
    statisticsGraph: limitConcurrency(graph),
    statisticsWaitMs: options.statisticsWaitMs ?? DEFAULT_WAIT_MS,
    sweeps: new SweepRunner(db, graph, rules, log, options.sweepPageSize, { maxPerCaller: options.sweepMaxPerCaller, departments, source: options.sweepSource ?? 'streams' }),
    paymentSweeps: new PaymentSweepRunner(db, graph, rules, log, options.sweepPageSize),
    rollDeliverer: new RollDeliverer(db, graph, log, options.rollDeliveryMs ?? 10_000),
  };
  const poller = new OutboxPoller(db, graph, services.departments, log, options.outboxPollMs ?? 0);
  const yearly = new YearlyReviews(db, graph, log, options.yearlyReviewMs ?? 0);
  // Assigned right below; read only once requests arrive.
  let server: http.Server;
  const built = buildSubgraph<Context>({
    name: 'coordination',
    typeDefs,
    resolvers,
    log,
    production: options.production ?? false,
    signingSecret: options.signingSecret,
    ready: database.ping,
    // The loader brings archived applications in (casework/archive.ts); GraphQL stays the gateway's alone.
    acceptFrom: [GATEWAY, LOADER],
    // Closing (tests close the server, a signal drains it): held watches answer and their connections end.
    routes: [...sharingRoutes(sharing, (): boolean => !server.listening || isDraining(server)), archiveRoute(services, options.production ?? false)],
    context: async (_req, requestId, caller, purpose) => ({ ...services, requestId, caller, purpose, db, loaders: createLoaders(db, sharing) }),
  });
  server = built.http;
  return {
    ...built,
    services,
    yearlyReviews: yearly,
    start: async () => {
      await services.sweeps.open(database.kind);
      await sharing.seedDefaults();
      await built.start();
      refresher.start();
      poller.start();
      yearly.start();
      relay.start();
      services.rollDeliverer.start();
    },
    stop: async () => {
      changes.close();
      await relay.stop();
      await refresher.stop();
      await poller.stop();
      await yearly.stop();
      await services.rollDeliverer.stop();
      await services.sweeps.stop();
      await services.paymentSweeps.idle();
    },
  };
}
