import { Kind, parse, type ConstDirectiveNode, type DocumentNode, type FieldDefinitionNode, type TypeNode } from 'graphql';
import { sharingOf, type Sensitivity } from './sharing.ts';

/**
 * What counts as reading a person's or household's data (SPEC section 8: a declared purpose, the
 * access log, nothing for analysts), as the owners declared it with `@sharing(…, sensitivity:)`:
 * MEDIUM and HIGH are about a person, LOW is aggregates and codes (packages/service/src/schema.ts).
 * What no owner declared (a schema published to the registry without marks) counts as about a
 * person: only a declared LOW makes data an aggregate. Worked out once per schema (the gateway:
 * once per supergraph it loads), never from names.
 */
export interface PersonLevelRules {
  /**
   * Types about a person or household: every field read on one, and every field that returns
   * one, is person-level. A type is, when its owner marks the type itself MEDIUM or HIGH, or,
   * for a type classified field by field (an entity such as Person or Household), when any of
   * its fields is marked MEDIUM or HIGH (or not at all). A type marked LOW is an aggregate even where one of
   * its fields is person-level (`CoverageGapCount.householdIds`): that field alone is. An
   * interface or union is when one of its types is (the object read may be that one).
   */
  types: ReadonlySet<string>;
  /**
   * Every object, interface and union type the rules were worked out from. A composite type not
   * among them (a schema newer than its rules, for the instant of a reload) counts as
   * person-level: unmarked data counts as about a person.
   */
  known: ReadonlySet<string>;
  /**
   * Fields (`Type.field`) of a scalar or enum whose mark (their own, else their type's) is MEDIUM
   * or HIGH: person-level wherever they are read, on an aggregate or at the root. A field that
   * returns an object is judged by what is read of the object: its own mark describes the whole
   * in the catalogue (`householdsInRegion` is HIGH; its `totalCount` alone is not about anyone).
   */
  fields: ReadonlySet<string>;
  /**
   * Mutations marked MEDIUM or HIGH: they act on persons' data though their answer may name no
   * one (a sweep reads every household of a region, each page logged under the purpose the
   * caller declared), so they need a purpose like a person-level read.
   */
  actions: ReadonlySet<string>;
}

const ABOUT_A_PERSON: ReadonlySet<Sensitivity> = new Set<Sensitivity>(['MEDIUM', 'HIGH']);
/** A mark that makes data about a person: MEDIUM, HIGH, or none (only a declared LOW is an aggregate). */
const about = (mark: Sensitivity | null) => mark === null || ABOUT_A_PERSON.has(mark);

const isExternal = (directives: readonly ConstDirectiveNode[] | undefined) => directives?.some((d) => d.name.value === 'external') ?? false;

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

interface Composite {
  /** The marks on the type itself (a definition and its extensions may each carry one). */
  marks: Sensitivity[];
  /** Its fields with the mark each has (its own, else that of the definition it is in). */
  fields: Array<{ node: FieldDefinitionNode; mark: Sensitivity | null }>;
  interfaces: string[];
}

/**
 * The rules of a schema: a composed supergraph (the marks composition carries with
 * `@composeDirective`) or one subgraph's schema (fields and types marked `@external` are another
 * subgraph's, and left out).
 */
export function personLevelRules(sdl: string | DocumentNode): PersonLevelRules {
  const doc = typeof sdl === 'string' ? parse(sdl) : sdl;
  const roots: Record<'query' | 'mutation' | 'subscription', string> = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' };
  const composites = new Map<string, Composite>();
  const unions = new Map<string, string[]>();
  for (const def of doc.definitions) {
    switch (def.kind) {
      case Kind.SCHEMA_DEFINITION:
      case Kind.SCHEMA_EXTENSION:
        for (const op of def.operationTypes ?? []) roots[op.operation] = op.type.name.value;
        break;
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_EXTENSION: {
        if (isExternal(def.directives)) break;
        const entry = composites.get(def.name.value) ?? { marks: [], fields: [], interfaces: [] };
        const typeMark = sharingOf(def.directives)?.sensitivity ?? null;
        if (typeMark) entry.marks.push(typeMark);
        for (const node of def.fields ?? []) if (!isExternal(node.directives)) entry.fields.push({ node, mark: sharingOf(node.directives)?.sensitivity ?? typeMark });
        entry.interfaces.push(...(def.interfaces ?? []).map((i) => i.name.value));
        composites.set(def.name.value, entry);
        break;
      }
      case Kind.UNION_TYPE_DEFINITION:
      case Kind.UNION_TYPE_EXTENSION:
        unions.set(def.name.value, [...(unions.get(def.name.value) ?? []), ...(def.types ?? []).map((t) => t.name.value)]);
        break;
      default:
        break;
    }
  }
  const rootNames = new Set(Object.values(roots));
  const types = new Set<string>();
  const fields = new Set<string>();
  const actions = new Set<string>();
  for (const [name, type] of composites) {
    if (!rootNames.has(name) && (type.marks.some(about) || (type.marks.length === 0 && type.fields.some((f) => about(f.mark))))) types.add(name);
    for (const { node, mark } of type.fields) {
      if (!about(mark)) continue;
      const returns = namedType(node.type);
      if (!composites.has(returns) && !unions.has(returns)) fields.add(`${name}.${node.name.value}`);
      if (name === roots.mutation) actions.add(`${name}.${node.name.value}`);
    }
  }
  // An interface or union is person-level when a type it may stand for is (interfaces of interfaces too).
  for (let before = -1; before !== types.size; ) {
    before = types.size;
    for (const [name, type] of composites) if (types.has(name)) for (const i of type.interfaces) types.add(i);
    for (const [name, members] of unions) if (members.some((m) => types.has(m))) types.add(name);
  }
  return { types, fields, actions, known: new Set([...composites.keys(), ...unions.keys()]) };
}

