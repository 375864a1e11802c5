import { gt, lt, sql } from 'drizzle-orm';
import {
  TypeInfo,
  getNamedType,
  isEnumType,
  isInputObjectType,
  parse,
  visit,
  visitWithTypeInfo,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { Db } from '@saf/db';
import { apiSchemaOf } from '../../scripts/schemaChanges.ts';
import { sha256 } from './compose.ts';
import { operationUsage, registeredOperations, type CheckResult } from './db/schema.ts';
import type { UsageOf } from './publish.ts';

/**
 * Schema coordinates (`Type`, `Type.field`, `Type.field.arg`, `Enum.VALUE`, `Input.field`,
 * `@directive`) an operation uses, read against the API schema it ran on. What a variable of an
 * input or enum type could carry counts whole (every field, every value): the registry never sees
 * the variables.
 */
export function coordinatesOf(document: string, schema: GraphQLSchema): Set<string> {
  const used = new Set<string>();
  const addInput = (type: GraphQLNamedType, seen = new Set<string>()) => {
    if (seen.has(type.name)) return;
    seen.add(type.name);
    used.add(type.name);
    if (isEnumType(type)) for (const v of type.getValues()) used.add(`${type.name}.${v.name}`);
    if (isInputObjectType(type)) {
      for (const f of Object.values(type.getFields())) {
        used.add(`${type.name}.${f.name}`);
        addInput(getNamedType(f.type), seen);
      }
    }
  };
  const typeInfo = new TypeInfo(schema);
  visit(
    parse(document),
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent) used.add(`${parent.name}.${node.name.value}`);
        const type = typeInfo.getType();
        if (type) used.add(getNamedType(type).name);
      },
      Argument(node) {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (parent && field) used.add(`${parent.name}.${field.name}.${node.name.value}`);
        const directive = typeInfo.getDirective();
        if (directive) used.add(`@${directive.name}`);
      },
      EnumValue(node) {
        const type = typeInfo.getInputType();
        if (type) used.add(`${getNamedType(type).name}.${node.value}`);
      },
      ObjectField(node) {
        const parent = typeInfo.getParentInputType();
        if (parent) used.add(`${getNamedType(parent).name}.${node.name.value}`);
      },
      VariableDefinition() {
        const type = typeInfo.getInputType();
        if (type) addInput(getNamedType(type));
      },
      InlineFragment(node) {
        if (node.typeCondition) used.add(node.typeCondition.name.value);
      },
      FragmentDefinition(node) {
        used.add(node.typeCondition.name.value);
      },
      Directive(node) {
        used.add(`@${node.name.value}`);
      },
    }),
  );
  return used;
}

const ID = '([_A-Za-z][_0-9A-Za-z]*)';
/** What each kind of breaking change (graphql-js `findBreakingChanges`) takes away, as coordinates. */
const CHANGE_COORDINATES: Array<[RegExp, (m: RegExpMatchArray) => string[]]> = [
  [new RegExp(`^${ID}\\.${ID} arg ${ID} `), (m) => [`${m[1]}.${m[2]}.${m[3]}`]],
  [new RegExp(`^A required arg ${ID} on directive ${ID} was added`), (m) => [`@${m[2]}`]],
  [new RegExp(`^A required arg ${ID} on ${ID}\\.${ID} was added`), (m) => [`${m[2]}.${m[3]}`]],
  [new RegExp(`^A required field ${ID} on input type ${ID} was added`), (m) => [m[2]!]],
  [new RegExp(`^${ID}\\.${ID} (?:was removed|changed type)`), (m) => [`${m[1]}.${m[2]}`]],
  [new RegExp(`^${ID} was removed from enum type ${ID}`), (m) => [`${m[2]}.${m[1]}`]],
  [new RegExp(`^${ID} was removed from union type ${ID}`), (m) => [m[1]!]],
  [new RegExp(`^${ID} no longer implements interface ${ID}`), (m) => [m[1]!, m[2]!]],
  [new RegExp(`^(?:Repeatable flag|${ID}) was removed from ${ID}\\.$`), (m) => [`@${m[2]}`]],
  [new RegExp(`^${ID} (?:was removed|changed from)`), (m) => [m[1]!]],
];

export function changeCoordinates(change: { type: string; description: string }): string[] {
  if (change.type.startsWith('DIRECTIVE') || change.type === 'REQUIRED_DIRECTIVE_ARG_ADDED') {
    const m = change.description.match(new RegExp(`(?:directive |from |^)${ID}\\.?$`)) ?? change.description.match(new RegExp(`^${ID} was removed`));
    return m ? [`@${m[1]}`] : [];
  }
  for (const [pattern, coordinates] of CHANGE_COORDINATES) {
    const m = change.description.match(pattern);
    if (m) return coordinates(m);
  }
  return [];
}

interface KnownOperation {
  hash: string;
  name: string | null;
  document: string;
  clients: Set<string>;
  lastSeen: string | null;
  registered: boolean;
}

/**
 * Which operations use what each breaking change removes or changes: those the gateways saw in
 * the last `days` days, and the registered ones. A change whose coordinates cannot be told is
 * counted as used (someone must look).
 */
