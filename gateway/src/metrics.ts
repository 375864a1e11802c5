import { Counter, Gauge, Histogram } from 'prom-client';
import { metric } from '@saf/service';
import type { BreakerState } from './breaker.ts';

/** The gateway's view of each subgraph (the HTTP request metrics come from @saf/service). */

export const subgraphRequests = metric(
  'saf_subgraph_requests_total',
  () => new Counter({ name: 'saf_subgraph_requests_total', help: 'Fetches the gateway made to a subgraph (retries of one fetch count once).', labelNames: ['subgraph'] as const }),
);
export const subgraphErrors = metric(
  'saf_subgraph_errors_total',
  () =>
    new Counter({
      name: 'saf_subgraph_errors_total',
      help: 'Fetches answered for the subgraph with nulls and an error, by code (SUBGRAPH_UNAVAILABLE, SUBGRAPH_TIMEOUT, SUBGRAPH_ERROR).',
      labelNames: ['subgraph', 'code'] as const,
    }),
);
export const subgraphDuration = metric(
  'saf_subgraph_request_duration_seconds',
  () =>
    new Histogram({
      name: 'saf_subgraph_request_duration_seconds',
      help: 'Time of a fetch to a subgraph, retries included.',
      labelNames: ['subgraph'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
);
export const subgraphRetries = metric(
  'saf_subgraph_retries_total',
  () => new Counter({ name: 'saf_subgraph_retries_total', help: 'Retried query fetches.', labelNames: ['subgraph'] as const }),
);
export const subgraphRetriesDenied = metric(
  'saf_subgraph_retry_budget_exhausted_total',
  () => new Counter({ name: 'saf_subgraph_retry_budget_exhausted_total', help: 'Retries not made because the retry budget was spent.', labelNames: ['subgraph'] as const }),
);
export const breakerState = metric(
  'saf_subgraph_breaker_state',
  // With GATEWAY_WORKERS > 1 each worker has its breakers; a scrape shows the most open of them.
  () => new Gauge({ name: 'saf_subgraph_breaker_state', help: 'Circuit breaker per subgraph: 0 closed, 1 half-open, 2 open (with several workers, the most open).', labelNames: ['subgraph'] as const, aggregator: 'max' }),
);
export const breakerTransitions = metric(
  'saf_subgraph_breaker_transitions_total',
  () => new Counter({ name: 'saf_subgraph_breaker_transitions_total', help: 'Circuit breaker state changes, by the state entered.', labelNames: ['subgraph', 'state'] as const }),
);

const STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export function recordBreaker(subgraph: string, state: BreakerState, transition = true): void {
  breakerState.set({ subgraph }, STATE_VALUE[state]);
  if (transition) breakerTransitions.inc({ subgraph, state });
}

/** Sockets per subgraph: the agents bound them (SUBGRAPH_MAX_SOCKETS); here is how many are in use. */
const socketSources = new Map<string, () => { active: number; idle: number; queued: number }>();
metric(
  'saf_subgraph_sockets',
  () =>
    new Gauge({
      name: 'saf_subgraph_sockets',
      help: 'Keep-alive connections to each subgraph: active, idle, and requests queued for a socket.',
      labelNames: ['subgraph', 'state'] as const,
      collect() {
        this.reset();
        for (const [subgraph, read] of socketSources) {
          const counts = read();
          for (const [state, n] of Object.entries(counts)) this.set({ subgraph, state }, n);
        }
      },
    }),
);

export function watchSockets(subgraph: string, read: () => { active: number; idle: number; queued: number }): void {
  socketSources.set(subgraph, read);
}

export const plansWarmed = metric(
  'saf_gateway_plans_warmed_total',
  () => new Counter({ name: 'saf_gateway_plans_warmed_total', help: 'Operations planned ahead after a supergraph load (outcome: planned, or invalid against the new schema).', labelNames: ['outcome'] as const }),
);

/** The access log (audit.ts): what writing it costs the answers that wait for it. */
export const accessLogWrites = metric(
  'saf_access_log_write_seconds',
  () =>
    new Histogram({
      name: 'saf_access_log_write_seconds',
      help: 'Time of one write of access-log entries to the audit service (several entries a write under load), by outcome.',
      labelNames: ['outcome'] as const,
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
);
export const accessLogWait = metric(
  'saf_access_log_wait_seconds',
  () =>
    new Histogram({
      name: 'saf_access_log_wait_seconds',
      help: 'How long a person-level answer, its data ready, waited for its access-log entries (written early, this is what the fetches did not cover).',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5],
    }),
);
export const accessLogWithheld = metric(
  'saf_access_log_withheld_total',
  () => new Counter({ name: 'saf_access_log_withheld_total', help: 'Person-level answers withheld (AUDIT_UNAVAILABLE) because their access-log entry could not be written.' }),
);
export const accessLogCheckpoints = metric(
  'saf_access_log_checkpoints_total',
  () =>
    new Counter({
      name: 'saf_access_log_checkpoints_total',
      help: "The access log's head handed to a witness (a department's service), by outcome (witnessed, failed). A witness failing for long leaves the log's latest entries unwitnessed.",
      labelNames: ['witness', 'outcome'] as const,
    }),
);

/** The schema registry (supergraph.ts): whether it answers, and which supergraph loads came from it. */
export const registryPolls = metric(
  'saf_gateway_registry_polls_total',
  () => new Counter({ name: 'saf_gateway_registry_polls_total', help: 'Asks to the schema registry for a newer supergraph, by outcome (unchanged, updated, failed: it did not answer, rejected: its supergraph failed to load, incomplete: it lacks a subgraph the gateway serves that was never unpublished).', labelNames: ['outcome'] as const }),
);
export const registryLastAnswer = metric(
  'saf_gateway_registry_last_answer_seconds',
  () => new Gauge({ name: 'saf_gateway_registry_last_answer_seconds', help: 'When the schema registry last answered (Unix time); alert when it falls far behind while REGISTRY_URL is set.' }),
);
export const sharingDecisions = metric(
  'saf_sharing_decisions_total',
  () =>
    new Counter({
      name: 'saf_sharing_decisions_total',
      help: 'Sharing decisions for client operations (gateway/src/sharing.ts), by whether the operation, purpose, office and agreements in force were decided before (cached).',
      labelNames: ['cached'] as const,
    }),
);
export const sharingRefusals = metric(
  'saf_sharing_refusals_total',
  () => new Counter({ name: 'saf_sharing_refusals_total', help: 'Fields refused for want of a sharing agreement (answered null with FORBIDDEN), by owning department.', labelNames: ['owner'] as const }),
);
export const sharingGrantFetches = metric(
  'saf_sharing_agreement_fetch_seconds',
  () =>
    new Histogram({
      name: 'saf_sharing_agreement_fetch_seconds',
      help: 'Reading the sharing agreements in force from the coordination office, by outcome (ok, failed).',
      labelNames: ['outcome'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    }),
);
export const sharingReadSpikes = metric(
  'saf_sharing_read_spikes_total',
  () =>
    new Counter({
      name: 'saf_sharing_read_spikes_total',
      help: "Windows in which a caller's reads under sharing agreements jumped far above their own usual level (gateway/src/sharingSpikes.ts), by the caller's office; alert on any increase. The log names the caller.",
      labelNames: ['office'] as const,
    }),
);