/** Field names that name a person or household wherever they stand: such a field cannot be LOW. */
const NAMES_A_PERSON = /^(?:(?:person|household|resident|applicant|recipient|member)Ids?|(?:resident)?[iI]dNumber|birthDate|accountNumber)$/;
/** Field names that often do (a person's name, address, telephone), and sometimes do not (a programme's name). */
const MAY_NAME_A_PERSON = /^(?:name|fullName|address|phone|phoneNumber|mobile)$/;
/** Type names that speak of persons. */
const PERSON_TYPE_NAME = /Person|People|Household|Resident|Applicant|Recipient|Beneficiar|Member/;

/**
 * Marks in one subgraph's schema that contradict what the names say, for composition (npm run
 * compose): `refused`, fields marked LOW (themselves or by their type) whose name names a person
 * or household (`personId`, `householdIds`, `idNumber`, `birthDate`…), which would leave their
 * reads out of the purpose check and the access log; `flagged`, for the owner to look at, LOW
 * fields named `name`, `address`… and types marked LOW throughout, holding no object, whose name
 * speaks of persons (`RecipientList`). Fields and types marked `@external` are another's.
 */
export function suspiciousLowMarks(sdl: string | DocumentNode): { refused: string[]; flagged: string[] } {
  const doc = typeof sdl === 'string' ? parse(sdl) : sdl;
  const objects = new Set(doc.definitions.flatMap((d) => (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.INTERFACE_TYPE_DEFINITION || d.kind === Kind.UNION_TYPE_DEFINITION ? [d.name.value] : [])));
  const refused: string[] = [];
  const flagged: string[] = [];
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION && def.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    if (isExternal(def.directives)) continue;
    const typeMark = sharingOf(def.directives)?.sensitivity ?? null;
    const own = (def.fields ?? []).filter((f) => !isExternal(f.directives));
    const marks = own.map((f) => sharingOf(f.directives)?.sensitivity ?? typeMark);
    own.forEach((f, i) => {
      if (marks[i] !== 'LOW') return;
      if (NAMES_A_PERSON.test(f.name.value)) refused.push(`${def.name.value}.${f.name.value}`);
      else if (MAY_NAME_A_PERSON.test(f.name.value)) flagged.push(`${def.name.value}.${f.name.value}`);
    });
    const holdsObjects = own.some((f) => objects.has(namedType(f.type)));
    if (own.length > 0 && marks.every((m) => m === 'LOW') && !holdsObjects && PERSON_TYPE_NAME.test(def.name.value)) flagged.push(def.name.value);
  }
  return { refused, flagged };
}

/**
 * What one subgraph declares person-level and the composed supergraph does not (composition keeps
 * one mark of a type several subgraphs define: the others' are lost), as `Type` or `Type.field`.
 * The gateway reads the supergraph, so a type any owner marks as about a person must stay so there.
 */
export function personLevelLostInComposition(subgraphs: ReadonlyArray<{ name: string; typeDefs: DocumentNode }>, supergraphSdl: string): Array<{ subgraph: string; coordinate: string }> {
  const composed = personLevelRules(supergraphSdl);
  const lost: Array<{ subgraph: string; coordinate: string }> = [];
  for (const s of subgraphs) {
    const own = personLevelRules(s.typeDefs);
    for (const type of own.types) if (!composed.types.has(type)) lost.push({ subgraph: s.name, coordinate: type });
    for (const coordinate of new Set([...own.fields, ...own.actions])) {
      const type = coordinate.slice(0, coordinate.indexOf('.'));
      // A type lost is named once, not with each of its fields.
      if (own.types.has(type) && !composed.types.has(type)) continue;
      if (!composed.types.has(type) && !composed.fields.has(coordinate) && !composed.actions.has(coordinate)) lost.push({ subgraph: s.name, coordinate });
    }
  }
  return lost;
}