export function usageWithin(days: number): UsageOf {
  return async (db, breaking, apiBefore) => {
    const since = new Date(Date.now() - days * 86_400_000).toISOString();
    const [seen, registered] = await Promise.all([
      db.select().from(operationUsage).where(gt(operationUsage.lastSeen, since)),
      db.select().from(registeredOperations),
    ]);
    const operations = new Map<string, KnownOperation>();
    for (const row of seen) {
      const op = operations.get(row.hash) ?? { hash: row.hash, name: row.name, document: row.document, clients: new Set<string>(), lastSeen: null, registered: false };
      op.clients.add(row.client);
      if (!op.lastSeen || row.lastSeen > op.lastSeen) op.lastSeen = new Date(row.lastSeen).toISOString();
      operations.set(row.hash, op);
    }
    for (const row of registered) {
      const op = operations.get(row.hash) ?? { hash: row.hash, name: row.name, document: row.document, clients: new Set<string>(), lastSeen: null, registered: true };
      op.clients.add(row.client);
      op.registered = true;
      operations.set(row.hash, op);
    }
    const schema = apiSchemaOf(apiBefore);
    const uses = new Map<string, Set<string>>();
    for (const op of operations.values()) {
      try {
        uses.set(op.hash, coordinatesOf(op.document, schema));
      } catch {
        // An operation that no longer parses against the running schema uses nothing of it.
      }
    }
    return breaking.map((change): CheckResult['breaking'][number] => {
      const coordinates = changeCoordinates(change);
      if (coordinates.length === 0) return { ...change, coordinates, usedBy: [{ name: '(cannot tell which operations use it)', hash: '', clients: [], lastSeen: null, registered: false }] };
      const usedBy = [...operations.values()]
        .filter((op) => coordinates.some((c) => uses.get(op.hash)?.has(c)))
        .map((op) => ({ name: op.name ?? `(anonymous ${op.hash.slice(0, 12)})`, hash: op.hash, clients: [...op.clients].sort(), lastSeen: op.lastSeen, registered: op.registered }));
      return { ...change, coordinates, usedBy };
    });
  };
}

/** One operation as a gateway reports it. */
export interface ReportedOperation {
  name: string | null;
  document: string;
  client: string;
  count: number;
  lastSeen: string;
}

const MAX_DOCUMENT = 100_000;
const CLIENT = /^[\p{L}\p{N}_ .:@/()-]{1,100}$/u;

/** The operations in a usage report, or what is wrong with it. */
export function reportedOperations(body: unknown): ReportedOperation[] | string {
  const list = (body as { operations?: unknown } | null)?.operations;
  if (!Array.isArray(list) || list.length > 5000) return 'operations: a list of at most 5000 is required';
  const out: ReportedOperation[] = [];
  for (const [i, item] of list.entries()) {
    const o = item as Record<string, unknown>;
    if (typeof o.document !== 'string' || o.document.length === 0 || o.document.length > MAX_DOCUMENT) return `operations[${i}].document: the operation's text, at most ${MAX_DOCUMENT} characters`;
    if (typeof o.client !== 'string' || !CLIENT.test(o.client)) return `operations[${i}].client: a client name (letters, digits, . : @ / ( ) -, at most 100)`;
    if (o.name !== undefined && o.name !== null && (typeof o.name !== 'string' || o.name.length > 200)) return `operations[${i}].name: at most 200 characters`;
    if (!Number.isInteger(o.count) || (o.count as number) < 1) return `operations[${i}].count: a whole number from 1`;
    if (typeof o.lastSeen !== 'string' || Number.isNaN(Date.parse(o.lastSeen))) return `operations[${i}].lastSeen: an ISO 8601 time`;
    // Never later than now: a report cannot keep an operation "in use" into the future.
    const lastSeen = new Date(Math.min(Date.parse(o.lastSeen), Date.now())).toISOString();
    out.push({ name: (o.name as string | null | undefined) ?? null, document: o.document, client: o.client, count: o.count as number, lastSeen });
  }
  return out;
}

/** Adds a gateway's report: per document and client, the count grows and the last time seen moves on. */
export async function recordUsage(db: Db, reportedBy: string, operations: readonly ReportedOperation[]): Promise<number> {
  if (operations.length === 0) return 0;
  const rows = operations.map((o) => ({ hash: sha256(o.document), client: o.client, name: o.name, document: o.document, count: o.count, firstSeen: o.lastSeen, lastSeen: o.lastSeen, reportedBy }));
  // One row per (hash, client) in the statement: ON CONFLICT cannot touch a row twice.
  const merged = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    const key = `${r.hash} ${r.client}`;
    const known = merged.get(key);
    if (known) {
      known.count += r.count;
      if (r.lastSeen > known.lastSeen) known.lastSeen = r.lastSeen;
    } else merged.set(key, { ...r });
  }
  await db
    .insert(operationUsage)
    .values([...merged.values()])
    .onConflictDoUpdate({
      target: [operationUsage.hash, operationUsage.client],
      set: {
        count: sql`${operationUsage.count} + excluded.count`,
        lastSeen: sql`GREATEST(${operationUsage.lastSeen}, excluded.last_seen)`,
        name: sql`excluded.name`,
        reportedBy: sql`excluded.reported_by`,
      },
    });
  return merged.size;
}

export async function registerOperation(db: Db, input: { client: string; name: string | null; document: string; registeredBy: string }) {
  const hash = sha256(input.document);
  await db
    .insert(registeredOperations)
    .values({ hash, client: input.client, name: input.name, document: input.document, registeredBy: input.registeredBy })
    .onConflictDoUpdate({ target: [registeredOperations.hash, registeredOperations.client], set: { name: sql`excluded.name`, registeredBy: sql`excluded.registered_by` } });
  return hash;
}


/**
 * Deletes the operation records last seen more than `days` days ago (the retention window, at
 * least the usage window: an older record never counts as use). Registered operations stay until
 * unregistered. Returns how many went.
 */
export async function pruneUsage(db: Db, days: number, now = Date.now()): Promise<number> {
  const before = new Date(now - days * 86_400_000).toISOString();
  const gone = await db.delete(operationUsage).where(lt(operationUsage.lastSeen, before)).returning({ hash: operationUsage.hash });
  return gone.length;
}
