import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type GraphQLCompositeType,
  type ValueNode,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from './context.ts';
import { LIST_SIZES, SIZE_ARGUMENTS, UNKNOWN_LIST_MAX } from './listSizes.ts';

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  /**
   * List-size based cost: each field 1, a list multiplies what is under it by its length: the
   * size the caller asks for (literal, variable, variable default or argument default), capped at
   * the list's maximum (listSizes.ts) and counted at that maximum when unknown; a list whose
   * length is the data's (a household's members, a person's awards) by `assumedListSize`.
   */
  maxCost: number;
  assumedListSize: number;
}

export const DEFAULT_LIMITS: OperationLimits = { maxDepth: 12, maxAliases: 30, maxRootFields: 10, maxCost: 20_000, assumedListSize: 10 };

/** A list length the operation leaves to its variables. */
interface VariableSize {
  /** The size argument as written: a variable, or a literal list or object with variables in it. */
  node: ValueNode;
  counts: 'value' | 'items';
  /** The operation's defaults for its variables. */
  defaults: ReadonlyMap<string, ValueNode>;
  /** The length when the argument ends up absent (the schema's default, or the maximum). */
  absent: number;
  /** The length of a value that sets none (null, negative, not a number). */
  unknown: number;
  /** The most the list holds whatever is asked (Infinity when not known). */
  cap: number;
}

/** What an operation costs: `fixed` plus, for each list sized by a variable, `factor × length × inner`. */
interface Cost {
  fixed: number;
  scaled: { factor: number; size: VariableSize; inner: Cost }[];
}

const ZERO: Cost = { fixed: 0, scaled: [] };

function add(a: Cost, b: Cost): Cost {
  return { fixed: a.fixed + b.fixed, scaled: a.scaled.length ? (b.scaled.length ? [...a.scaled, ...b.scaled] : a.scaled) : b.scaled };
}

function scale(cost: Cost, by: number): Cost {
  return by === 1 ? cost : { fixed: cost.fixed * by, scaled: cost.scaled.map((s) => ({ ...s, factor: s.factor * by })) };
}

/** The length a size argument's value gives (`first: 20`, `ids: [a, b]`), within the list's cap. */
function lengthOf(value: unknown, size: Pick<VariableSize, 'counts' | 'unknown' | 'cap'>): number {
  let length: number;
  if (size.counts === 'items') length = Array.isArray(value) ? value.length : value === null || value === undefined ? size.unknown : 1;
  else length = typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : size.unknown;
  return Math.min(length, size.cap);
}

function variableLength(size: VariableSize, variables: Readonly<Record<string, unknown>>): number {
  if (size.node.kind === Kind.VARIABLE) {
    const name = size.node.name.value;
    // A variable the request gives (even as null) is its value; one it leaves out takes the
    // operation's default, or leaves the argument absent (the schema's default applies).
    if (Object.hasOwn(variables, name)) return lengthOf(variables[name], size);
    const fallback = size.defaults.get(name);
    return fallback ? lengthOf(valueFromASTUntyped(fallback), size) : size.absent;
  }
  return lengthOf(valueFromASTUntyped(size.node, variables), size);
}

/** The operation's cost with these variables. */
export function costWith(cost: Cost, variables: Readonly<Record<string, unknown>> | null | undefined): number {
  let total = cost.fixed;
  for (const s of cost.scaled) total += s.factor * variableLength(s.size, variables ?? {}) * costWith(s.inner, variables);
  return total;
}

function hasVariable(node: ValueNode): boolean {
  if (node.kind === Kind.VARIABLE) return true;
  if (node.kind === Kind.LIST) return node.values.some(hasVariable);
  if (node.kind === Kind.OBJECT) return node.fields.some((f) => hasVariable(f.value));
  return false;
}

/** A limit an operation breaks, and how. */
interface Breach {
  message: string;
  limit: string;
}

/** What the limits make of one operation, measured once per document. */
export interface OperationVerdict {
  breaches: Breach[];
  /** Its cost, to be weighed with each request's variables. */
  cost: Cost;
}

function limitError(message: string, limit: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'OPERATION_LIMIT', limit, http: { status: 400 } } });
}

