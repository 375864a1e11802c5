/**
 * The coordination office reads the departments through the federated graph, as any client does
 * (it never reads another department's database).
 */
export interface GraphError {
  message: string;
  extensions?: { code?: string; serviceName?: string };
}

export class GraphRequestError extends Error {
  constructor(
    message: string,
    readonly errors: GraphError[] = [],
  ) {
    super(message);
  }

  /** The subgraphs that failed to answer their part. */
  get services(): string[] {
    return [...new Set(this.errors.map((e) => e.extensions?.serviceName).filter((s): s is string => !!s))];
  }
}

export interface GraphClient {
  request<T>(query: string, variables: Record<string, unknown>, headers?: Record<string, string>): Promise<T>;
}

export function createGraphClient(url: () => string, baseHeaders: () => Promise<Record<string, string>> | Record<string, string> = () => ({})): GraphClient {
  return {
    async request<T>(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}): Promise<T> {
      let res: Response;
      try {
        res = await fetch(url(), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(await baseHeaders()), ...headers },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(120_000),
        });
      } catch (err) {
        throw new GraphRequestError(`the gateway did not answer: ${(err as Error).message}`);
      }
      const body = (await res.json().catch(() => ({}))) as { data?: T; errors?: GraphError[] };
      // Partial data is not enough for duplicate checks: a missing department could hide a finding.
      if (body.errors?.length || !body.data) {
        const services = [...new Set((body.errors ?? []).map((e) => e.extensions?.serviceName).filter(Boolean))];
        throw new GraphRequestError(
          services.length ? `no complete answer: ${services.join(', ')} did not answer` : `the gateway answered ${res.status}: ${body.errors?.[0]?.message ?? 'no data'}`,
          body.errors ?? [],
        );
      }
      return body.data;
    },
  };
}
