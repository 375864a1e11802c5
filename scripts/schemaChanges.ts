/**
 * What a new supergraph changes for clients: its API schema (what clients can query, without the
 * federation machinery) against the committed one, with graphql-js's `findBreakingChanges`, and
 * which subgraphs' parts of the supergraph changed. Pure functions of the SDL texts.
 */
import {
  Kind,
  buildASTSchema,
  findBreakingChanges,
  findDangerousChanges,
  parse,
  print,
  visit,
  type ASTNode,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';

export interface SchemaChange {
  /** Stable: `TYPE description`, e.g. `FIELD_REMOVED Person.labourAwards was removed.` */
  id: string;
  type: string;
  description: string;
}

/** Directives a client sees in the API schema; every other one is federation machinery. */
const CLIENT_DIRECTIVES = new Set(['deprecated', 'specifiedBy', 'oneOf']);

/**
 * The API schema of a supergraph, as `Supergraph.apiSchema()` would give it: the supergraph SDL
 * without the linked specs' types and directives (`join__*`, `link__*`, …) and without the
 * `@inaccessible` elements. Checked against Apollo's own in scripts/test/compose.test.ts.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  const document = parse(supergraphSdl);
  const { prefixes, inaccessible } = linkedSpecs(document);
  const internal = (name: string) => prefixes.some((p) => name.startsWith(`${p}__`));
  const hidden = (node: { directives?: readonly ConstDirectiveNode[] }) => node.directives?.some((d) => d.name.value === inaccessible) ?? false;
  const api = visit(document, {
    enter(node: ASTNode) {
      if (node.kind === Kind.DIRECTIVE_DEFINITION) return null;
      if ('directives' in node && node.kind !== Kind.SCHEMA_DEFINITION && hidden(node as { directives?: readonly ConstDirectiveNode[] })) return null;
      if (isTypeDefinition(node) && internal(node.name.value)) return null;
      if (node.kind === Kind.DIRECTIVE && !CLIENT_DIRECTIVES.has(node.name.value)) return null;
      return undefined;
    },
  });
  return buildASTSchema(api);
}

/** The namespaces of the specs the supergraph links (`join`, `link`, …) and the local name of `@inaccessible`. */
function linkedSpecs(document: DocumentNode): { prefixes: string[]; inaccessible: string } {
  const prefixes = ['link', 'join'];
  let inaccessible = 'inaccessible';
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'link') continue;
      const url = stringArgument(directive, 'url');
      const spec = url?.match(/\/([A-Za-z][\w-]*)\/v\d+\.\d+$/)?.[1];
      if (!spec) continue;
      const local = stringArgument(directive, 'as') ?? spec;
      prefixes.push(local);
      if (spec === 'inaccessible') inaccessible = local;
    }
  }
  return { prefixes, inaccessible };
}

function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : value?.kind === Kind.ENUM ? value.value : undefined;
}

type NamedDefinition = Extract<DefinitionNode, { name: { value: string } }> & { directives?: readonly ConstDirectiveNode[] };

function isTypeDefinition(node: ASTNode): node is Extract<NamedDefinition, { kind: TypeKind }> {
  return TYPE_KINDS.has(node.kind);
}
type TypeKind =
  | Kind.OBJECT_TYPE_DEFINITION
  | Kind.INTERFACE_TYPE_DEFINITION
  | Kind.INPUT_OBJECT_TYPE_DEFINITION
  | Kind.ENUM_TYPE_DEFINITION
  | Kind.UNION_TYPE_DEFINITION
  | Kind.SCALAR_TYPE_DEFINITION;
const TYPE_KINDS = new Set<string>([
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_DEFINITION,
  Kind.INPUT_OBJECT_TYPE_DEFINITION,
  Kind.ENUM_TYPE_DEFINITION,
  Kind.UNION_TYPE_DEFINITION,
  Kind.SCALAR_TYPE_DEFINITION,
]);

/**
 * The changes from `before` to `after` (supergraph SDL texts) that can break a client that works
 * today: a removed type, field, argument or enum value, a changed field type, a new required
 * argument or input field, nullable→non-null on an input, non-null→nullable on an output… and
 * the dangerous ones (a new enum value, a changed default) that are reported but allowed.
 */
