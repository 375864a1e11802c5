import { describe, expect, it } from 'vitest';
import { buildSchema, findBreakingChanges } from 'graphql';
import { changeCoordinates, coordinatesOf } from '../src/usage.ts';

const before = buildSchema(`
  type Query { person(id: ID!, at: String): Person  search(filter: Filter): [Person!]! }
  type Person { id: ID! name: String status: Status pets: [Pet!] }
  union Pet = Cat | Dog
  type Cat { id: ID! } type Dog { id: ID! }
  enum Status { ACTIVE ENDED }
  input Filter { status: Status name: String }
`);

describe('what an operation uses, and what a breaking change takes away', () => {
  it('reads fields, arguments, enum literals, input fields, fragments and what variables could carry', () => {
    const used = coordinatesOf('query Q($f: Filter) { person(id: "1") { name pets { ... on Cat { id } } } search(filter: $f) { status } }', before);
    expect([...used].sort()).toEqual(
      ['Cat', 'Cat.id', 'Filter', 'Filter.name', 'Filter.status', 'ID', 'Person', 'Person.name', 'Person.pets', 'Person.status', 'Pet', 'Query.person', 'Query.person.id', 'Query.search', 'Query.search.filter', 'Status', 'Status.ACTIVE', 'Status.ENDED', 'String'].sort(),
    );
  });

  it('names the coordinates of each kind of breaking change', () => {
    const after = buildSchema(`
      type Query { person(id: ID!, region: String!): Person  search(filter: Filter): [Person!]! }
      type Person { id: ID! status: Status pets: [Pet!] }
      union Pet = Dog
      type Cat { id: ID! } type Dog { id: ID! }
      enum Status { ACTIVE }
      input Filter { status: Status name: String kind: String! }
    `);
    const found = findBreakingChanges(before, after).map((c) => [c.description, changeCoordinates(c)]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['Person.name was removed.', ['Person.name']],
        ['Query.person arg at was removed.', ['Query.person.at']],
        ['A required arg region on Query.person was added.', ['Query.person']],
        ['Cat was removed from union type Pet.', ['Cat']],
        ['ENDED was removed from enum type Status.', ['Status.ENDED']],
        ['A required field kind on input type Filter was added.', ['Filter']],
      ]),
    );
  });
});
