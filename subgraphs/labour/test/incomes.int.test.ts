import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { makeResidentId } from '@saf/identity';
import { ingest, startSubgraph, type StartedSubgraph } from '@saf/testing';
import { createServer } from '../src/server.ts';

const persons = Array.from({ length: 20 }, (_, i) => makeResidentId('654021', '1975-06-01', i + 1));
const income = (i: number, extra: object = {}) => ({
  type: 'income',
  id: `RS-INC-${i}`,
  department: 'LABOUR',
  personId: persons[i % persons.length],
  source: i % 3 === 0 ? 'PENSION' : 'WAGE',
  monthlyFen: 150_000 + i,
  startDate: `${2020 + (i % 5)}-01-01`,
  endDate: i % 4 === 0 ? `${2020 + (i % 5)}-12-31` : null,
  ...extra,
});
const INCOMES = '{ id personId source monthlyFen startDate endDate }';
const entities = (sg: StartedSubgraph, ids: string[], caller?: Caller) =>
  sg.query(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { incomes ${INCOMES} } } }`, { r: ids.map((id) => ({ __typename: 'Person', id })) }, caller);

describe('labour incomes (收入)', () => {
  let sg: StartedSubgraph;
  beforeAll(async () => {
    sg = await startSubgraph('labour', createServer, new URL('../', import.meta.url));
  });
  afterAll(() => sg?.stop());

  it('stores income records through /ingest and replaces by identity: loading twice changes nothing, a changed record one row', async () => {
    const records = Array.from({ length: 40 }, (_, i) => income(i));
    expect(await ingest(sg, records)).toMatchObject({ status: 200, counts: { award: 0, income: 40 } });
    expect(await ingest(sg, records)).toMatchObject({ status: 200, counts: { income: 0 } });
    expect(await ingest(sg, [income(1, { monthlyFen: 99 })])).toMatchObject({ status: 200, counts: { income: 1 } });
    const res = await entities(sg, [persons[1]!]);
    expect(res.errors).toBeUndefined();
    // persons[1] has incomes 1 and 21, oldest first; 1 as changed.
    expect(res.data!._entities[0].incomes).toEqual([
      { id: 'RS-INC-1', personId: persons[1], source: 'WAGE', monthlyFen: 99, startDate: '2021-01-01', endDate: null },
      { id: 'RS-INC-21', personId: persons[1], source: 'PENSION', monthlyFen: 150_021, startDate: '2021-01-01', endDate: null },
    ]);
  });

  it('refuses a batch with a bad line, naming line and field, and writes none of it', async () => {
    const res = await ingest(sg, [income(100), income(101, { monthlyFen: -5 }), income(102, { endDate: '2000-01-01' })]);
    expect(res.status).toBe(422);
    expect(res.errors).toEqual([expect.objectContaining({ line: 2, field: 'monthlyFen' }), expect.objectContaining({ line: 3, field: 'endDate' })]);
    const foreign = await ingest(sg, [income(103, { department: 'HOUSING' })]);
    expect(foreign.errors).toEqual([expect.objectContaining({ line: 1, field: 'department', message: expect.stringMatching(/belong to LABOUR/) })]);
    const stored = await entities(sg, [persons[0]!]);
    expect(stored.data!._entities[0].incomes.map((i: { id: string }) => i.id)).not.toContain('RS-INC-100');
  });

  it('refuses another department’s records on its ingest (a property is housing’s)', async () => {
    const property = { type: 'property', id: 'ZJ-1', department: 'HOUSING', personId: persons[0], kind: 'RESIDENTIAL', areaSqm: 60, acquiredDate: '2010-01-01', disposedDate: null };
    const res = await ingest(sg, [property]);
    expect(res.status).toBe(422);
    expect(res.errors).toEqual([expect.objectContaining({ line: 1, field: 'type', message: 'belongs to HOUSING, not LABOUR' })]);
  });

  it('answers N persons’ incomes with one SQL query, an empty list for a person without any', async () => {
    const asked = [...persons, makeResidentId('654021', '1975-06-01', 999)];
    sg.resetQueries();
    const res = await entities(sg, asked);
    expect(res.errors).toBeUndefined();
    const lists = res.data!._entities.map((e: { incomes: { personId: string }[] }) => e.incomes);
    expect(lists).toHaveLength(21);
    lists.slice(0, 20).forEach((list: { personId: string }[], i: number) => {
      expect(list.length).toBeGreaterThan(0);
      for (const x of list) expect(x.personId).toBe(persons[i]);
    });
    expect(lists[20]).toEqual([]);
    expect(sg.queries.filter((q) => /from "incomes"/.test(q))).toHaveLength(1);
    expect(sg.queries).toHaveLength(1);
  });

  it('shows incomes to caseworkers, the coordination office and labour’s officers; refuses other officers, analysts and auditors', async () => {
    const allowed: Caller[] = [
      { sub: 'c', role: 'CASEWORKER', region: '654021' },
      { sub: 'k', role: 'COORDINATOR' },
      { sub: 'l', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' },
    ];
    for (const caller of allowed) {
      const res = await entities(sg, [persons[2]!], caller);
      expect(res.errors, caller.role).toBeUndefined();
      expect(res.data!._entities[0].incomes.length).toBeGreaterThan(0);
    }
    const refused: Caller[] = [
      { sub: 'h', role: 'DEPARTMENT_OFFICER', department: 'HEALTH' },
      { sub: 'm', role: 'DEPARTMENT_OFFICER', department: 'CIVIL_AFFAIRS' },
      { sub: 'a', role: 'ANALYST' },
      { sub: 'u', role: 'AUDITOR' },
    ];
    for (const caller of refused) {
      const res = await entities(sg, [persons[2]!], caller);
      expect(res.errors?.[0]?.extensions?.code, `${caller.role} ${caller.department ?? ''}`).toBe('FORBIDDEN');
      expect(JSON.stringify(res.data)).not.toContain('RS-INC');
    }
  });
});
