import {
  BREAK,
  Kind,
  TypeInfo,
  getNamedType,
  getOperationAST,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  separateOperations,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { parseResidentId } from '@saf/identity';
import type { PersonLevelRules } from '@saf/service';

/*
 * What counts as reading a person's or household's data (SPEC section 8) is what the owners
 * declare in their schemas (`@sharing(…, sensitivity: MEDIUM | HIGH)`), read from the supergraph
 * once per load (`personLevelRules`, packages/service/src/personLevel.ts): a department's new type
 * about people is person-level because it says so, and an aggregate whatever its name.
 */

/** Types whose `id` is a subject wherever it stands (a household number has no recognisable shape). */
export const IDENTIFIED = new Set(['Person', 'Household']);
/**
 * Fields that name a person or household wherever they stand: an award's `personId`, a finding's
 * `personIds` and `householdId`, a coverage gap's `householdIds`… (auditSelection.ts asks for
 * them on every person-level type that has them, so a read is logged under everyone it concerns).
 */
export const SUBJECT_FIELDS = new Set(['personId', 'personIds', 'householdId', 'householdIds']);
/**
 * Fields whose text is a file naming persons (a payment roll's bank file, CSV): the resident IDs
 * written in it are the read's subjects, though no one of them is a value of its own.
 */
const FILE_FIELDS = new Set(['PaymentRoll.bankFile']);
/** Root fields whose id arguments are household numbers (not recognisable by shape, unlike resident IDs). */
const HOUSEHOLD_ID_ARGS: Record<string, string> = { household: 'id', households: 'ids' };

/** Cheap shape test first: most strings in a response are not 18 characters of digits. */
const ID_SHAPE = /^\d{17}[\dX]$/;
export function isResidentId(value: string): boolean {
  return value.length === 18 && ID_SHAPE.test(value) && parseResidentId(value).ok;
}

/** The operation to run and only the fragments it uses (a document may hold several operations). */
function selected(document: DocumentNode, operationName?: string | null): { operation: OperationDefinitionNode; document: DocumentNode } | null {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return null;
  const own = separateOperations(document)[operation.name?.value ?? ''];
  return { operation, document: own ?? document };
}

/**
 * A composite type about persons under `rules`, or one they do not know (served before its rules:
 * fail closed). The introspection types (`__Type`, `__Schema`…) describe the schema, never a person.
 */
function aboutPersons(rules: PersonLevelRules, name: string): boolean {
  return rules.types.has(name) || (!rules.known.has(name) && !name.startsWith('__'));
}

/**
 * Whether the operation touches person-level data (`rules`): anywhere, fragments included, a
 * selected field of a person-level type, or one that returns such a type, or a scalar field its
 * owner marks MEDIUM or HIGH (`CoverageGapCount.householdIds`, `_internalCertificateHolders`).
 */
export function isPersonLevel(rules: PersonLevelRules, schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): boolean {
  const op = selected(document, operationName);
  if (!op) return false;
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    op.document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const type = typeInfo.getType();
        const parent = typeInfo.getParentType();
        // A field of a person-level type (reached through a fragment on an interface) reads it too.
        const named = type ? getNamedType(type) : null;
        found =
          (!!named && isCompositeType(named) && aboutPersons(rules, named.name)) ||
          (!!parent && (aboutPersons(rules, parent.name) || rules.fields.has(`${parent.name}.${node.name.value}`)));
        return found ? BREAK : undefined;
      },
    }),
  );
  return found;
}

/** Whether the operation asks one of our services to read person-level data for the caller: a mutation its owner marks MEDIUM or HIGH (`rules.actions`, a sweep). */
export function startsPersonLevelWork(rules: PersonLevelRules, schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): boolean {
  const op = selected(document, operationName);
  const root = op && schema.getRootType(op.operation.operation);
  if (!op || !root) return false;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of op.document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  // Root selections, through fragments on the root type.
  const stack: SelectionSetNode[] = [op.operation.selectionSet];
  const seen = new Set<string>();
  while (stack.length) {
    for (const selection of stack.pop()!.selections) {
      if (selection.kind === Kind.FIELD) {
        if (rules.actions.has(`${root.name}.${selection.name.value}`)) return true;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        stack.push(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) stack.push(fragment.selectionSet);
      }
    }
  }
  return false;
}

/**
 * The ids of the persons and households an operation read: every resident ID number in the
 * variables, the arguments and the response data (the check character makes a false match
 * negligible), the `id` of every Person and Household in the response and every `householdId`,
 * and the id arguments of `household` / `households`. Sorted, without repeats.
 */
