import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { makeResidentId } from '@saf/identity';
import { ingest, startSubgraph, type StartedSubgraph } from '@saf/testing';
import { createServer } from '../src/server.ts';

const persons = Array.from({ length: 20 }, (_, i) => makeResidentId('654002', '1968-02-10', i + 1));
const KINDS = ['RESIDENTIAL', 'COMMERCIAL', 'LAND', 'VEHICLE_PARKING'];
const property = (i: number, extra: object = {}) => ({
  type: 'property',
  id: `ZJ-PR-${i}`,
  department: 'HOUSING',
  personId: persons[i % persons.length],
  kind: KINDS[i % KINDS.length],
  areaSqm: 40 + i + 0.25,
  acquiredDate: `${2005 + (i % 10)}-05-01`,
  disposedDate: i % 6 === 0 ? '2023-10-31' : null,
  ...extra,
});
const PROPERTIES = '{ id personId kind areaSqm acquiredDate disposedDate }';
const entities = (sg: StartedSubgraph, ids: string[], caller?: Caller) =>
  sg.query(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { properties ${PROPERTIES} } } }`, { r: ids.map((id) => ({ __typename: 'Person', id })) }, caller);

describe('housing properties (房产)', () => {
  let sg: StartedSubgraph;
  beforeAll(async () => {
    sg = await startSubgraph('housing', createServer, new URL('../', import.meta.url));
  });
  afterAll(() => sg?.stop());

  it('stores property records through /ingest and replaces by identity: loading twice changes nothing, a changed record one row', async () => {
    const records = Array.from({ length: 40 }, (_, i) => property(i));
    expect(await ingest(sg, records)).toMatchObject({ status: 200, counts: { award: 0, property: 40 } });
    expect(await ingest(sg, records)).toMatchObject({ status: 200, counts: { property: 0 } });
    expect(await ingest(sg, [property(3, { areaSqm: 85.5 })])).toMatchObject({ status: 200, counts: { property: 1 } });
    // The same area written another way is the same area: nothing changes.
    expect(await ingest(sg, [property(3, { areaSqm: 85.50 })])).toMatchObject({ status: 200, counts: { property: 0 } });
    const res = await entities(sg, [persons[3]!]);
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities[0].properties).toEqual([
      // Acquired the same day: by id, as text.
      { id: 'ZJ-PR-23', personId: persons[3], kind: 'VEHICLE_PARKING', areaSqm: 63.25, acquiredDate: '2008-05-01', disposedDate: null },
      { id: 'ZJ-PR-3', personId: persons[3], kind: 'VEHICLE_PARKING', areaSqm: 85.5, acquiredDate: '2008-05-01', disposedDate: null },
    ]);
  });

  it('keeps areas to the hundredth exactly', async () => {
    const areas = [0.01, 12.34, 99.99, 123456.78];
    expect(await ingest(sg, areas.map((areaSqm, i) => property(200 + i, { personId: persons[19], areaSqm })))).toMatchObject({ status: 200 });
    const res = await entities(sg, [persons[19]!]);
    const stored = res.data!._entities[0].properties.filter((p: { id: string }) => p.id.startsWith('ZJ-PR-20')).map((p: { areaSqm: number }) => p.areaSqm);
    expect(stored.sort((a: number, b: number) => a - b)).toEqual(areas);
  });

  it('refuses a batch with a bad line, naming line and field, and writes none of it', async () => {
    const res = await ingest(sg, [property(100), property(101, { areaSqm: 60.125 }), property(102, { kind: 'CASTLE' })]);
    expect(res.status).toBe(422);
    expect(res.errors).toEqual([expect.objectContaining({ line: 2, field: 'areaSqm' }), expect.objectContaining({ line: 3, field: 'kind' })]);
    const stored = await entities(sg, [persons[0]!]);
    expect(stored.data!._entities[0].properties.map((p: { id: string }) => p.id)).not.toContain('ZJ-PR-100');
  });

  it('answers N persons’ properties with one SQL query', async () => {
    sg.resetQueries();
    const res = await entities(sg, persons);
    expect(res.errors).toBeUndefined();
    const lists = res.data!._entities.map((e: { properties: { personId: string }[] }) => e.properties);
    lists.forEach((list: { personId: string }[], i: number) => {
      expect(list.length).toBeGreaterThan(0);
      for (const p of list) expect(p.personId).toBe(persons[i]);
    });
    expect(sg.queries.filter((q) => /from "properties"/.test(q))).toHaveLength(1);
    expect(sg.queries).toHaveLength(1);
  });

  it('shows properties to caseworkers, the coordination office and housing’s officers; refuses other officers, analysts and auditors', async () => {
    for (const caller of [{ sub: 'c', role: 'CASEWORKER', region: '654002' }, { sub: 'k', role: 'COORDINATOR' }, { sub: 'h', role: 'DEPARTMENT_OFFICER', department: 'HOUSING' }] as Caller[]) {
      const res = await entities(sg, [persons[4]!], caller);
      expect(res.errors, caller.role).toBeUndefined();
      expect(res.data!._entities[0].properties.length).toBeGreaterThan(0);
    }
    for (const caller of [{ sub: 'l', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' }, { sub: 'a', role: 'ANALYST' }, { sub: 'u', role: 'AUDITOR' }] as Caller[]) {
      const res = await entities(sg, [persons[4]!], caller);
      expect(res.errors?.[0]?.extensions?.code, caller.role).toBe('FORBIDDEN');
      expect(JSON.stringify(res.data)).not.toContain('ZJ-PR');
    }
  });
});
