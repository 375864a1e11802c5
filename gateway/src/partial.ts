import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from './context.ts';

const SUBGRAPH_CODES = new Set(['SUBGRAPH_UNAVAILABLE', 'SUBGRAPH_TIMEOUT', 'SUBGRAPH_ERROR']);

/**
 * A department that does not answer is named once: the plan may fetch from it several times (a
 * household's members, then its awards), and each failed fetch reports the same missing
 * department. Errors with a path (a field that failed) are left as they are.
 */
export function onePerMissingDepartment(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors;
          if (!errors || errors.length < 2) return;
          const seen = new Set<string>();
          response.body.singleResult.errors = errors.filter((error) => {
            const code = error.extensions?.code as string | undefined;
            if (!code || !SUBGRAPH_CODES.has(code) || error.path) return true;
            // One per department, whatever mix of codes its failed fetches had (the first wins).
            const key = String(error.extensions?.serviceName);
            if (seen.has(key)) return false;
            seen.add(key);
            return true;
          });
        },
      };
    },
  };
}
