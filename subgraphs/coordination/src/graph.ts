import type { Caller } from '@saf/auth';
import { injectTraceContext, withClientSpan } from '@saf/service';

/**
 * The coordination office reads the departments through the federated graph, as any client does
 * (it never reads another department's database). It asks on behalf of a caller: the gateway
 * checks its signature and lets each subgraph apply that caller's rights.
 */
export interface GraphError {
  message: string;
  extensions?: { code?: string; serviceName?: string };
}

export class GraphRequestError extends Error {
  constructor(
    message: string,
    readonly errors: GraphError[] = [],
    /** What the gateway did answer (the departments that did), when anything. */
    readonly data: unknown = undefined,
  ) {
    super(message);
  }
}

export interface GraphClient {
  /**
   * Asks the gateway for `caller`, declaring `purpose` (a code): the caller's own, as the gateway
   * signed it to this office, or the office's for figures (`STATISTICS_PURPOSE`). It travels in
   * the signed caller header, so the gateway logs what the caller declared and no relay can
   * change it; a person-level read without one is refused there (PURPOSE_REQUIRED).
   */
  request<T>(query: string, variables: Record<string, unknown>, caller: Caller, purpose: string | null): Promise<T>;
}

/** Signs a request to the gateway as this service, on behalf of `caller`, with the purpose they declared. */
export type ServiceSigner = (body: string, caller: Caller, purpose: string | null) => Record<string, string>;

export function createGraphClient(url: () => string, sign: ServiceSigner): GraphClient {
  return {
    async request<T>(query: string, variables: Record<string, unknown>, caller: Caller, purpose: string | null): Promise<T> {
      const body = JSON.stringify({ query, variables });
      let res: Response;
      try {
        res = await withClientSpan('POST gateway', { 'saf.subgraph': 'gateway' }, () => {
          const headers: Record<string, string> = { 'content-type': 'application/json', ...sign(body, caller, purpose) };
          injectTraceContext(headers);
          return fetch(url(), { method: 'POST', headers, body, signal: AbortSignal.timeout(120_000) });
        });
      } catch (err) {
        throw new GraphRequestError(`the gateway did not answer: ${(err as Error).message}`);
      }
      const parsed = (await res.json().catch(() => ({}))) as { data?: T; errors?: GraphError[] };
      // Partial data is not enough for duplicate checks: a missing department could hide a finding.
      if (parsed.errors?.length || !parsed.data) {
        const services = [...new Set((parsed.errors ?? []).map((e) => e.extensions?.serviceName).filter(Boolean))];
        const forbidden = parsed.errors?.find((e) => e.extensions?.code === 'FORBIDDEN');
        throw new GraphRequestError(
          forbidden ? forbidden.message : services.length ? `no complete answer: ${services.join(', ')} did not answer` : `the gateway answered ${res.status}: ${parsed.errors?.[0]?.message ?? 'no data'}`,
          parsed.errors ?? [],
          parsed.data ?? undefined,
        );
      }
      return parsed.data;
    },
  };
}
