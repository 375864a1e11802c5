import { Kind, TypeInfo, getNamedType, isInterfaceType, isObjectType, visit, visitWithTypeInfo, type DocumentNode, type FieldNode, type GraphQLCompositeType, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import type { PersonLevelRules } from '@saf/service';
import { IDENTIFIED, SUBJECT_FIELDS } from './personLevel.ts';

const BASE_ALIAS = '_auditId';

/**
 * Subject fields not asked for on a type, though they exist: a sweep page's persons are named, by
 * ID number, in its compact rows (found by shape), and repeating the page's 8,000 ids as a list
 * would cost every page for nothing.
 */
const LEFT_OUT = new Set(['SweepBatch.personIds']);

/** The fields naming subjects that the access log needs on `type`: `id` of a Person or Household, and its `personId`, `personIds`, `householdId`, `householdIds` on any person-level type. */
function subjectFieldsOf(rules: PersonLevelRules, type: GraphQLCompositeType): string[] {
  if (IDENTIFIED.has(type.name)) return ['id'];
  if (!rules.types.has(type.name) || !(isObjectType(type) || isInterfaceType(type))) return [];
  const fields = type.getFields();
  return [...SUBJECT_FIELDS].filter((name) => {
    const field = fields[name];
    return field && getNamedType(field.type).name === 'ID' && !LEFT_OUT.has(`${type.name}.${name}`);
  });
}

/** The alias of `field` under `alias`: the alias itself for `id` (a Person's or Household's), else `<alias>_<field>`. */
function aliasOf(alias: string, field: string): string {
  return field === 'id' ? alias : `${alias}_${field}`;
}

/** Whether the selection set asks for `name` itself, unconditionally (collectSubjects then finds it by name, under any alias). */
function selects(node: SelectionSetNode, name: string): boolean {
  return node.selections.some((s) => s.kind === Kind.FIELD && s.name.value === name && !s.directives?.length);
}

/**
 * The operation with the fields that name whose data it reads added, aliased, to every selection
 * of a person-level type that does not ask for them itself: `<alias>: id` on a Person or
 * Household, `<alias>_personIds: personIds` and `<alias>_householdId: householdId` on a finding,
 * `<alias>_personId: personId` on an award… So the access log learns whose data was read even
 * when a query asks only for names (`household { members { name } }`) or a finding's explanation
 * (`duplicateAidFindings { edges { node { explanation } } }`). A new document: the parsed one is
 * cached and shared. The alias is a prefix no response key of the document has; `stripAlias`
 * removes what it added from the response. When nothing had to be added (a sweep page selects its
 * household numbers itself), the document as it was and no alias: nothing to remove from a
 * response of tens of thousands of rows.
 */
export function selectSubjectIds(rules: PersonLevelRules, schema: GraphQLSchema, document: DocumentNode): { document: DocumentNode; alias: string | null } {
  const names = new Set<string>();
  visit(document, {
    Field(node) {
      names.add(node.alias?.value ?? node.name.value);
    },
  });
  let alias = BASE_ALIAS;
  for (let i = 2; [...names].some((n) => n === alias || n.startsWith(`${alias}_`)); i++) alias = `${BASE_ALIAS}${i}`;
  const field = (name: string): FieldNode => ({ kind: Kind.FIELD, alias: { kind: Kind.NAME, value: aliasOf(alias, name) }, name: { kind: Kind.NAME, value: name } });

  const typeInfo = new TypeInfo(schema);
  let added = false;
  const augmented = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet(node): SelectionSetNode | undefined {
        const type = typeInfo.getParentType();
        if (!type) return undefined;
        // A Person's or Household's id always (a client's own `id` may be aliased anything, and
        // the entry written early reads only what is added); the others when not asked for.
        const missing = subjectFieldsOf(rules, type).filter((name) => name === 'id' || !selects(node, name));
        if (!missing.length) return undefined;
        added = true;
        return { ...node, selections: [...node.selections, ...missing.map(field)] };
      },
    }),
  );
  return added ? { document: augmented, alias } : { document, alias: null };
}

/** Whether a response key is one `selectSubjectIds` added under `alias`. */
function isAdded(key: string, alias: string): boolean {
  return key === alias || (key.startsWith(alias) && key.charCodeAt(alias.length) === 95 /* _ */);
}

/** Removes what `selectSubjectIds` added, everywhere in the response data (in place). */
export function stripAlias(data: unknown, alias: string): void {
  if (Array.isArray(data)) {
    for (const item of data) stripAlias(item, alias);
  } else if (data && typeof data === 'object') {
    const object = data as Record<string, unknown>;
    for (const key of Object.keys(object)) if (isAdded(key, alias)) delete object[key];
    for (const value of Object.values(object)) if (value && typeof value === 'object') stripAlias(value, alias);
  }
}

/**
 * Every string under the added keys in a subgraph's answer (the ids the plugin asked for, before
 * stripAlias takes them out), and under the subject fields the client asked for itself
 * (`personIds`…), which it did not add again.
 */
export function collectAliased(data: unknown, alias: string, into: Set<string>): void {
  if (Array.isArray(data)) {
    for (const item of data) collectAliased(item, alias, into);
  } else if (data && typeof data === 'object') {
    for (const [key, value] of Object.entries(data)) {
      if (isAdded(key, alias) || SUBJECT_FIELDS.has(key)) {
        if (typeof value === 'string') into.add(value);
        else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') into.add(v);
      } else if (value && typeof value === 'object') collectAliased(value, alias, into);
    }
  }
}