export function collectSubjects(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | null | undefined, data: unknown, operationName?: string | null): string[] {
  const out = new Set<string>();
  const vars = variables ?? {};
  residentIdsIn(vars, out);
  residentIdsIn(data, out);
  const op = selected(document, operationName);
  if (!op) return [...out].sort();

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of op.document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  argumentSubjects(op.document, schema, vars, out);

  const root = schema.getRootType(op.operation.operation);
  if (root && data && typeof data === 'object') new ResponseWalk(schema, fragments, out).selectionSet(op.operation.selectionSet, root, data);
  return [...out].sort();
}

function residentIdsIn(value: unknown, out: Set<string>): void {
  if (typeof value === 'string') {
    // A person named many times in one response (a sweep page names each in several awards) is checked once.
    if (value.length === 18 && !out.has(value) && isResidentId(value)) out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) residentIdsIn(v, out);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) residentIdsIn(v, out);
  }
}

/** Resident IDs written into the operation itself, and the household ids `household`/`households` are asked for. */
function argumentSubjects(document: DocumentNode, schema: GraphQLSchema, variables: Record<string, unknown>, out: Set<string>): void {
  const typeInfo = new TypeInfo(schema);
  const query = schema.getQueryType();
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      StringValue(node) {
        if (isResidentId(node.value)) out.add(node.value);
      },
      Argument(node) {
        const field = typeInfo.getParentType() === query ? typeInfo.getFieldDef() : null;
        if (field && HOUSEHOLD_ID_ARGS[field.name] === node.name.value) addStrings(valueOf(node.value, variables), out);
      },
    }),
  );
}

function valueOf(node: ValueNode, variables: Record<string, unknown>): unknown {
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.STRING) return node.value;
  if (node.kind === Kind.LIST) return node.values.map((v) => valueOf(v, variables));
  return undefined;
}

function addStrings(value: unknown, out: Set<string>): void {
  if (typeof value === 'string' && value !== '') out.add(value);
  else if (Array.isArray(value)) for (const v of value) addStrings(v, out);
}

/**
 * Finds the person and household ids in the response by where they stand (a household number has
 * no recognisable shape): walks the data alongside the operation; response keys are aliases where given, and
 * fragments apply when their type condition matches the object (by `__typename` when the field
 * is abstract and selected it; otherwise the fragment is assumed to apply).
 */
class ResponseWalk {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
    private readonly out: Set<string>,
  ) {}

  selectionSet(selectionSet: SelectionSetNode, type: GraphQLCompositeType, value: unknown): void {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const item of value) this.selectionSet(selectionSet, type, item);
      return;
    }
    if (typeof value !== 'object') return;
    const object = value as Record<string, unknown>;
    const runtime = this.runtimeType(type, object);
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const fieldValue = object[key];
        if (fieldValue === undefined || fieldValue === null) continue;
        const name = selection.name.value;
        if ((name === 'id' && IDENTIFIED.has(runtime.name)) || SUBJECT_FIELDS.has(name)) addStrings(fieldValue, this.out);
        if (typeof fieldValue === 'string' && FILE_FIELDS.has(`${runtime.name}.${name}`)) {
          for (const [candidate] of fieldValue.matchAll(/(?<![0-9A-Za-z])[0-9]{17}[0-9X](?![0-9A-Za-z])/g)) if (isResidentId(candidate)) this.out.add(candidate);
        }
        if (!selection.selectionSet) continue;
        const field = isObjectType(runtime) || isInterfaceType(runtime) ? runtime.getFields()[name] : undefined;
        const named = field ? getNamedType(field.type) : undefined;
        if (named && isCompositeType(named)) this.selectionSet(selection.selectionSet, named, fieldValue);
      } else {
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : this.fragments.get(selection.name.value);
        if (!fragment) continue;
        const condition = fragment.typeCondition ? this.schema.getType(fragment.typeCondition.name.value) : runtime;
        if (!condition || !isCompositeType(condition) || !this.applies(condition, runtime)) continue;
        this.selectionSet(fragment.selectionSet, isAbstractType(runtime) ? condition : runtime, object);
      }
    }
  }

  /** The object's concrete type when the schema or its `__typename` says; else the static type. */
  private runtimeType(type: GraphQLCompositeType, object: Record<string, unknown>): GraphQLCompositeType {
    if (!isAbstractType(type)) return type;
    const named = typeof object.__typename === 'string' ? this.schema.getType(object.__typename) : undefined;
    return named && isObjectType(named) ? named : type;
  }

  private applies(condition: GraphQLCompositeType, runtime: GraphQLCompositeType): boolean {
    if (condition === runtime || isAbstractType(runtime)) return true;
    return isAbstractType(condition) && isObjectType(runtime) && this.schema.isSubType(condition, runtime);
  }
}
