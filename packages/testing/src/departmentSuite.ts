import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeResidentId } from '@saf/identity';
import type { Department } from '@saf/programmes';
import { ingest, signedFetch, startSubgraph, testSecret, type StartedSubgraph } from './subgraph.ts';
import { GATEWAY, LOADER, signRequest, type Caller } from '@saf/auth';
import { MAX_SWEEP_BATCH, SWEEP_AWARD_COLUMNS } from '@saf/interchange';

export interface DepartmentSuiteOptions {
  name: string;
  department: Department;
  /** The Person/Household field listing this department's awards. */
  awardsField: string;
  /** A programme of this department, with valid details. */
  programme: string;
  details: Record<string, unknown>;
  /** A detail field that must be refused, e.g. `{ months: -1 }`. */
  badDetails: Record<string, unknown>;
  /** A programme of another department (refused here). */
  foreignProgramme: { department: Department; programme: string };
  create: Parameters<typeof startSubgraph>[1];
  /** Records stored first (civil affairs resolves only persons and households it has). */
  prelude?: (persons: string[]) => object[];
  /** SQL statements for one batch of Person representations (1 per loader involved). */
  queriesPerBatch?: number;
  /**
   * Most award queries for a picture's two operations in one batched request: 1 where the award
   * fields read the representation's id; civil affairs first loads the person or household (its
   * own jurisdiction check), and those loads may end in different ticks (on PostgreSQL they do).
   */
  awardQueriesPerPicture?: number;
  /**
   * Civil affairs lists a sweep page itself (`_internalSweepBatch`, first two households under
   * 654021); a department is handed one by the gateway (a `SweepBatch` representation).
   */
  sweepRoot?: boolean;
  dir: URL;
}

/**
 * The contract every department subgraph keeps, run against its own real database:
 * federation (`_service`, batched `_entities`), all-or-nothing idempotent ingest, health.
 */