function costBreach(cost: number, limits: OperationLimits): Breach | null {
  if (cost <= limits.maxCost) return null;
  return { message: `the operation would cost about ${cost}; at most ${limits.maxCost} (ask for smaller pages; a list of unknown size counts at its maximum)`, limit: 'cost' };
}

/** Measures each operation of the document (or the one named) against `limits`, without its variables. */
export function measureOperations(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, limits: OperationLimits): OperationVerdict[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const verdicts: OperationVerdict[] = [];
  for (const node of document.definitions) {
    if (node.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName && node.name?.value !== operationName) continue;
    verdicts.push(measureOperation(schema, node, fragments, limits));
  }
  return verdicts;
}

function measureOperation(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>, limits: OperationLimits): OperationVerdict {
  const defaults = new Map<string, ValueNode>();
  for (const v of operation.variableDefinitions ?? []) if (v.defaultValue) defaults.set(v.variable.name.value, v.defaultValue);

  /**
   * How many items a field's list holds, as far as the document says: a number, a variable size,
   * or null when it names no size (then its type says: a list counts `assumedListSize`).
   */
  const sizeOf = (sel: FieldNode, parent: GraphQLCompositeType | undefined, field: GraphQLField<unknown, unknown> | undefined): number | VariableSize | null => {
    const listed = parent ? LIST_SIZES[`${parent.name}.${sel.name.value}`] : undefined;
    // Another supergraph's field of the same name but other arguments is not the one listed.
    const known = listed && (!listed.argument || !field || field.args.some((a) => a.name === listed.argument!.name)) ? listed : undefined;
    let name: string;
    let counts: 'value' | 'items';
    let cap: number;
    let unknown: number;
    if (known) {
      if (!known.argument) return known.max;
      ({ name, counts } = known.argument);
      cap = known.max;
      unknown = known.max;
    } else {
      // A field of another supergraph sized by convention: counted as asked, or at UNKNOWN_LIST_MAX.
      const conventional = sel.arguments?.map((a) => a.name.value).find((n) => SIZE_ARGUMENTS[n]) ?? field?.args.map((a) => a.name).find((n) => SIZE_ARGUMENTS[n]);
      if (!conventional) return null;
      name = conventional;
      counts = SIZE_ARGUMENTS[name]!;
      cap = Number.POSITIVE_INFINITY;
      unknown = UNKNOWN_LIST_MAX;
    }
    const schemaDefault = field?.args.find((a) => a.name === name)?.defaultValue;
    const absent = schemaDefault === undefined ? unknown : lengthOf(schemaDefault, { counts, unknown, cap });
    const given = sel.arguments?.find((a) => a.name.value === name)?.value;
    if (!given) return absent;
    const size: VariableSize = { node: given, counts, defaults, absent, unknown, cap };
    return hasVariable(given) ? size : variableLength(size, {});
  };

  // `paged`: the parent field was a connection given a page size, so its lists (edges) are that page.
  const measure = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType | undefined, depth: number, seen: Set<string>, paged = false): { depth: number; aliases: number; cost: Cost } => {
    const result = { depth, aliases: 0, cost: ZERO };
    for (const sel of selectionSet.selections) {
      let sub: { depth: number; aliases: number; cost: Cost } | null = null;
      if (sel.kind === Kind.FIELD) {
        if (sel.alias) result.aliases++;
        const fieldDef: GraphQLField<unknown, unknown> | undefined = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[sel.name.value] : undefined;
        const type = fieldDef?.type as GraphQLOutputType | undefined;
        const isList = !!type && isListType(getNullableType(type));
        const size = sizeOf(sel, parent, fieldDef);
        if (sel.selectionSet) {
          const named = type ? getNamedType(type) : undefined;
          // A type reference's `ofType` chain (NonNull of List of …, what every introspection
          // query spells out) is one level however long: it is linear, never a fan-out.
          const level = sel.name.value === 'ofType' && parent?.name === '__Type' ? 0 : 1;
          sub = measure(sel.selectionSet, named as GraphQLCompositeType | undefined, depth + level, seen, size !== null && !isList);
          const multiplier = size ?? (isList && !paged ? limits.assumedListSize : 1);
          const under = typeof multiplier === 'number' ? scale(sub.cost, multiplier) : { fixed: 0, scaled: [{ factor: 1, size: multiplier, inner: sub.cost }] };
          result.cost = add(result.cost, add({ fixed: 1, scaled: [] }, under));
        } else {
          result.cost = add(result.cost, { fixed: 1, scaled: [] });
        }
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) as GraphQLCompositeType | undefined) : parent;
        sub = measure(sel.selectionSet, cond, depth, seen, paged);
        result.cost = add(result.cost, sub.cost);
      } else {
        const fragment = fragments.get(sel.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue; // cycles are another rule's error
        const cond = schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType | undefined;
        sub = measure(fragment.selectionSet, cond, depth, new Set([...seen, fragment.name.value]), paged);
        result.cost = add(result.cost, sub.cost);
      }
      if (sub) {
        result.depth = Math.max(result.depth, sub.depth);
        result.aliases += sub.aliases;
      }
    }
    return result;
  };

  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  const breaches: Breach[] = [];
  const rootFields = operation.selectionSet.selections.length;
  if (rootFields > limits.maxRootFields) breaches.push({ message: `at most ${limits.maxRootFields} root fields per operation, got ${rootFields}`, limit: 'rootFields' });
  const m = measure(operation.selectionSet, root ?? undefined, 0, new Set());
  if (m.depth > limits.maxDepth) breaches.push({ message: `the operation is ${m.depth} levels deep; at most ${limits.maxDepth}`, limit: 'depth' });
  if (m.aliases > limits.maxAliases) breaches.push({ message: `at most ${limits.maxAliases} aliases per operation, got ${m.aliases}`, limit: 'aliases' });
  return { breaches, cost: m.cost };
}

