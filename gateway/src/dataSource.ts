import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { Kind, parse, type SelectionSetNode } from 'graphql';
import { encodeCaller, decodeCaller, signRequest } from '@saf/auth';
import type { Logger } from '@saf/service';
import type { GatewayContext } from './context.ts';

const nullShapes = new Map<string, { entities: Map<string, string[]> | null; root: string[] }>();

function responseKeys(selectionSet: SelectionSetNode): string[] {
  const keys: string[] = [];
  for (const s of selectionSet.selections) if (s.kind === Kind.FIELD && s.name.value !== '__typename') keys.push(s.alias?.value ?? s.name.value);
  return keys;
}

/** For an operation the planner sent: the fields to set null per entity type, or per root field. */
function shapeOf(query: string) {
  let shape = nullShapes.get(query);
  if (shape) return shape;
  const op = parse(query).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  const top = op?.kind === Kind.OPERATION_DEFINITION ? op.selectionSet : { kind: Kind.SELECTION_SET, selections: [] } as SelectionSetNode;
  const entitiesField = top.selections.find((s) => s.kind === Kind.FIELD && s.name.value === '_entities');
  let entities: Map<string, string[]> | null = null;
  if (entitiesField?.kind === Kind.FIELD && entitiesField.selectionSet) {
    entities = new Map();
    for (const s of entitiesField.selectionSet.selections) {
      if (s.kind === Kind.INLINE_FRAGMENT && s.typeCondition) entities.set(s.typeCondition.name.value, responseKeys(s.selectionSet));
    }
  }
  shape = { entities, root: responseKeys(top) };
  if (nullShapes.size > 5000) nullShapes.clear();
  nullShapes.set(query, shape);
  return shape;
}

/**
 * Talks to one subgraph. When the subgraph cannot be reached (refused, reset, timed out), it
 * answers for it: the requested fields null and one error naming the department. The gateway
 * then carries on with what the other subgraphs have — including subgraphs that `@requires`
 * the missing fields, which it would otherwise skip and so blank a whole household.
 */
export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  timeoutMs: number;
  /** Shared with the subgraph, which refuses anything this data source did not sign. */
  secret: Buffer;
  log: Logger;
}

const CALLER_HEADER = 'x-saf-caller';

/**
 * Signs the exact bytes sent: the fetcher sees the final body, so it signs there, with the
 * caller that `willSendRequest` put on the request (the subgraphs trust only a signed caller).
 */
function signingFetcher(secret: Buffer, timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const headers = new Headers(init?.headers);
    const encoded = headers.get(CALLER_HEADER);
    headers.delete(CALLER_HEADER);
    const caller = encoded ? decodeCaller(encoded) : null;
    const signed = signRequest({ secret, method: init?.method ?? 'POST', path: url.pathname + url.search, body: typeof init?.body === 'string' ? init.body : '', caller });
    for (const [k, v] of Object.entries(signed)) headers.set(k, v);
    return fetch(url, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
  };
}

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly name: string;
  private readonly log: Logger;

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.url, fetcher: signingFetcher(options.secret, options.timeoutMs) as unknown as RemoteGraphQLDataSource['fetcher'] });
    this.name = options.name;
    this.log = options.log;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (headers && context?.requestId) headers.set('x-request-id', context.requestId);
    // Health checks and schema fetches carry no caller; every client request does.
    if (headers && context?.caller) headers.set(CALLER_HEADER, encodeCaller(context.caller));
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await super.process(options);
    } catch (err) {
      if (!isUnreachable(err)) throw err;
      this.log.warn({ subgraph: this.name, err: (err as Error).message, requestId: options.context?.requestId }, 'subgraph unreachable');
      return this.unavailable(options, err as Error);
    }
  }

  private unavailable(options: GraphQLDataSourceProcessOptions<GatewayContext>, err: Error): GatewayGraphQLResponse {
    const timedOut = /timeout|aborted/i.test(`${err.name} ${err.message}`);
    const errors = [
      {
        message: `${this.name} did not answer${timedOut ? ' in time' : ''}; its part of the answer is missing`,
        extensions: { code: timedOut ? 'SUBGRAPH_TIMEOUT' : 'SUBGRAPH_UNAVAILABLE' },
      },
    ];
    const shape = shapeOf(options.request.query ?? '');
    const representations = options.request.variables?.representations as { __typename: string }[] | undefined;
    if (shape.entities && representations) {
      const entities = representations.map((rep) => {
        const entity: Record<string, unknown> = { __typename: rep.__typename };
        for (const key of shape.entities!.get(rep.__typename) ?? []) entity[key] = null;
        return entity;
      });
      return { data: { _entities: entities }, errors } as GatewayGraphQLResponse;
    }
    return { data: Object.fromEntries(shape.root.map((k) => [k, null])), errors } as GatewayGraphQLResponse;
  }
}

function isUnreachable(err: unknown): boolean {
  const e = err as { name?: string; message?: string; cause?: { code?: string }; code?: string; type?: string };
  const code = e.cause?.code ?? e.code;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'EPIPE'].includes(code)) return true;
  return e.name === 'AbortError' || e.name === 'TimeoutError' || e.type === 'system' || /fetch failed|aborted|timeout/i.test(e.message ?? '');
}