export function departmentSuite(o: DepartmentSuiteOptions): void {
  describe(`${o.name} subgraph`, () => {
    let sg: StartedSubgraph;
    const persons = Array.from({ length: 21 }, (_, i) => makeResidentId('654021', '1980-01-01', i + 1));
    const awarded = persons.slice(0, 20);
    const award = (i: number, extra: object = {}) => ({
      type: 'award',
      id: `T-${i}`,
      department: o.department,
      programme: o.programme,
      personId: awarded[i % awarded.length],
      householdId: `H${i % 5}`,
      regionCode: '654021',
      amountFen: 1000 + i,
      frequency: 'MONTHLY',
      startDate: '2024-01-01',
      endDate: null,
      status: 'ACTIVE',
      details: o.details,
      ...extra,
    });

    beforeAll(async () => {
      sg = await startSubgraph(o.name, o.create, o.dir);
      if (o.prelude) expect(await ingest(sg, o.prelude(persons))).toMatchObject({ status: 200 });
    });
    afterAll(() => sg?.stop());

    it('answers its health probes', async () => {
      expect((await fetch(`${sg.base}/health/live`)).status).toBe(200);
      expect((await fetch(`${sg.base}/health/ready`)).status).toBe(200);
    });

    it('publishes its schema file through _service', async () => {
      const res = await sg.query('{ _service { sdl } }');
      const file = readFileSync(new URL('schema.graphql', o.dir), 'utf8');
      const types = [...file.matchAll(/^type (\w+)/gm)].map((m) => m[1]!);
      expect(types.length).toBeGreaterThan(2);
      for (const type of types) expect(res.data!._service.sdl).toContain(`type ${type}`);
    });

    it('stores a batch and replaces by identity: loading twice changes nothing', async () => {
      const records = Array.from({ length: 40 }, (_, i) => award(i));
      const first = await ingest(sg, records);
      expect(first).toMatchObject({ status: 200, counts: { award: 40 } });
      const again = await ingest(sg, records);
      expect(again).toMatchObject({ status: 200, counts: { award: 0 } });
      const changed = await ingest(sg, [award(0, { amountFen: 7 })]);
      expect(changed).toMatchObject({ status: 200, counts: { award: 1 } });
    });

    it('resolves N entity representations with one SQL query', async () => {
      sg.resetQueries();
      const representations = awarded.map((id) => ({ __typename: 'Person', id }));
      const res = await sg.query(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { ${o.awardsField} { id personId amountFen } } } }`, { r: representations });
      expect(res.errors).toBeUndefined();
      const lists = res.data!._entities.map((e: Record<string, { id: string; personId: string }[]>) => e[o.awardsField]!);
      expect(lists).toHaveLength(20);
      lists.forEach((list: { personId: string }[], i: number) => {
        expect(list).toHaveLength(2);
        for (const a of list) expect(a.personId).toBe(awarded[i]);
      });
      expect(sg.queries).toHaveLength(o.queriesPerBatch ?? 1);
    });

    it('answers a household picture’s two operations sent as one batched request with one query of its awards, as when each is sent alone', async () => {
      // As the gateway asks for a picture: the household's awards and the members' (see gateway/src/subgraphClient.ts).
      const household = { query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Household { ${o.awardsField} { id personId householdId } } } }`, variables: { r: [{ __typename: 'Household', id: 'H1' }] } };
      const members = { query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { ${o.awardsField} { id personId householdId } } } }`, variables: { r: [awarded[0], awarded[6], persons[20]].map((id) => ({ __typename: 'Person', id })) } };
      const alone = [];
      for (const op of [household, members]) {
        const { status, ...body } = await sg.query(op.query, op.variables);
        expect(status).toBe(200);
        expect(body.errors).toBeUndefined();
        alone.push(body);
      }
      // Something to find on both sides, and a member without awards.
      expect(alone[0]!.data._entities[0][o.awardsField].length).toBeGreaterThan(0);
      expect(alone[1]!.data._entities.map((e: Record<string, unknown[]>) => e[o.awardsField]!.length)).toEqual([2, 2, 0]);
      sg.resetQueries();
      const res = await signedFetch(sg.url, sg.secret, { body: JSON.stringify([household, members]) });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(alone);
      const awardQueries = sg.queries.filter((q) => /from "awards"/.test(q)).length;
      expect(awardQueries).toBeGreaterThan(0);
      expect(awardQueries).toBeLessThanOrEqual(o.awardQueriesPerPicture ?? 1);
    });

    const AWARD_SELECTION = SWEEP_AWARD_COLUMNS.join(' ');
    /** A sweep page with this subgraph's awards of it, asked for as the gateway asks. */
    type SweepPage = { personIds: string[]; householdIds: string[]; rows: { columns: string[]; rows: (string | null)[][] } };
    const sweepPage = async (caller?: Caller | null, options: { regionCode?: string; households?: string[] } = {}): Promise<{ res: Awaited<ReturnType<StartedSubgraph['query']>>; batch?: SweepPage }> => {
      const regionCode = options.regionCode ?? '654021';
      if (o.sweepRoot) {
        const first = options.households?.length ?? 2;
        const res = await sg.query(`query ($r: String!, $first: Int!) { _internalSweepBatch(regionCode: $r, first: $first) { personIds householdIds ${o.awardsField} } }`, { r: regionCode, first }, caller);
        const page = res.data?._internalSweepBatch;
        return { res, batch: page ? { personIds: page.personIds, householdIds: page.householdIds, rows: page[o.awardsField] } : undefined };
      }
      const batch = { __typename: 'SweepBatch', id: 'test', regionCode, personIds: awarded.slice(0, 6), householdIds: options.households ?? ['H4'] };
      const res = await sg.query(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on SweepBatch { ${o.awardsField} } } }`, { r: [batch] }, caller);
      return { res, batch: res.data ? { personIds: batch.personIds, householdIds: batch.householdIds, rows: res.data._entities[0][o.awardsField] } : undefined };
    };

    it('gives a sweep page the awards of its persons and households, each once, as its entity fields do', async () => {
      sg.resetQueries();
      const { res, batch } = await sweepPage();
      expect(res.errors).toBeUndefined();
      if (!o.sweepRoot) expect(sg.queries).toHaveLength(1);
      const got = batch!.rows;
      expect(got.columns).toEqual([...SWEEP_AWARD_COLUMNS]);
      // The same awards, field for field, as the per-person and per-household entity fields give.
      const representations = [...batch!.personIds.map((id) => ({ __typename: 'Person', id })), ...batch!.householdIds.map((id) => ({ __typename: 'Household', id }))];
      const single = await sg.query(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { ${o.awardsField} { ${AWARD_SELECTION} } } ... on Household { ${o.awardsField} { ${AWARD_SELECTION} } } } }`, { r: representations });
      expect(single.errors).toBeUndefined();
      const expected = new Map<string, (string | null)[]>();
      for (const entity of single.data!._entities) for (const a of entity[o.awardsField]) expected.set(a.id, SWEEP_AWARD_COLUMNS.map((c) => a[c]));
      expect(expected.size).toBeGreaterThan(0);
      const byId = (x: (string | null)[], y: (string | null)[]) => x[0]!.localeCompare(y[0]!);
      expect([...got.rows].sort(byId)).toEqual([...expected.values()].sort(byId));
    });

    it('gives a sweep page only to the coordination office or a caseworker of its region, and only a bounded one', async () => {
      const refused = [
        { sub: 'a', role: 'ANALYST' },
        { sub: 'o', role: 'DEPARTMENT_OFFICER', department: o.department },
        { sub: 'c', role: 'CASEWORKER', region: '654002' },
      ] as Caller[];
      for (const caller of refused) {
        const { res } = await sweepPage(caller);
        expect(res.errors?.[0]?.extensions?.code, caller.role).toBe('FORBIDDEN');
        expect(JSON.stringify(res.data ?? null)).not.toContain('T-');
      }
      const local = await sweepPage({ sub: 'c', role: 'CASEWORKER', region: '654021' });
      expect(local.res.errors).toBeUndefined();
      const tooBig = await sweepPage(undefined, { households: Array.from({ length: MAX_SWEEP_BATCH + 1 }, (_, i) => `H${i}`) });
      expect(tooBig.res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('gives an empty list for a person it has nothing on', async () => {
      const res = await sg.query(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { ${o.awardsField} { id } } } }`, {
        r: [{ __typename: 'Person', id: persons[20] }],
      });
      expect(res.data!._entities).toEqual([{ [o.awardsField]: [] }]);
    });

    it('answers only the gateway: unsigned, forged and replayed requests are refused', async () => {
      const body = JSON.stringify({ query: '{ _service { sdl } }' });
      const unsigned = await fetch(sg.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(unsigned.status).toBe(401);
      const otherSecret = await signedFetch(sg.url, testSecret(o.name === 'labour' ? 'health' : 'labour'), { body });
      expect(otherSecret.status).toBe(403);
      // A client cannot make up `_entities` representations (or a caller) either.
      const forged = JSON.stringify({ query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { ${o.awardsField} { id } } } }`, variables: { r: [{ __typename: 'Person', id: persons[0] }] } });
      const headers = signRequest({ secret: sg.secret, from: GATEWAY, to: sg.name, method: 'POST', path: '/graphql', body: forged, caller: { sub: 'x', role: 'COORDINATOR' } });
      const tampered = await fetch(sg.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: forged.replace(persons[0]!, persons[1]!) });
      expect(tampered.status).toBe(403);
      const first = await fetch(sg.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: forged });
      expect(first.status).toBe(200);
      const replayed = await fetch(sg.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: forged });
      expect(replayed.status).toBe(403);
      const ingestUnsigned = await fetch(`${sg.base}/ingest/x/records`, { method: 'POST', body: '{"records":[]}' });
      expect(ingestUnsigned.status).toBe(401);
    });

    it('refuses a signed body that is not UTF-8 (a GBK export) as such: not as forged, and no replacement characters stored', async () => {
      // 张三 in GBK: the signature covers these bytes, so only the encoding is wrong.
      const gbk = Buffer.concat([Buffer.from(`{"records":[{"line":1,"record":${JSON.stringify(award(110)).slice(0, -1)},"details":{"note":"`), Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]), Buffer.from('"}}}]}')]);
      const res = await signedFetch(`${sg.base}/ingest/gbk${Date.now()}/records`, sg.secret, { from: LOADER, caller: null, body: gbk });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'body is not valid UTF-8' });
    });

    it('gives analysts and auditors no person-level field', async () => {
      for (const role of ['ANALYST', 'AUDITOR'] as const) {
        const res = await sg.query(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { ${o.awardsField} { id } } } }`, { r: [{ __typename: 'Person', id: persons[0] }] }, { sub: 'a', role });
        expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(JSON.stringify(res.data)).not.toContain('T-');
      }
    });

    it('refuses another department’s records and bad details, naming line and field, writing nothing', async () => {
      const foreign = await ingest(sg, [award(100), award(101, { department: o.foreignProgramme.department, programme: o.foreignProgramme.programme })]);
      expect(foreign.status).toBe(422);
      expect(foreign.errors).toEqual([expect.objectContaining({ line: 2, field: 'department' })]);
      const mismatched = await ingest(sg, [award(102, { programme: o.foreignProgramme.programme })]);
      expect(mismatched.errors).toEqual([expect.objectContaining({ line: 1, field: 'programme' })]);
      const bad = await ingest(sg, [award(103, { details: o.badDetails })]);
      expect(bad.status).toBe(422);
      expect(bad.errors![0]!.field).toMatch(/^details\./);
      const res = await sg.query(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Household { ${o.awardsField} { id } } } }`, { r: [{ __typename: 'Household', id: 'H0' }] });
      const ids = res.data!._entities[0][o.awardsField].map((a: { id: string }) => a.id);
      expect(ids).not.toContain('T-100');
      expect(ids).toContain('T-0');
    });
  });
}
