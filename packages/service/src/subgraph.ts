import type { IncomingMessage } from 'node:http';
import type http from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { DocumentNode, GraphQLFormattedError } from 'graphql';
import { GATEWAY, createRequestVerifier, type Caller } from '@saf/auth';
import { ErrorCode } from './errors.ts';
import { createServiceServer, type Route } from './http.ts';
import type { Logger } from './logger.ts';
import { withoutSuggestions } from './suggestions.ts';

export type Resolvers<C> = GraphQLResolverMap<C>;

export interface SubgraphOptions<C extends BaseContext> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: Resolvers<C>;
  /** `purpose`: the code of the purpose the caller declared, as the gateway signed it (null: none). */
  context: (req: IncomingMessage, requestId: string, caller: Caller | null, purpose: string | null) => Promise<C>;
  ready: () => Promise<void>;
  /** The secret this subgraph shares with the gateway (requests without its signature are refused). */
  signingSecret: Buffer;
  /**
   * Who may sign requests to this subgraph with that secret (each with its own direction key):
   * the gateway (the default, and the only one GraphQL answers), and e.g. the loader for a
   * department's `/ingest` routes, which check the sender themselves.
   */
  acceptFrom?: readonly string[];
  routes?: Route[];
  log: Logger;
  production: boolean;
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/**
 * Masks what a client must not see: stack traces, SQL, internal messages, and in production the
 * schema names graphql-js suggests. Errors raised on purpose (a known `extensions.code`) pass as
 * they are; anything else becomes a generic internal error, logged in full.
 */
export function maskError(log: Logger, options: { production?: boolean } = {}) {
  const mask = maskErrorDetails(log);
  if (!options.production) return mask;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const masked = mask(formatted, error);
    return { ...masked, message: withoutSuggestions(masked.message) };
  };
}

function maskErrorDetails(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code as string | undefined;
    if (code && KNOWN_CODES.has(code) && code !== ErrorCode.INTERNAL) {
      const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    if (code === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_PARSE_FAILED' || code === 'BAD_REQUEST' || code === 'PERSISTED_QUERY_NOT_FOUND') {
      return { message: formatted.message, locations: formatted.locations, extensions: { code } };
    }
    if (isDatabaseUnavailable(error)) {
      log.warn({ err: error }, 'database unavailable');
      return { message: 'this department\'s database is not answering; its part of the answer is missing', path: formatted.path, extensions: { code: ErrorCode.SUBGRAPH_UNAVAILABLE } };
    }
    log.error({ err: error }, 'unexpected error in a resolver');
    return { message: 'internal error', path: formatted.path, extensions: { code: ErrorCode.INTERNAL } };
  };
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03']);

/** A lost or refused database connection (a PostgreSQL restart), anywhere in the error's causes. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error as { originalError?: unknown; cause?: unknown; code?: unknown; message?: unknown } | undefined, depth = 0; e && depth < 8; depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (CONNECTION_CODES.has(code) || code.startsWith('08')) return true;
    if (typeof e.message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(e.message)) return true;
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return false;
}

/** Builds (no I/O) a subgraph's Apollo server and the HTTP server around it. */
export function buildSubgraph<C extends BaseContext>(options: SubgraphOptions<C>): { apollo: ApolloServer<C>; http: http.Server; start: () => Promise<void> } {
  const apollo = new ApolloServer<C>({
    schema: buildSubgraphSchema([{ typeDefs: options.typeDefs, resolvers: options.resolvers as GraphQLResolverMap<unknown> }]),
    // No cache hints: every answer is no-store (sendGraphQLResponse), so working them out per field is waste.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled()],
    introspection: !options.production,
    // No "Did you mean …" in validation errors (maskError strips the rest, e.g. variables').
    hideSchemaDetailsFromClientErrors: options.production,
    includeStacktraceInErrorResponses: false,
    formatError: maskError(options.log, { production: options.production }),
    // The gateway talks JSON POST; no browser reaches a subgraph directly.
    csrfPrevention: true,
    // The gateway sends a client request's fetches that are ready at once as one request (a JSON
    // array, at most MAX_BATCH operations; createServiceServer refuses more). Only signed requests
    // get this far, and the operations share the request's caller and context.
    allowBatchedHttpRequests: true,
  });
  const acceptFrom = options.acceptFrom ?? [GATEWAY];
  const verifier = createRequestVerifier({ self: options.name, accept: Object.fromEntries(acceptFrom.map((from) => [from, options.signingSecret])) });
  const server = createServiceServer({ apollo, context: options.context, ready: options.ready, routes: options.routes, log: options.log, verifier, name: options.name });
  return { apollo, http: server, start: () => apollo.start() };
}
