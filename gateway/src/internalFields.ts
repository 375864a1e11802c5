import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from './context.ts';

/** Fields named so are our own services' (sweep pages, recipient lists for statistics), never a caller's. */
const INTERNAL_PREFIX = '_internal';

/** The first `_internal…` field the operation (or the one named) selects, through aliases and fragments; null if none. */
export function internalFieldOf(document: DocumentNode, operationName: string | null | undefined): string | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const seen = new Set<string>();
  const find = (set: SelectionSetNode): string | null => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith(INTERNAL_PREFIX)) return sel.name.value;
        const inner = sel.selectionSet && find(sel.selectionSet);
        if (inner) return inner;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const inner = find(sel.selectionSet);
        if (inner) return inner;
      } else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const fragment = fragments.get(sel.name.value);
        const inner = fragment && find(fragment.selectionSet);
        if (inner) return inner;
      }
    }
    return null;
  };
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION || (operationName && def.name?.value !== operationName)) continue;
    const found = find(def.selectionSet);
    if (found) return found;
  }
  return null;
}

/**
 * Refuses `_internal…` fields to callers' tokens before anything is planned: they serve our own
 * services (the coordination office's sweeps and statistics, signed requests: `context.internal`)
 * and are person-level in bulk, beyond what the access log or the cost limit are sized for. The
 * subgraphs check the caller's role as well; this keeps a caller from reaching them at all.
 * First among the plugins, so the refusal is FORBIDDEN whatever other limit the request breaks.
 */
export function internalFieldsPlugin(): ApolloServerPlugin<GatewayContext> {
  // Per parsed document and operation: the answer depends on nothing else.
  const known = new WeakMap<DocumentNode, Map<string, string | null>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, contextValue }) {
          if (contextValue.internal) return;
          let byOperation = known.get(document);
          if (!byOperation) known.set(document, (byOperation = new Map()));
          const key = request.operationName ?? '';
          let field = byOperation.get(key);
          if (field === undefined) byOperation.set(key, (field = internalFieldOf(document, request.operationName)));
          if (field) {
            throw new GraphQLError(`${field} is for the platform's own services, not for callers' tokens`, {
              extensions: { code: 'FORBIDDEN', field, http: { status: 403 } },
            });
          }
        },
      };
    },
  };
}
