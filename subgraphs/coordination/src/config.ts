import { z } from 'zod';
import { commonEnv, parseEnv, subgraphUrl } from '@saf/config';
import { subgraphSigningSecret } from '@saf/auth';
import { MAX_SWEEP_BATCH } from '@saf/interchange';
import { DEFAULT_CACHE_ENTRIES, DEFAULT_WAIT_MS } from './statistics/cache.ts';

/** The coordination office reads the departments through the gateway. */
export function coordinationConfig(env: NodeJS.ProcessEnv = process.env) {
  const common = parseEnv(commonEnv, env);
  const own = parseEnv(
    z.object({
      GATEWAY_URL: z.string().url().optional(),
      /** The composed supergraph the data-sharing catalogue is read from (as the gateway's); default the committed one. */
      SUPERGRAPH_PATH: z.string().optional(),
      /**
       * Households per sweep page (about 3 persons each). 1000 against 2000, measured side by
       * side: sweeps about 10% slower, the gateway's resident memory after a sweep and household
       * pictures 190–197 MB against 230–301 MB (two short bench runs each, 34,000 households). A
       * page also ends before its ids pass `SWEEP_PAGE_MAX_IDS` (sweep.ts), whatever this says.
       */
      SWEEP_PAGE_SIZE: z.coerce.number().int().min(1).max(MAX_SWEEP_BATCH).default(1000),
      /**
       * Sweeps one caller (token subject) may have under way at once, running or waiting their
       * turn; beyond it a request is refused with TOO_MANY_SWEEPS. A request for a region already
       * being swept joins that sweep and does not count.
       */
      SWEEP_MAX_PER_CALLER: z.coerce.number().int().min(1).max(100).default(2),
      /**
       * Where a duplicate-aid sweep reads the departments' awards (sweep.ts): `streams`, each
       * department's awards of the region streamed here at once (and those civil affairs' register
       * places elsewhere by id), or `pages`, every page of households with its awards through the
       * gateway. The same findings; see bench/results for the cost of each.
       */
      SWEEP_SOURCE: z.enum(['streams', 'pages']).default('streams'),
      /** Statistics figures kept computed at most (each a few hundred kB at most), least recently read dropped first. */
      STATISTICS_CACHE_ENTRIES: z.coerce.number().int().min(16).max(100_000).default(DEFAULT_CACHE_ENTRIES),
      /** How often (ms) the departments' data versions are checked and the figures read in the last 15 minutes recomputed after a load; 0: only when next asked. */
      STATISTICS_REFRESH_MS: z.coerce.number().int().min(0).default(10_000),
      /** How long (ms) a request waits for figures being computed before it gets STATISTICS_COMPUTING; keep it under the gateway's deadline for coordination. */
      STATISTICS_WAIT_MS: z.coerce.number().int().min(100).default(DEFAULT_WAIT_MS),
      /** How often (ms) the outboxes of civil affairs, labour and housing are read for review tasks (动态管理); 0: never. */
      OUTBOX_POLL_MS: z.coerce.number().int().min(0).default(5000),
      /** How often (ms) the yearly 低保/特困 review tasks are made (the first run 10 s after start); 0: never. Six hours by default. */
      YEARLY_REVIEW_MS: z.coerce.number().int().min(0).default(6 * 3_600_000),
      /** How often (ms) reconciled payment rolls whose payments a department has not yet recorded are delivered again; 0: only once, at the reconciliation. */
      ROLL_DELIVERY_MS: z.coerce.number().int().min(0).default(10_000),
    }),
    env,
  );
  return {
    gatewayUrl: own.GATEWAY_URL ?? `http://127.0.0.1:${common.GATEWAY_PORT}/graphql`,
    ...(own.SUPERGRAPH_PATH ? { supergraphPath: own.SUPERGRAPH_PATH } : {}),
    sweepPageSize: own.SWEEP_PAGE_SIZE,
    sweepMaxPerCaller: own.SWEEP_MAX_PER_CALLER,
    sweepSource: own.SWEEP_SOURCE,
    statisticsCacheEntries: own.STATISTICS_CACHE_ENTRIES,
    statisticsRefreshMs: own.STATISTICS_REFRESH_MS,
    statisticsWaitMs: own.STATISTICS_WAIT_MS,
    outboxPollMs: own.OUTBOX_POLL_MS,
    yearlyReviewMs: own.YEARLY_REVIEW_MS,
    rollDeliveryMs: own.ROLL_DELIVERY_MS,
    // The departments' own routes (an approved application's award, casework/grant.ts; a sweep's
    // streams, sweepStreams.ts): where the
    // gateway finds them (`<NAME>_URL` or the port base), and the secret each shares.
    subgraphUrl: (name: string) => subgraphUrl(name, env, common.SUBGRAPH_PORT_BASE),
    subgraphSecret: (name: string) => subgraphSigningSecret(name, env, common.NODE_ENV),
  };
}
