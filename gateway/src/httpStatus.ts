import type { ApolloServerPlugin } from '@apollo/server';

/** A request the server could not run as written: parsing, validation, variable coercion. */
const REQUEST_ERRORS = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);

/**
 * GraphQL over HTTP: a client that accepts only the legacy `application/json` (or says nothing)
 * reads errors from the body and SHOULD get 200 for a document that does not parse or validate
 * and for variables that do not coerce; a client that accepts
 * `application/graphql-response+json` gets the 4xx, as Apollo Server answers by default. Our own
 * refusals (operation limits, a missing purpose, limits per caller) keep their status: they are
 * the gateway's policy, not a malformed request, and clients and balancers act on them.
 */
export function legacyJsonStatusPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response }) {
          if (response.http.status !== 400 || response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (data !== undefined || !errors?.length) return;
          if (!errors.every((e) => REQUEST_ERRORS.has(String(e.extensions?.code)))) return;
          if ((request.http?.headers.get('accept') ?? '').includes('application/graphql-response+json')) return;
          response.http.status = 200;
        },
      };
    },
  };
}