/** The limits a request breaks: the operation's shape, and its cost with the request's variables. */
function breachesOf(verdicts: readonly OperationVerdict[], variables: Readonly<Record<string, unknown>> | null | undefined, limits: OperationLimits): Breach[] {
  const out: Breach[] = [];
  for (const v of verdicts) {
    out.push(...v.breaches);
    const cost = Number.isFinite(limits.maxCost) ? costBreach(costWith(v.cost, variables), limits) : null;
    if (cost) out.push(cost);
  }
  return out;
}

/** The errors an operation earns against `limits` with these variables (none when it is within them). */
export function checkOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  limits: OperationLimits,
  variables?: Readonly<Record<string, unknown>> | null,
): GraphQLError[] {
  return breachesOf(measureOperations(schema, document, operationName, limits), variables, limits).map((b) => limitError(b.message, b.limit));
}

/**
 * Refuses operations that would make the gateway and departments do unbounded work: too deep,
 * too many aliases (batching one expensive field), too many root fields, or too costly by list
 * size, with the request's variables; before anything is planned or fetched. Our own services'
 * signed calls (the coordination office's sweep pages) are trusted with bigger pages and skip
 * the cost limit.
 */
export function operationLimitsPlugin(limits: OperationLimits): ApolloServerPlugin<GatewayContext> {
  const trusted = { ...limits, maxCost: Number.POSITIVE_INFINITY };
  // The shape and the cost's form depend only on the operation and the schema: measured once per
  // parsed document (Apollo Server keeps one per query text), not walked again on every request;
  // each request only weighs the sizes its variables set. Errors are made anew for each request,
  // since Apollo Server adds to the ones it is given.
  const measured = new WeakMap<DocumentNode, { schema: GraphQLSchema; byKey: Map<string, OperationVerdict[]> }>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, schema, request, contextValue }) {
          let entry = measured.get(document);
          if (!entry || entry.schema !== schema) measured.set(document, (entry = { schema, byKey: new Map() }));
          const applied = contextValue.internal ? trusted : limits;
          const key = `${contextValue.internal ? 'internal' : 'client'}:${request.operationName ?? ''}`;
          let verdicts = entry.byKey.get(key);
          if (!verdicts) entry.byKey.set(key, (verdicts = measureOperations(schema, document, request.operationName, applied)));
          const found = breachesOf(verdicts, request.variables, applied);
          if (found.length) throw limitError(found[0]!.message, found[0]!.limit);
        },
      };
    },
  };
}
