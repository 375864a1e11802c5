import {
  Kind,
  parse,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
  type InterfaceTypeDefinitionNode,
} from 'graphql';
import { SERVICES } from '@saf/config';
import type { Department } from '@saf/programmes';

/** 共享类型 (SPEC section 12). */
export const SHARING_CLASSES = ['UNCONDITIONAL', 'CONDITIONAL', 'NOT_SHARED'] as const;
export type SharingClass = (typeof SHARING_CLASSES)[number];
export const SENSITIVITIES = ['LOW', 'MEDIUM', 'HIGH'] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

/** One field of the graph as its owner declared it: a row of the catalogue (目录). */
export interface CatalogueEntry {
  /** `Type.field`. */
  coordinate: string;
  /** The subgraph that alone resolves it. */
  subgraph: string;
  /** Its department; null for the platform's own offices (coordination, audit). */
  department: Department | null;
  description: string;
  sharing: SharingClass;
  sensitivity: Sensitivity;
}

type TypeNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode | InterfaceTypeDefinitionNode;

/** The owner's `@sharing` mark among `directives`; null when there is none (or it is not a valid one). */
export function sharingOf(directives: readonly ConstDirectiveNode[] | undefined): { sharing: SharingClass; sensitivity: Sensitivity } | null {
  const d = directives?.find((x) => x.name.value === 'sharing');
  if (!d) return null;
  const arg = (name: string) => {
    const value = d.arguments?.find((a) => a.name.value === name)?.value;
    return value && value.kind === Kind.ENUM ? value.value : undefined;
  };
  const sharing = arg('class') as SharingClass | undefined;
  const sensitivity = arg('sensitivity') as Sensitivity | undefined;
  if (!sharing || !SHARING_CLASSES.includes(sharing) || !sensitivity || !SENSITIVITIES.includes(sensitivity)) return null;
  return { sharing, sensitivity };
}

const hasDirective = (directives: readonly ConstDirectiveNode[] | undefined, name: string) => directives?.some((d) => d.name.value === name) ?? false;
const isObjectLike = (def: DefinitionNode): def is TypeNode =>
  def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION || def.kind === Kind.INTERFACE_TYPE_DEFINITION;

/**
 * The fields a subgraph's schema defines without a sharing class (on the field, or on the type
 * that holds it), as `Type.field`: composition refuses them (npm run compose). Fields and types
 * marked `@external` are another subgraph's and classified there.
 */
export function unclassifiedFields(sdl: string | DocumentNode): string[] {
  const doc = typeof sdl === 'string' ? parse(sdl) : sdl;
  const out: string[] = [];
  for (const def of doc.definitions) {
    if (!isObjectLike(def) || hasDirective(def.directives, 'external')) continue;
    const typeClassified = sharingOf(def.directives) !== null;
    for (const field of def.fields ?? []) {
      if (hasDirective(field.directives, 'external')) continue;
      if (!typeClassified && !sharingOf(field.directives)) out.push(`${def.name.value}.${field.name.value}`);
    }
  }
  return out;
}

function enumArg(d: ConstDirectiveNode, name: string): string | undefined {
  const value = d.arguments?.find((a) => a.name.value === name)?.value;
  return value && value.kind === Kind.ENUM ? value.value : undefined;
}

function stringArg(d: ConstDirectiveNode, name: string): string | undefined {
  const value = d.arguments?.find((a) => a.name.value === name)?.value;
  return value && value.kind === Kind.STRING ? value.value : undefined;
}

function boolArg(d: ConstDirectiveNode, name: string): boolean {
  const value = d.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.BOOLEAN && value.value;
}

/**
 * The catalogue published by composition: every field of the supergraph that one subgraph alone
 * resolves, with the class and sensitivity its owner declared (`@sharing`, carried by
 * `@composeDirective`) and its description. Fields several subgraphs resolve (entity keys such as
 * `Person.id`, shared value types) belong to no one department and are not listed: they are read
 * under the field that leads to them.
 */
export function catalogueOf(supergraphSdl: string): Map<string, CatalogueEntry> {
  const doc = parse(supergraphSdl);
  const graphs = new Map<string, string>();
  for (const def of doc.definitions) {
    if (def.kind !== Kind.ENUM_TYPE_DEFINITION || def.name.value !== 'join__Graph') continue;
    for (const value of def.values ?? []) {
      const d = value.directives?.find((x) => x.name.value === 'join__graph');
      const name = d && stringArg(d, 'name');
      if (name) graphs.set(value.name.value, name);
    }
  }
  const departments = new Map(SERVICES.map((s) => [s.name, s.department]));
  const out = new Map<string, CatalogueEntry>();
  for (const def of doc.definitions) {
    if (!isObjectLike(def) || def.name.value.startsWith('join__') || def.name.value.startsWith('link__')) continue;
    const typeGraphs = (def.directives ?? []).filter((d) => d.name.value === 'join__type').map((d) => enumArg(d, 'graph')).filter((g): g is string => !!g);
    const typeSharing = sharingOf(def.directives);
    for (const field of def.fields ?? []) {
      const owners = ownersOf(field, typeGraphs);
      if (owners.length !== 1) continue;
      const subgraph = graphs.get(owners[0]!);
      const classified = sharingOf(field.directives) ?? typeSharing;
      if (!subgraph || !classified) continue;
      const coordinate = `${def.name.value}.${field.name.value}`;
      const description = (field.description?.value ?? ('description' in def ? def.description?.value : undefined) ?? coordinate).replace(/\s+/g, ' ').trim();
      out.set(coordinate, { coordinate, subgraph, department: departments.get(subgraph) ?? null, description, ...classified });
    }
  }
  return out;
}

function ownersOf(field: FieldDefinitionNode, typeGraphs: string[]): string[] {
  const joins = (field.directives ?? []).filter((d) => d.name.value === 'join__field');
  if (joins.length === 0) return typeGraphs;
  const owners = new Set<string>();
  for (const d of joins) {
    const graph = enumArg(d, 'graph');
    if (graph && !boolArg(d, 'external')) owners.add(graph);
  }
  return [...owners];
}