export function diffSupergraphs(before: string, after: string): { breaking: SchemaChange[]; dangerous: SchemaChange[] } {
  const old = apiSchemaOf(before);
  const next = apiSchemaOf(after);
  const change = (c: { type: string; description: string }): SchemaChange => ({ id: `${c.type} ${c.description}`, type: c.type, description: c.description });
  return { breaking: findBreakingChanges(old, next).map(change), dangerous: findDangerousChanges(old, next).map(change) };
}

/** One acknowledgement line of gateway/schema-changes.md: ``- `TYPE` description``. */
export function acknowledgementLine(change: SchemaChange): string {
  return `- \`${change.type}\` ${change.description}`;
}

/** The change ids an acknowledgements file lists (its ``- `TYPE` description`` lines). */
export function acknowledgedIds(markdown: string): Set<string> {
  const ids = new Set<string>();
  for (const match of markdown.matchAll(/^\s*[-*] `([A-Z_]+)` (.+?)\s*$/gm)) ids.add(`${match[1]} ${match[2]}`);
  return ids;
}

/**
 * The subgraphs (by name) whose part of the supergraph differs between `before` and `after`:
 * their types, fields, arguments, enum values, keys and `@requires`, as the supergraph's `join__`
 * directives attribute them. A subgraph present in only one of the two counts as changed.
 */
export function changedSubgraphs(before: string, after: string): string[] {
  const old = subgraphFingerprints(before);
  const next = subgraphFingerprints(after);
  const names = new Set([...old.keys(), ...next.keys()]);
  return [...names].filter((name) => old.get(name) !== next.get(name)).sort();
}

/** For each subgraph of a supergraph, the sorted lines describing what it contributes. */
export function subgraphFingerprints(supergraphSdl: string): Map<string, string> {
  const document = parse(supergraphSdl);
  const { prefixes } = linkedSpecs(document);
  const graphNames = new Map<string, string>();
  const lines = new Map<string, string[]>();
  const add = (graph: string, line: string) => {
    const name = graphNames.get(graph) ?? graph;
    lines.set(name, [...(lines.get(name) ?? []), line]);
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'join__Graph') {
      for (const value of definition.values ?? []) {
        const graph = value.directives?.find((d) => d.name.value === 'join__graph');
        graphNames.set(value.name.value, (graph && stringArgument(graph, 'name')) ?? value.name.value);
      }
    }
  }
  for (const definition of document.definitions) {
    if (!isTypeDefinition(definition) || prefixes.some((p) => definition.name.value.startsWith(`${p}__`))) continue;
    const typeName = definition.name.value;
    const typeGraphs = joins(definition.directives, 'join__type');
    for (const { graph, directive } of typeGraphs) add(graph, `${definition.kind} ${typeName} ${describe(definition)} ${print(directive)}`);
    const allGraphs = typeGraphs.map((t) => t.graph);
    for (const { graph, directive } of joins(definition.directives, 'join__implements')) add(graph, `${typeName} ${print(directive)}`);
    for (const { graph, directive } of joins(definition.directives, 'join__unionMember')) add(graph, `${typeName} ${print(directive)}`);
    const members = [
      ...('fields' in definition ? (definition.fields ?? []) : []),
      ...('values' in definition ? (definition.values ?? []) : []),
    ] as Array<{ name: { value: string }; directives?: readonly ConstDirectiveNode[] } & ASTNode>;
    for (const member of members) {
      const memberJoins = joins(member.directives, member.kind === Kind.ENUM_VALUE_DEFINITION ? 'join__enumValue' : 'join__field');
      const owners = memberJoins.some((j) => j.graph) ? memberJoins.filter((j) => j.graph) : allGraphs.map((graph) => ({ graph, directive: undefined }));
      const text = `${typeName}.${withoutDirectives(member)}`;
      for (const { graph, directive } of owners) add(graph, directive ? `${text} ${print(directive)}` : text);
    }
  }
  return new Map([...lines].map(([name, list]) => [name, list.sort().join('\n')]));
}

function joins(directives: readonly ConstDirectiveNode[] | undefined, name: string): Array<{ graph: string; directive: ConstDirectiveNode }> {
  return (directives ?? [])
    .filter((d) => d.name.value === name)
    .map((directive) => ({ graph: stringArgument(directive, 'graph') ?? '', directive }))
    .filter((j) => j.graph !== '' || name === 'join__field');
}

function describe(node: ASTNode): string {
  return 'description' in node && node.description ? JSON.stringify(node.description.value) : '';
}

function withoutDirectives(node: ASTNode): string {
  return print(visit(node, { Directive: () => null })).replace(/\s+/g, ' ');
}
