import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeResidentId } from '@saf/identity';
import { ingest, startSubgraph, type StartedSubgraph } from '@saf/testing';
import { createServer } from '../src/server.ts';

describe('civil affairs statistics fields', () => {
  let sg: StartedSubgraph;
  const DATE = '2024-09-01';
  // H1: 低保 household (award to the head, recorded against the household) with children of
  // 4, 6, 15 and 16 on the date. H2: no 低保, a 特困 child of 10. H3: 低保 paid to a member, the
  // award recorded without a household. H4: elsewhere.
  const head1 = makeResidentId('654002', '1980-01-01', 11);
  const five = makeResidentId('654002', '2019-09-02', 13); // 4 on the date (5 the day after)
  const six = makeResidentId('654002', '2018-09-01', 15); // 6 on the date
  const fifteen = makeResidentId('654002', '2008-09-02', 17); // 15 until 2024-09-01 inclusive
  const sixteen = makeResidentId('654002', '2008-09-01', 19); // 16 on the date
  const orphan = makeResidentId('654003', '2014-03-03', 21);
  const head3 = makeResidentId('654003', '1970-01-01', 23);
  const kid3 = makeResidentId('654003', '2012-01-01', 25);
  const far = makeResidentId('654021', '2012-01-01', 27);
  const person = (id: string, birthDate: string, householdId: string, relation: string) => ({ type: 'person', id, name: '测试', gender: Number(id[16]) % 2 ? 'MALE' : 'FEMALE', birthDate, householdId, relation });
  const award = (id: string, programme: string, personId: string, householdId: string | null, regionCode: string, extra: object = {}) => ({
    type: 'award', id, department: 'CIVIL_AFFAIRS', programme, personId, householdId, regionCode, amountFen: 40000, frequency: 'MONTHLY', startDate: '2024-01-01', endDate: null, status: 'ACTIVE', details: {}, ...extra,
  });

  beforeAll(async () => {
    sg = await startSubgraph('civil-affairs', createServer, new URL('../', import.meta.url));
    const res = await ingest(sg, [
      { type: 'household', id: 'H1', regionCode: '654002001', hukou: 'URBAN' },
      { type: 'household', id: 'H2', regionCode: '654003', hukou: 'RURAL' },
      { type: 'household', id: 'H3', regionCode: '654003', hukou: 'RURAL' },
      { type: 'household', id: 'H4', regionCode: '654021', hukou: 'RURAL' },
      person(head1, '1980-01-01', 'H1', 'HEAD'),
      person(five, '2019-09-02', 'H1', 'CHILD'),
      person(six, '2018-09-01', 'H1', 'CHILD'),
      person(fifteen, '2008-09-02', 'H1', 'CHILD'),
      person(sixteen, '2008-09-01', 'H1', 'CHILD'),
      person(orphan, '2014-03-03', 'H2', 'HEAD'),
      person(head3, '1970-01-01', 'H3', 'HEAD'),
      person(kid3, '2012-01-01', 'H3', 'CHILD'),
      person(far, '2012-01-01', 'H4', 'HEAD'),
      award('CA-1', 'MINIMUM_LIVING_URBAN', head1, 'H1', '654002'),
      award('CA-2', 'EXTREME_POVERTY_DISPERSED', orphan, 'H2', '654003'),
      award('CA-3', 'MINIMUM_LIVING_RURAL', head3, null, '654003'),
      award('CA-4', 'MINIMUM_LIVING_RURAL', far, 'H4', '654021', { status: 'SUSPENDED' }),
      award('CA-5', 'DISASTER_RELIEF', head3, 'H3', '654003', { frequency: 'ONCE', startDate: '2024-05-02', details: { disasterType: 'FLOOD', occurredAt: '2024-05-01T08:00:00+08:00', reliefAt: '2024-05-02T07:00:00+08:00' } }),
      award('CA-6', 'DISASTER_RELIEF', far, 'H4', '654021', { frequency: 'ONCE', startDate: '2024-05-02', details: { occurredAt: '2024-05-01T08:00:00+08:00' } }),
      award('CA-7', 'DISASTER_RELIEF', head1, 'H1', '654002', { frequency: 'ONCE', startDate: '2023-05-02', details: { occurredAt: '2023-05-01T08:00:00+08:00', reliefAt: '2023-05-03T08:00:00+08:00' } }),
    ]);
    expect(res).toMatchObject({ status: 200 });
  });
  afterAll(() => sg?.stop());

  const MEMBERS = `query ($r: String!, $d: String, $min: Int, $max: Int, $pp: [Programme!]) {
    _internalAssistedMembers(regionCode: $r, date: $d, householdProgrammes: [MINIMUM_LIVING_URBAN, MINIMUM_LIVING_RURAL], personProgrammes: $pp, minAge: $min, maxAge: $max) { personId householdId regionCode }
  }`;

  it('finds school-age children (6 to 15 on the date) of 低保 households and 特困 children', async () => {
    const res = await sg.query(MEMBERS, { r: '6540', d: DATE, min: 6, max: 15, pp: ['EXTREME_POVERTY_CENTRALIZED', 'EXTREME_POVERTY_DISPERSED'] });
    expect(res.errors).toBeUndefined();
    expect(res.data!._internalAssistedMembers).toEqual(
      [
        { personId: six, householdId: 'H1', regionCode: '654002001' },
        { personId: fifteen, householdId: 'H1', regionCode: '654002001' },
        { personId: orphan, householdId: 'H2', regionCode: '654003' },
        { personId: kid3, householdId: 'H3', regionCode: '654003' },
      ].sort((a, b) => a.personId.localeCompare(b.personId)),
    );
  });

  it('lists every member of a 低保 household, by award household or by member', async () => {
    const res = await sg.query(MEMBERS, { r: '65', d: DATE });
    const ids = res.data!._internalAssistedMembers.map((m: { personId: string }) => m.personId);
    expect(ids.sort()).toEqual([head1, five, six, fifteen, sixteen, head3, kid3].sort());
  });

  it('lists them a page at a time, in order of resident ID', async () => {
    const PAGE = `query ($first: Int, $after: ID) { _internalAssistedMembers(regionCode: "65", date: "${DATE}", householdProgrammes: [MINIMUM_LIVING_URBAN, MINIMUM_LIVING_RURAL], first: $first, after: $after) { personId } }`;
    const all = [head1, five, six, fifteen, sixteen, head3, kid3].sort();
    const pages: string[][] = [];
    for (let after: string | null = null; ; ) {
      const res = await sg.query(PAGE, { first: 3, after });
      const ids: string[] = res.data!._internalAssistedMembers.map((m: { personId: string }) => m.personId);
      pages.push(ids);
      if (ids.length < 3) break;
      after = ids.at(-1)!;
    }
    expect(pages).toEqual([all.slice(0, 3), all.slice(3, 6), all.slice(6)]);
    const tooMany = await sg.query(PAGE, { first: 10_001 });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('locates persons, under a prefix when given', async () => {
    const res = await sg.query(`query ($ids: [ID!]!) { all: _internalLocatePersons(personIds: $ids, date: "${DATE}") { personId householdId } some: _internalLocatePersons(personIds: $ids, regionCode: "654002", date: "${DATE}") { personId } }`, { ids: [six, far, '000000000000000000'] });
    expect(res.data!.all).toEqual([{ personId: six, householdId: 'H1' }, { personId: far, householdId: 'H4' }].sort((a, b) => a.personId.localeCompare(b.personId)));
    expect(res.data!.some).toEqual([{ personId: six }]);
  });

  it('lists disaster relief cases that occurred in the period, with the recorded times', async () => {
    const res = await sg.query(`{ _internalDisasterReliefCases(regionCode: "6540", from: "2024-01-01", to: "${DATE}") { awardId householdId regionCode occurredAt reliefAt } }`);
    expect(res.data!._internalDisasterReliefCases).toEqual([
      { awardId: 'CA-5', householdId: 'H3', regionCode: '654003', occurredAt: '2024-05-01T08:00:00+08:00', reliefAt: '2024-05-02T07:00:00+08:00' },
      { awardId: 'CA-6', householdId: 'H4', regionCode: '654021', occurredAt: '2024-05-01T08:00:00+08:00', reliefAt: null },
    ]);
  });

  it('gives raw figures to the coordination office and refuses them to an analyst', async () => {
    const res = await sg.query(`{ civilAffairsStatistics(regionCode: "654003", date: "${DATE}") { programme regionCode beneficiaries households amountFen } }`);
    expect(res.data!.civilAffairsStatistics).toEqual([
      { programme: 'EXTREME_POVERTY_DISPERSED', regionCode: '654003', beneficiaries: 1, households: 1, amountFen: '40000' },
      { programme: 'MINIMUM_LIVING_RURAL', regionCode: '654003', beneficiaries: 1, households: 0, amountFen: '40000' },
    ]);
    const analyst = { sub: 'a-1', role: 'ANALYST' as const };
    for (const q of [
      `{ civilAffairsStatistics(regionCode: "65") { beneficiaries } }`,
      `{ _internalCivilAffairsRecipients(regionCode: "65") { personId } }`,
      `{ _internalLocatePersons(personIds: ["${six}"]) { personId } }`,
      `{ _internalAssistedMembers(regionCode: "65", householdProgrammes: [MINIMUM_LIVING_URBAN]) { personId } }`,
      `{ _internalDisasterReliefCases(regionCode: "65", from: "2024-01-01", to: "2024-12-31") { awardId } }`,
    ]) {
      const refused = await sg.query(q, {}, analyst);
      expect(refused.data).toBeNull();
      expect(refused.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    }
    const officer = await sg.query(`{ civilAffairsStatistics(regionCode: "65") { beneficiaries } }`, {}, { sub: 'o-1', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' });
    expect(officer.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });
});
