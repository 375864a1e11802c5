import type { GraphClient } from '../graph.ts';

/**
 * Requests the statistics' computations send through the gateway at once, at most. Without a
 * bound a province's first computation asks civil affairs a dozen large questions at once
 * (recipients, members, persons to locate, relief, for the overlap and three gaps together), and
 * on a busy host some of them passed the gateway's 10 s deadline: the figure was then incomplete,
 * not kept, and computed again by the next request.
 */
export const STATISTICS_REQUESTS_AT_ONCE = 3;

/** The graph client with at most `limit` requests in flight; the others wait their turn in order. */
export function limitConcurrency(graph: GraphClient, limit = STATISTICS_REQUESTS_AT_ONCE): GraphClient {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  return {
    async request(query, variables, caller, purpose) {
      if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      running++;
      try {
        return await graph.request(query, variables, caller, purpose);
      } finally {
        release();
      }
    },
  };
}
