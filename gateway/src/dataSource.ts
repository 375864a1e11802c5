import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { Kind, parse, type SelectionSetNode } from 'graphql';
import { encodeCaller } from '@saf/auth';
import type { Logger } from '@saf/service';
import type { GatewayContext } from './context.ts';
import { subgraphDuration, subgraphErrors, subgraphRequests } from './metrics.ts';
import { CALLER_HEADER, RETRYABLE_HEADER, SubgraphFailure, type FailureCode, type SubgraphClient } from './subgraphClient.ts';

interface Shape {
  /** Per entity type, the fields to set null; null when the operation is not an `_entities` fetch. */
  entities: Map<string, string[]> | null;
  root: string[];
  /** Only queries are retried. */
  operation: 'query' | 'mutation' | 'subscription';
}
const nullShapes = new Map<string, Shape>();

function responseKeys(selectionSet: SelectionSetNode): string[] {
  const keys: string[] = [];
  for (const s of selectionSet.selections) if (s.kind === Kind.FIELD && s.name.value !== '__typename') keys.push(s.alias?.value ?? s.name.value);
  return keys;
}

/** For an operation the planner sent: the fields to set null per entity type, or per root field. */
function shapeOf(query: string): Shape {
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
  shape = { entities, root: responseKeys(top), operation: op?.kind === Kind.OPERATION_DEFINITION ? op.operation : 'query' };
  if (nullShapes.size > 5000) nullShapes.clear();
  nullShapes.set(query, shape);
  return shape;
}

/**
 * Talks to one subgraph through its `SubgraphClient` (deadline, retries, breaker, keep-alive).
 * When a fetch fails in any way (refused, reset, timed out, circuit open, HTTP 5xx or 4xx, a body
 * that is not GraphQL JSON), it answers for the subgraph: the requested fields null and one error
 * naming the department with a stable code, nothing internal (no URL, port or stack: those go to
 * the log). The gateway then carries on with what the other subgraphs have — including subgraphs
 * that `@requires` the missing fields, which it would otherwise skip and so blank a whole household.
 */
export interface SubgraphDataSourceOptions {
  name: string;
  client: SubgraphClient;
  log: Logger;
}

const MESSAGES: Record<FailureCode, string> = {
  SUBGRAPH_UNAVAILABLE: 'is not answering',
  SUBGRAPH_TIMEOUT: 'did not answer in time',
  SUBGRAPH_ERROR: 'failed to answer',
};

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly name: string;
  private readonly log: Logger;

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.client.url, fetcher: options.client.fetch });
    this.name = options.name;
    this.log = options.log;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    if (context?.requestId) headers.set('x-request-id', context.requestId);
    // Health checks and schema fetches carry no caller; every client request does, with the
    // purpose the gateway checked (the coordination office passes it on in its own requests).
    if (context?.caller) headers.set(CALLER_HEADER, encodeCaller(context.caller, context.purpose?.code));
    if (shapeOf(request.query ?? '').operation === 'query') headers.set(RETRYABLE_HEADER, '1');
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    // Health checks and schema loads must see a failure as one; only client operations get partial answers.
    if (!('incomingRequestContext' in options)) return super.process(options);
    const started = process.hrtime.bigint();
    subgraphRequests.inc({ subgraph: this.name });
    try {
      const response = await super.process(options);
      options.context?.subjectsFetched?.(response.data);
      return response;
    } catch (err) {
      const code: FailureCode = err instanceof SubgraphFailure ? err.code : 'SUBGRAPH_ERROR';
      subgraphErrors.inc({ subgraph: this.name, code });
      const detail = err instanceof SubgraphFailure ? err.detail : (err as Error).message;
      this.log.warn({ subgraph: this.name, code, detail, requestId: options.context?.requestId }, 'subgraph fetch failed; answering its part with nulls');
      return this.missing(options, code);
    } finally {
      subgraphDuration.observe({ subgraph: this.name }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  private missing(options: GraphQLDataSourceProcessOptions<GatewayContext>, code: FailureCode): GatewayGraphQLResponse {
    const errors = [{ message: `${this.name} ${MESSAGES[code]}; its part of the answer is missing`, extensions: { code, serviceName: this.name } }];
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
