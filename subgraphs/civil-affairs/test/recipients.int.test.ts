import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { makeResidentId } from '@saf/identity';
import { ingest, startSubgraph, type StartedSubgraph } from '@saf/testing';
import { createServer } from '../src/server.ts';

// Civil affairs' register of which department pays whom, and what it lets officers see.

const LABOUR: Caller = { sub: 'lb', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' };
const LABOUR_YINING: Caller = { sub: 'lb-yn', role: 'DEPARTMENT_OFFICER', department: 'LABOUR', region: '654002' };
const CIVIL: Caller = { sub: 'ca', role: 'DEPARTMENT_OFFICER', department: 'CIVIL_AFFAIRS' };

const person = (n: number) => makeResidentId('654021', '1980-01-01', 2 * n + 1);
const households = [1, 2, 3, 4].map((n) => ({ type: 'household', id: `H${n}`, regionCode: n === 4 ? '654002' : '654021', hukou: 'RURAL' }));
const persons = [1, 2, 3, 4].map((n) => ({ type: 'person', id: person(n), name: `测试${n}`, gender: 'MALE', birthDate: '1980-01-01', householdId: `H${n}`, relation: 'HEAD' }));
const recipient = (id: string, personN: number, householdId: string | null, department = 'LABOUR') => ({ type: 'awardRecipient', department, id, personId: person(personN), householdId });

describe('civil affairs’ award register', () => {
  let sg: StartedSubgraph;
  beforeAll(async () => {
    sg = await startSubgraph('civil-affairs', createServer, new URL('../', import.meta.url));
    expect(await ingest(sg, [...households, ...persons])).toMatchObject({ status: 200 });
  });
  afterAll(() => sg?.stop());

  it('registers other departments’ awards with the load, once; a changed one is replaced', async () => {
    const records = [recipient('LB-1', 1, 'H1'), recipient('LB-2', 2, null), recipient('HE-1', 3, 'H3', 'HEALTH')];
    expect(await ingest(sg, records)).toMatchObject({ status: 200, counts: { awardRecipient: 3 } });
    expect(await ingest(sg, records)).toMatchObject({ status: 200, counts: { awardRecipient: 0 } });
    expect(await ingest(sg, [recipient('LB-2', 2, 'H2')])).toMatchObject({ status: 200, counts: { awardRecipient: 1 } });
  });

  it('refuses what is not a register record, naming the line and field, and writes nothing', async () => {
    const res = await ingest(sg, [
      recipient('LB-9', 3, 'H3'),
      recipient('CA-9', 1, 'H1', 'CIVIL_AFFAIRS'),
      { ...recipient('LB-10', 1, 'H1'), personId: '654021198001010000' },
      { ...recipient('LB-11', 1, 'H1'), amountFen: 100 },
      { ...recipient('LB-12', 1, 'H1'), id: 'LB\u000012' },
    ]);
    expect(res.status).toBe(422);
    expect(res.errors!.map((e) => [e.line, e.field])).toEqual([[2, 'department'], [3, 'personId'], [4, '(line)'], [5, 'id']]);
    // The good line of the refused batch was not registered: labour still pays no one in H3.
    const batch = await sg.query(`{ households(ids: ["H3"]) { id } }`, {}, LABOUR);
    expect(batch.data!.households).toEqual([null]);
  });

  it('lets an officer see the households their department pays, and their region’s', async () => {
    const seen = async (caller: Caller) => {
      const res = await sg.query(`{ households(ids: ["H1", "H2", "H3", "H4", "H404"]) { id } }`, {}, caller);
      return res.data!.households.map((h: { id: string } | null) => h?.id ?? null);
    };
    // H1: an award against the household; H2: one to its member (its household given only later).
    expect(await seen(LABOUR)).toEqual(['H1', 'H2', null, null, null]);
    expect(await seen(LABOUR_YINING)).toEqual(['H1', 'H2', null, 'H4', null]);
    expect(await seen({ sub: 'he', role: 'DEPARTMENT_OFFICER', department: 'HEALTH' })).toEqual([null, null, 'H3', null, null]);
    // Civil affairs' own officers: from its own awards, none here.
    expect(await seen(CIVIL)).toEqual([null, null, null, null, null]);
    const list = await sg.query(`{ householdsInRegion(regionCode: "65", first: 10) { totalCount edges { node { id } } } }`, {}, LABOUR_YINING);
    expect(list.data!.householdsInRegion).toEqual({ totalCount: 3, edges: ['H1', 'H2', 'H4'].map((id) => ({ node: { id } })) });
  });
});
