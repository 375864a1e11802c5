import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type DocumentNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type GraphQLCompositeType,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from './context.ts';

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  /** List-size based cost: each field 1, a list multiplies what is under it by its `first` (or `assumedListSize`). */
  maxCost: number;
  assumedListSize: number;
}

export const DEFAULT_LIMITS: OperationLimits = { maxDepth: 12, maxAliases: 30, maxRootFields: 10, maxCost: 20_000, assumedListSize: 10 };

interface Measure {
  depth: number;
  aliases: number;
  cost: number;
}

function limitError(message: string, limit: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'OPERATION_LIMIT', limit, http: { status: 400 } } });
}

/** The errors an operation's shape earns against `limits` (none when it is within them). */
export function checkOperation(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, limits: OperationLimits): GraphQLError[] {
  {
    const errors: GraphQLError[] = [];
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

    /** The page size a field asks for (`first`/`last`, or the number of `ids`), if it names one. */
    const pageSize = (args: readonly { name: { value: string }; value: { kind: string; value?: unknown } }[]): number | null => {
      for (const a of args) {
        if (a.name.value === 'first' || a.name.value === 'last') return a.value.kind === Kind.INT ? Number(a.value.value) : limits.assumedListSize;
        if (a.name.value === 'ids' && a.value.kind === Kind.LIST) return (a.value as unknown as { values: unknown[] }).values.length;
      }
      return null;
    };

    // `paged`: the parent field was a connection given a page size, so its lists (edges) are that page.
    const measure = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType | undefined, depth: number, seen: Set<string>, paged = false): Measure => {
      const result: Measure = { depth, aliases: 0, cost: 0 };
      for (const sel of selectionSet.selections) {
        let sub: Measure | null = null;
        if (sel.kind === Kind.FIELD) {
          if (sel.alias) result.aliases++;
          const fieldDef: GraphQLField<unknown, unknown> | undefined = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[sel.name.value] : undefined;
          const type = fieldDef?.type as GraphQLOutputType | undefined;
          const isList = !!type && isListType(getNullableType(type));
          const page = pageSize(sel.arguments ?? []);
          const multiplier = page ?? (isList && !paged ? limits.assumedListSize : 1);
          if (sel.selectionSet) {
            const named = type ? getNamedType(type) : undefined;
            // A type reference's `ofType` chain (NonNull of List of …, what every introspection
            // query spells out) is one level however long: it is linear, never a fan-out.
            const level = sel.name.value === 'ofType' && parent?.name === '__Type' ? 0 : 1;
            sub = measure(sel.selectionSet, named as GraphQLCompositeType | undefined, depth + level, seen, page !== null && !isList);
            result.cost += 1 + multiplier * sub.cost;
          } else {
            result.cost += 1;
          }
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          const cond = sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) as GraphQLCompositeType | undefined) : parent;
          sub = measure(sel.selectionSet, cond, depth, seen, paged);
          result.cost += sub.cost;
        } else {
          const fragment = fragments.get(sel.name.value);
          if (!fragment || seen.has(fragment.name.value)) continue; // cycles are another rule's error
          const cond = schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType | undefined;
          sub = measure(fragment.selectionSet, cond, depth, new Set([...seen, fragment.name.value]), paged);
          result.cost += sub.cost;
        }
        if (sub) {
          result.depth = Math.max(result.depth, sub.depth);
          result.aliases += sub.aliases;
        }
      }
      return result;
    };

    for (const node of document.definitions) {
      if (node.kind !== Kind.OPERATION_DEFINITION) continue;
      if (operationName && node.name?.value !== operationName) continue;
      const root = node.operation === 'mutation' ? schema.getMutationType() : node.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
      const rootFields = node.selectionSet.selections.length;
      if (rootFields > limits.maxRootFields) errors.push(limitError(`at most ${limits.maxRootFields} root fields per operation, got ${rootFields}`, 'rootFields'));
      const m = measure(node.selectionSet, root ?? undefined, 0, new Set());
      if (m.depth > limits.maxDepth) errors.push(limitError(`the operation is ${m.depth} levels deep; at most ${limits.maxDepth}`, 'depth'));
      if (m.aliases > limits.maxAliases) errors.push(limitError(`at most ${limits.maxAliases} aliases per operation, got ${m.aliases}`, 'aliases'));
      if (m.cost > limits.maxCost) errors.push(limitError(`the operation would cost about ${m.cost}; at most ${limits.maxCost} (ask for smaller pages)`, 'cost'));
    }
    return errors;
  }
}

/**
 * Refuses operations that would make the gateway and departments do unbounded work: too deep,
 * too many aliases (batching one expensive field), too many root fields, or too costly by list
 * size; before anything is planned or fetched. Our own services' signed calls (the coordination
 * office's sweep pages) are trusted with bigger pages and skip the cost limit.
 */
export function operationLimitsPlugin(limits: OperationLimits): ApolloServerPlugin<GatewayContext> {
  const trusted = { ...limits, maxCost: Number.POSITIVE_INFINITY };
  // The verdict depends only on the operation and the schema: measured once per parsed document
  // (Apollo Server keeps one per query text), not walked again on every request. Errors are made
  // anew for each request, since Apollo Server adds to the ones it is given.
  const verdicts = new WeakMap<DocumentNode, { schema: GraphQLSchema; byKey: Map<string, { message: string; limit: string }[]> }>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, schema, request, contextValue }) {
          let entry = verdicts.get(document);
          if (!entry || entry.schema !== schema) verdicts.set(document, (entry = { schema, byKey: new Map() }));
          const key = `${contextValue.internal ? 'internal' : 'client'}:${request.operationName ?? ''}`;
          let found = entry.byKey.get(key);
          if (!found) {
            const errors = checkOperation(schema, document, request.operationName, contextValue.internal ? trusted : limits);
            entry.byKey.set(key, (found = errors.map((e) => ({ message: e.message, limit: String(e.extensions.limit) }))));
          }
          if (found.length) throw limitError(found[0]!.message, found[0]!.limit);
        },
      };
    },
  };
}
