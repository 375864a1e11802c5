import { Kind, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type FieldNode, type GraphQLSchema, type SelectionSetNode } from 'graphql';

/** Whose ids the access log needs even when the client did not select them. */
const IDENTIFIED_TYPES = new Set(['Person', 'Household']);
const BASE_ALIAS = '_auditId';

/**
 * The operation with `<alias>: id` added to every selection of a Person or Household, so the
 * access log learns whose data was read even when a query asks only for names
 * (`household { members { name } }`). A new document: the parsed one is cached and shared. The
 * alias is one the document does not use; `stripAlias` removes it from the response. When the
 * operation selects no Person or Household (a sweep page's rows), the document as it was and no
 * alias: nothing to remove from a response of tens of thousands of rows.
 */
export function selectSubjectIds(schema: GraphQLSchema, document: DocumentNode): { document: DocumentNode; alias: string | null } {
  const names = new Set<string>();
  visit(document, {
    Field(node) {
      names.add(node.alias?.value ?? node.name.value);
    },
  });
  let alias = BASE_ALIAS;
  for (let i = 2; names.has(alias); i++) alias = `${BASE_ALIAS}${i}`;
  const field: FieldNode = { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: alias }, name: { kind: Kind.NAME, value: 'id' } };

  const typeInfo = new TypeInfo(schema);
  let added = false;
  const augmented = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet(node): SelectionSetNode | undefined {
        const type = typeInfo.getParentType();
        if (!type || !IDENTIFIED_TYPES.has(type.name)) return undefined;
        added = true;
        return { ...node, selections: [...node.selections, field] };
      },
    }),
  );
  return added ? { document: augmented, alias } : { document, alias: null };
}

/** Removes the alias `selectSubjectIds` added, everywhere in the response data (in place). */
export function stripAlias(data: unknown, alias: string): void {
  if (Array.isArray(data)) {
    for (const item of data) stripAlias(item, alias);
  } else if (data && typeof data === 'object') {
    const object = data as Record<string, unknown>;
    delete object[alias];
    for (const value of Object.values(object)) if (value && typeof value === 'object') stripAlias(value, alias);
  }
}

/** Every string under `alias` in a subgraph's answer: the ids the plugin asked for, before stripAlias takes them out. */
export function collectAliased(data: unknown, alias: string, into: Set<string>): void {
  if (Array.isArray(data)) {
    for (const item of data) collectAliased(item, alias, into);
  } else if (data && typeof data === 'object') {
    for (const [key, value] of Object.entries(data)) {
      if (key === alias) {
        if (typeof value === 'string') into.add(value);
      } else if (value && typeof value === 'object') collectAliased(value, alias, into);
    }
  }
}
