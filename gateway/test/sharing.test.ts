import { buildSchema, parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { CatalogueEntry } from '@saf/service';
import { planSharing, snapshotOf } from '../src/sharing.ts';

const schema = buildSchema(`
  type Query { person(id: ID!): Person  count: Int!  award(id: ID!): Award! }
  type Person { id: ID!  name: String  awards: [Award!]  certificate: Certificate }
  type Award { id: ID!  amountFen: Int!  note: String }
  type Certificate { level: Int! }
`);
const entry = (coordinate: string, department: 'HEALTH' | 'CIVIL_AFFAIRS', sharing: CatalogueEntry['sharing'] = 'CONDITIONAL'): [string, CatalogueEntry] => [
  coordinate,
  { coordinate, department, subgraph: department.toLowerCase(), description: coordinate, sharing, sensitivity: 'HIGH' },
];
const catalogue = new Map([
  entry('Query.person', 'CIVIL_AFFAIRS'),
  entry('Person.name', 'CIVIL_AFFAIRS'),
  entry('Query.count', 'HEALTH', 'UNCONDITIONAL'),
  entry('Query.award', 'HEALTH'),
  entry('Person.awards', 'HEALTH'),
  entry('Award.amountFen', 'HEALTH'),
  entry('Award.note', 'HEALTH'),
  entry('Person.certificate', 'HEALTH', 'NOT_SHARED'),
]);
/** Civil affairs' fields and Person.awards, Award.note allowed; anything else of health refused. */
const allow = new Set(['Query.person', 'Person.name', 'Person.awards', 'Award.note']);
const decide = (coordinate: string, e: CatalogueEntry) => (allow.has(coordinate) && e.sharing === 'CONDITIONAL' ? { grantId: `g-${coordinate}` } : { coordinate, owner: e.department!, sharing: e.sharing });
const plan = (query: string, own: string | null = null) => planSharing(schema, parse(query), undefined, catalogue, own, decide);

describe('planSharing', () => {
  it('leaves an operation that reads only what is allowed as it came, and names the agreements used', () => {
    const p = plan('{ person(id: "1") { id name awards { id note } } count }');
    expect(p.document).toBeNull();
    expect(p.used.map((u) => u.coordinate).sort()).toEqual(['Award.note', 'Person.awards', 'Person.name', 'Query.person']);
  });

  it('takes a refused nullable field out and answers it null where it stood', () => {
    const p = plan('{ person(id: "1") { name certificate { level } } }');
    expect(print(p.document!)).not.toContain('certificate');
    expect(p.anchors).toEqual([{ path: ['person', 'certificate'], refusals: [{ coordinate: 'Person.certificate', owner: 'HEALTH', sharing: 'NOT_SHARED' }] }]);
  });

  it('puts the null of a refused non-null field on the nearest place that may be null, through fragments and aliases', () => {
    const p = plan('query Q { person(id: "1") { ...P } } fragment P on Person { name paid: awards { id amountFen } }');
    expect(p.anchors).toEqual([{ path: ['person', 'paid'], refusals: [expect.objectContaining({ coordinate: 'Award.amountFen' })] }]);
    expect(print(p.document!)).not.toContain('awards');
    expect(p.used.map((u) => u.coordinate)).not.toContain('Person.awards');
  });

  it('refuses the whole operation when the null reaches a non-null root field', () => {
    const q = plan('{ count award(id: "1") { note } }');
    expect(q.refusedRoot).toEqual([expect.objectContaining({ coordinate: 'Query.award' })]);
  });

  it('keeps a selection that lost every field valid with a placeholder, and checks nothing of the caller\'s own department', () => {
    const p = plan('{ person(id: "1") { certificate { level } } }');
    expect(p.placeholders).toEqual([['person']]);
    expect(print(p.document!)).toContain('__sharingPlaceholder: __typename');
    expect(plan('{ person(id: "1") { certificate { level } awards { amountFen } } }', 'HEALTH').document).toBeNull();
  });

  it('works out which agreements are in force, and when that changes next', () => {
    const now = Date.now();
    const grant = (id: string, from: number, until: number) => ({ id, requester: 'LABOUR', owner: 'HEALTH' as const, coordinates: ['*'], purpose: 'P', validFrom: from, validUntil: until });
    const s = snapshotOf([grant('a', now - 10, now + 1000), grant('b', now + 500, now + 2000)], now);
    expect(s.active.get('LABOUR\0HEALTH\0P')?.map((g) => g.id)).toEqual(['a']);
    expect(s.boundaryAt).toBe(now + 500);
    const later = snapshotOf(s.all, now + 600);
    expect(later.active.get('LABOUR\0HEALTH\0P')?.map((g) => g.id)).toEqual(['a', 'b']);
    expect(later.version).not.toBe(s.version);
  });
});
