import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { makeResidentId } from '@saf/identity';
import { loadFile } from '@saf/loader';
import { findingId } from '@saf/rules';
import { duplicateIdentityAcrossCounties, householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

// Who may see which person (issue 25, holes 2, 9 and 10), through the real gateway and subgraphs.

const CASEWORKER_HERE: Caller = { sub: 'cw-chabuchaer', role: 'CASEWORKER', region: '654021' };
const CASEWORKER_YINING: Caller = { sub: 'cw-yining', role: 'CASEWORKER', region: '654002' };
const LABOUR: Caller = { sub: 'lb-prefecture', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' };
const LABOUR_HERE: Caller = { sub: 'lb-chabuchaer', role: 'DEPARTMENT_OFFICER', department: 'LABOUR', region: '654021' };
const HEALTH: Caller = { sub: 'he-prefecture', role: 'DEPARTMENT_OFFICER', department: 'HEALTH' };
const HOUSING: Caller = { sub: 'ho-prefecture', role: 'DEPARTMENT_OFFICER', department: 'HOUSING' };
const HOUSING_ELSEWHERE: Caller = { sub: 'ho-chabuchaer', role: 'DEPARTMENT_OFFICER', department: 'HOUSING', region: '654021' };
const HOUSING_YINING: Caller = { sub: 'ho-yining', role: 'DEPARTMENT_OFFICER', department: 'HOUSING', region: '654002' };

const everything = householdWithEverything(8);
const identity = duplicateIdentityAcrossCounties();
const { here, there } = identity;
// The planted housing finding of the duplicates test: low-rent housing beside the rental subsidy in one household of 654002.
const lowRent = { ...(everything.records[9] as object), id: 'HO-8-LOW_RENT', programme: 'LOW_RENT_HOUSING', personId: everything.persons.spouse, startDate: '2024-06-01', endDate: '2024-12-31', details: {} };
// A household in 654023 whose only aid is a labour award: labour's own person outside any region claim.
const worker = { householdId: 'H654023000011', personId: makeResidentId('654023', '1988-04-02', 11) };
const labourOnly = [
  { type: 'household', id: worker.householdId, regionCode: '654023', hukou: 'URBAN', address: '霍城县 清水河镇 2 号' },
  { type: 'person', id: worker.personId, name: '叶尔兰·吾斯曼', gender: 'MALE', birthDate: '1988-04-02', householdId: worker.householdId, relation: 'HEAD', deathDate: null },
  { type: 'award', id: 'LB-WORKER-TRAINING', department: 'LABOUR', programme: 'TRAINING_SUBSIDY', personId: worker.personId, householdId: worker.householdId, regionCode: '654023', amountFen: 80_000, frequency: 'ONCE', startDate: '2025-03-01', endDate: null, status: 'ENDED', details: {} },
];
// The finding the sweep files about the two registrations, by its stable id.
const IDENTITY_FINDING = findingId('POSSIBLE_DUPLICATE_IDENTITY', [here.personId, there.personId]);

/** What of `there` (the person in 654025) must never reach someone who may not see them. */
const THEIRS = [there.personId, there.name, there.householdId, 'CA-ID-RURAL', 'HE-ID-OUTPATIENT', 'MINIMUM_LIVING_RURAL', 'MEDICAL_ASSISTANCE_OUTPATIENT', '1973-12-27', IDENTITY_FINDING];
const HERS = [here.personId, here.name, here.householdId, 'CA-ID-URBAN', 'MINIMUM_LIVING_URBAN', '1973-12-27', IDENTITY_FINDING];

/** Every field of a finding that can name a person, a household or an award (as the graph had them before `outsideJurisdiction`). */
const FINDING = 'id rule householdId regionCode personIds awardIds awardKeys departments programmes explanation explanationEn status history { event note actor }';

async function sweep(system: System, regionCode: string) {
  const started = await system.query(`mutation ($r: String!) { runDuplicateAidSweep(regionCode: $r) { id } }`, { r: regionCode });
  expect(started.errors).toBeUndefined();
  for (let i = 0; i < 300; i++) {
    const res = await system.query(`query ($id: ID!) { duplicateAidSweep(id: $id) { status error } }`, { id: started.data!.runDuplicateAidSweep.id });
    if (res.data!.duplicateAidSweep.status !== 'RUNNING') return res.data!.duplicateAidSweep;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('sweep did not finish');
}

const absent = (answer: unknown, secrets: readonly string[]) => {
  const text = JSON.stringify(answer);
  for (const secret of secrets) expect(text, `leaks ${secret}`).not.toContain(secret);
};

describe('who may see which person', () => {
  let system: System;
  const loads: Awaited<ReturnType<typeof loadFile>>[] = [];

  beforeAll(async () => {
    system = await startSystem();
    const file = await writeNdjson([...everything.records, lowRent, ...identity.records, ...labourOnly]);
    loads.push(await loadFile(file, system.loadOptions), await loadFile(file, system.loadOptions));
    expect(loads.map((l) => l.ok)).toEqual([true, true]);
    expect(await sweep(system, '6540')).toMatchObject({ status: 'DONE' });
  });
  afterAll(() => system?.stop());

  it('civil affairs registers who each department pays as the file is loaded, once', () => {
    // Every other department's award in the file (9), with civil affairs' persons and households.
    expect(loads[0]).toMatchObject({ counts: { CIVIL_AFFAIRS: { household: 4, person: 7, award: 3, awardRecipient: 9 } } });
    // Loading the same file again changes nothing, the register included.
    expect(loads[1]).toMatchObject({ counts: { CIVIL_AFFAIRS: { household: 0, person: 0, award: 0, awardRecipient: 0 } } });
  });

  describe('another county’s person never comes with a finding (hole 2)', () => {
    it('the coordination office sees the whole duplicate identity, as filed', async () => {
      const res = await system.query(`query ($id: ID!) { duplicateAidFinding(id: $id) { ${FINDING} } }`, { id: IDENTITY_FINDING });
      expect(res.errors).toBeUndefined();
      expect(res.data!.duplicateAidFinding).toMatchObject({ rule: 'POSSIBLE_DUPLICATE_IDENTITY', personIds: [here.personId, there.personId] });
      expect(res.data!.duplicateAidFinding.awardKeys).toEqual(['CIVIL_AFFAIRS:CA-ID-RURAL', 'CIVIL_AFFAIRS:CA-ID-URBAN', 'HEALTH:HE-ID-OUTPATIENT']);
      // A coordinator's note names both registrations: it must not reach the county caseworker either.
      const noted = await system.query(`mutation ($id: ID!, $note: String!) { reviewDuplicateAidFinding(id: $id, decision: CONFIRM, note: $note) { status } }`, {
        id: IDENTITY_FINDING,
        note: `经核实 ${there.name}（${there.personId}）与 ${here.name} 为同一人，已通知新源县注销重复登记`,
      });
      expect(noted.data!.reviewDuplicateAidFinding.status).toBe('CONFIRMED');
    });

    it('a caseworker of the person’s county sees the lead on her and whom to contact, and nothing of the other registration', async () => {
      // The query as it was sent.
      const attack = await system.query(`{person(id:"${here.personId}"){duplicateAidFindings{personIds programmes explanation}}}`, undefined, { caller: CASEWORKER_HERE });
      expect(attack.errors).toBeUndefined();
      absent(attack, THEIRS);
      // Every field of the finding, on the person and on her household's members.
      const res = await system.query(
        `query ($p: ID!, $h: ID!) { person(id: $p) { duplicateAidFindings { ${FINDING} } } household(id: $h) { duplicateAidFindings { ${FINDING} } members { duplicateAidFindings { ${FINDING} } } } }`,
        { p: here.personId, h: here.householdId },
        { caller: CASEWORKER_HERE },
      );
      expect(res.errors).toBeUndefined();
      absent(res, THEIRS);
      const [finding, ...rest] = res.data!.person.duplicateAidFindings;
      expect(rest).toEqual([]);
      expect(attack.data!.person.duplicateAidFindings).toEqual([{ personIds: finding.personIds, programmes: finding.programmes, explanation: finding.explanation }]);
      expect(finding).toMatchObject({
        rule: 'POSSIBLE_DUPLICATE_IDENTITY',
        personIds: [here.personId],
        awardIds: ['CA-ID-URBAN'],
        awardKeys: ['CIVIL_AFFAIRS:CA-ID-URBAN'],
        programmes: ['MINIMUM_LIVING_URBAN'],
        departments: ['CIVIL_AFFAIRS'],
        householdId: null,
        status: 'CONFIRMED',
      });
      // Where the other registration is, to contact its civil affairs office.
      const where = await system.query(`query ($p: ID!) { person(id: $p) { duplicateAidFindings { outsideJurisdiction } } }`, { p: here.personId }, { caller: CASEWORKER_HERE });
      expect(where.data!.person.duplicateAidFindings).toEqual([{ outsideJurisdiction: ['654025'] }]);
      expect(finding.explanation).toContain('654025');
      expect(finding.explanation).toContain('民政');
      expect(finding.explanation).toContain(here.name);
      expect(finding.explanationEn).toContain('contact the civil affairs office of 654025');
      // The history says what happened, without the note that names her other registration.
      expect(finding.history.map((h: { event: string; note: string | null }) => [h.event, h.note])).toEqual([['FOUND', null], ['CONFIRMED', null]]);
      // The same lead again through the household's members, identically.
      expect(res.data!.household.members[0].duplicateAidFindings).toEqual([finding]);
    });

    it('nor by id, in the region’s list, in a proposed award’s check or in a review', async () => {
      const masked = (await system.query(`query ($p: ID!) { person(id: $p) { duplicateAidFindings { id } } }`, { p: here.personId }, { caller: CASEWORKER_HERE })).data!.person.duplicateAidFindings[0].id;
      for (const id of [IDENTITY_FINDING, masked]) {
        const byId = await system.query(`query ($id: ID!) { duplicateAidFinding(id: $id) { ${FINDING} } }`, { id }, { caller: CASEWORKER_HERE });
        expect(byId.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        absent(byId, THEIRS);
        const review = await system.query(`mutation ($id: ID!) { reviewDuplicateAidFinding(id: $id, decision: DISMISS, note: "不是同一人") { ${FINDING} } }`, { id }, { caller: CASEWORKER_HERE });
        expect(review.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        absent(review, THEIRS);
      }
      const list = await system.query(`{ duplicateAidFindings(regionCode: "654021", includeGone: true) { totalCount edges { node { ${FINDING} } } } }`, undefined, { caller: CASEWORKER_HERE });
      expect(list.errors).toBeUndefined();
      absent(list, THEIRS);
      const proposal = { department: 'CIVIL_AFFAIRS', programme: 'TEMPORARY_ASSISTANCE', personId: here.personId, householdId: here.householdId, regionCode: '654021', amountFen: 50_000, frequency: 'ONCE', startDate: '2025-02-01' };
      const check = await system.query(`query ($a: ProposedAwardInput!) { checkProposedAward(award: $a) { ${FINDING} } }`, { a: proposal }, { caller: CASEWORKER_HERE });
      expect(check.errors).toBeUndefined();
      absent(check, THEIRS);
    });

    it('an officer sees their own department’s person in it, and not the other registration', async () => {
      // Health pays the registration in 654025; the one in 654021 is not health's.
      const list = await system.query(`{ duplicateAidFindings(regionCode: "6540", rule: "POSSIBLE_DUPLICATE_IDENTITY", includeGone: true) { edges { node { ${FINDING} } } } }`, undefined, { caller: HEALTH });
      expect(list.errors).toBeUndefined();
      absent(list, HERS);
      const [node] = list.data!.duplicateAidFindings.edges.map((e: { node: unknown }) => e.node);
      expect(node).toMatchObject({ personIds: [there.personId], awardKeys: ['CIVIL_AFFAIRS:CA-ID-RURAL', 'HEALTH:HE-ID-OUTPATIENT'] });
      expect(node.explanation).toContain('654021');
      const person = await system.query(`query ($p: ID!) { person(id: $p) { name duplicateAidFindings { ${FINDING} } } }`, { p: there.personId }, { caller: HEALTH });
      expect(person.errors).toBeUndefined();
      expect(person.data!.person.name).toBe(there.name);
      absent(person, HERS);
      // The same masked lead on her person (its explanation there names her: the answer shows her name anyway).
      expect(person.data!.person.duplicateAidFindings).toMatchObject([{ id: node.id, personIds: node.personIds, awardKeys: node.awardKeys }]);
      expect(person.data!.person.duplicateAidFindings[0].explanation).toContain(there.name);
      const where = await system.query(`{ duplicateAidFindings(regionCode: "6540", rule: "POSSIBLE_DUPLICATE_IDENTITY") { edges { node { outsideJurisdiction } } } }`, undefined, { caller: HEALTH });
      expect(where.data!.duplicateAidFindings.edges).toEqual([{ node: { outsideJurisdiction: ['654021'] } }]);
    });
  });

  describe('a record elsewhere and none at all get the same answer (hole 9)', () => {
    const elsewhereId = there.personId;
    const noneId = makeResidentId('654125', '1973-12-27', 998);
    const noneHousehold = 'H654025999999';
    /** The answer without what differs between any two requests (the path, the request id). */
    const shape = (res: { status: number; data?: unknown; errors?: unknown[] }) =>
      JSON.parse(JSON.stringify({ status: res.status, data: res.data, errors: res.errors }, (key, value) => (key === 'path' || key === 'requestId' ? undefined : value)));

    const questionsFor = (caller: Caller) => {
      // A proposal of the caller's own department (an officer checks only those).
      const [department, programme] = caller.role === 'DEPARTMENT_OFFICER' ? ['LABOUR', 'TRAINING_SUBSIDY'] : ['CIVIL_AFFAIRS', 'MINIMUM_LIVING_RURAL'];
      const proposal = (personId: string) => ({ department, programme, personId, regionCode: '654021', amountFen: 40_000, frequency: 'MONTHLY', startDate: '2025-01-01' });
      const region = caller.region ?? '6540';

      /** Each question as a literal and as a variable, about something elsewhere and about nothing. */
      const questions: [string, (id: string) => string, string, (id: string) => Record<string, unknown>, string, string][] = [
        ['household', (id) => `{ household(id: "${id}") { id address members { name } } }`, `query ($id: ID!) { household(id: $id) { id address members { name } } }`, (id) => ({ id }), there.householdId, noneHousehold],
        ['person', (id) => `{ person(id: "${id}") { id name birthDate awards { programme } } }`, `query ($id: ID!) { person(id: $id) { id name birthDate awards { programme } } }`, (id) => ({ id }), elsewhereId, noneId],
        ['households', (id) => `{ households(ids: ["${id}"]) { id members { name } } }`, `query ($ids: [ID!]!) { households(ids: $ids) { id members { name } } }`, (id) => ({ ids: [id] }), there.householdId, noneHousehold],
        [
          'checkProposedAward',
          (id) => `{ checkProposedAward(award: { department: ${department}, programme: ${programme}, personId: "${id}", regionCode: "654021", amountFen: 40000, frequency: "MONTHLY", startDate: "2025-01-01" }) { rule personIds } }`,
          `query ($a: ProposedAwardInput!) { checkProposedAward(award: $a) { rule personIds } }`,
          (id) => ({ a: proposal(id) }),
          elsewhereId,
          noneId,
        ],
        ['duplicateAidFinding', (id) => `{ duplicateAidFinding(id: "${id}") { id personIds } }`, `query ($id: ID!) { duplicateAidFinding(id: $id) { id personIds } }`, (id) => ({ id }), IDENTITY_FINDING, 'F-00000000000000ff'],
        ['healthAward', (id) => `{ healthAward(id: "${id}") { personId programme } }`, `query ($id: ID!) { healthAward(id: $id) { personId programme } }`, (id) => ({ id }), 'HE-ID-OUTPATIENT', 'HE-ID-NOTHING'],
        // A search by ID number over all the caller may ask about: an empty list for both.
        ['searchHouseholds', (id) => `{ searchHouseholds(regionCode: "${region}", text: "${id}") { id } }`, `query ($r: String!, $t: String!) { searchHouseholds(regionCode: $r, text: $t) { id } }`, (id) => ({ r: region, t: id }), elsewhereId, noneId],
      ];
      return questions;
    };

    for (const caller of [CASEWORKER_HERE, LABOUR]) {
      it(`as ${caller.role} ${caller.region ?? caller.department}: household, person, households, checkProposedAward, a finding, an award`, async () => {
        for (const [name, literal, withVariables, variables, elsewhere, none] of questionsFor(caller)) {
          const answers = await Promise.all([
            system.query(literal(elsewhere), undefined, { caller }),
            system.query(literal(none), undefined, { caller }),
            system.query(withVariables, variables(elsewhere), { caller }),
            system.query(withVariables, variables(none), { caller }),
          ]);
          const [a, b, c, d] = answers.map(shape);
          if (name === 'searchHouseholds') expect(a, name).toEqual({ status: 200, data: { searchHouseholds: [] } });
          else expect(a.errors?.[0]?.extensions?.code, name).toBe('FORBIDDEN');
          expect(b, `${name}: literal`).toEqual(a);
          expect(c, `${name}: variable`).toEqual(a);
          expect(d, `${name}: variable`).toEqual(a);
          for (const answer of answers) absent(answer, THEIRS);
        }
      });
    }

    it('the coordination office, which sees everything, still gets a plain null for nothing', async () => {
      const res = await system.query(`query ($id: ID!) { person(id: $id) { id } }`, { id: noneId });
      expect(res.errors).toBeUndefined();
      expect(res.data!.person).toBeNull();
    });
  });

  describe('officers see the people their department pays, and their region’s (hole 10)', () => {
    const HOUSEHOLD = `query ($id: ID!) { household(id: $id) { id address members { id name } } }`;
    const PERSON = `query ($id: ID!) { person(id: $id) { id name household { id address } } }`;
    const listed = async (caller: Caller, regionCode: string) => {
      const res = await system.query(`query ($r: String!) { householdsInRegion(regionCode: $r, first: 100) { totalCount edges { node { id } } } }`, { r: regionCode }, { caller });
      expect(res.errors).toBeUndefined();
      return { ids: res.data!.householdsInRegion.edges.map((e: { node: { id: string } }) => e.node.id).sort(), totalCount: res.data!.householdsInRegion.totalCount };
    };

    it('a labour officer without a region reads no household without a labour award, by any path', async () => {
      // The hole-3 attack's list: only the households labour pays, wherever they are.
      expect(await listed(LABOUR, '6540')).toEqual({ ids: [everything.householdId, worker.householdId].sort(), totalCount: 2 });
      for (const [query, id] of [[HOUSEHOLD, here.householdId], [PERSON, here.personId], [HOUSEHOLD, there.householdId], [PERSON, there.personId]] as const) {
        const res = await system.query(query, { id }, { caller: LABOUR });
        expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        absent(res, [here.name, there.name, '团结路', '那拉提镇']);
      }
      for (const text of [here.name, here.personId, there.householdId, '娜尔']) {
        const res = await system.query(`query ($t: String!) { searchHouseholds(regionCode: "6540", text: $t) { id } }`, { t: text }, { caller: LABOUR });
        expect(res.errors).toBeUndefined();
        expect(res.data!.searchHouseholds).toEqual([]);
      }
      const batch = await system.query(`query ($ids: [ID!]!) { households(ids: $ids) { id } }`, { ids: [here.householdId, worker.householdId] }, { caller: LABOUR });
      expect(batch.data!.households).toEqual([null, { id: worker.householdId }]);
      // Another department's award by id is no way around it.
      const award = await system.query(`{ civilAffairsAward(id: "CA-ID-URBAN") { personId } }`, undefined, { caller: LABOUR });
      expect(award.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      absent(award, [here.personId]);
    });

    it('reads the person of their own award and that household, other departments’ awards without details, but no disability certificate', async () => {
      const person = await system.query(PERSON, { id: worker.personId }, { caller: LABOUR });
      expect(person.errors).toBeUndefined();
      expect(person.data!.person).toMatchObject({ id: worker.personId, name: '叶尔兰·吾斯曼', household: { id: worker.householdId } });
      const res = await system.query(
        `query ($id: ID!) { household(id: $id) { members { name labourAwards { publicWelfareJob { position } } civilAffairsAwards { programme minimumLiving { householdSize } } disabilityCertificates { category grade } } } }`,
        { id: everything.householdId },
        { caller: LABOUR },
      );
      const members = res.data!.household.members;
      expect(members.map((m: { name: string }) => m.name)).toContain('王芳');
      expect(members.flatMap((m: { labourAwards: { publicWelfareJob: unknown }[] }) => m.labourAwards.map((a) => a.publicWelfareJob))).toEqual([{ position: '保洁员' }]);
      const head = members.find((m: { name: string }) => m.name === '阿依古丽·买买提');
      expect(head.civilAffairsAwards).toEqual([{ programme: 'MINIMUM_LIVING_URBAN', minimumLiving: null }]);
      // Category and grade are the federation's (and caseworkers'): null with FORBIDDEN for labour.
      expect(members.map((m: { disabilityCertificates: unknown }) => m.disabilityCertificates)).toEqual([null, null, null, null]);
      expect(new Set(res.errors!.map((e) => e.extensions!.code))).toEqual(new Set(['FORBIDDEN']));
      absent(res, ['PHYSICAL']);
      const federation = await system.query(`query ($id: ID!) { person(id: $id) { disabilityCertificates { category grade } } }`, { id: everything.persons.elder }, { caller: { sub: 'dp-1', role: 'DEPARTMENT_OFFICER', department: 'DISABLED_PERSONS_FEDERATION' } });
      expect(federation.data!.person.disabilityCertificates).toEqual([{ category: 'PHYSICAL', grade: 1 }]);
    });

    it('with a region claim reads within it, and elsewhere only their own people', async () => {
      const house = await system.query(HOUSEHOLD, { id: here.householdId }, { caller: LABOUR_HERE });
      expect(house.errors).toBeUndefined();
      expect(house.data!.household.members).toEqual([{ id: here.personId, name: here.name }]);
      const away = await system.query(HOUSEHOLD, { id: there.householdId }, { caller: LABOUR_HERE });
      expect(away.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      absent(away, [there.name]);
      expect(await listed(LABOUR_HERE, '654021')).toEqual({ ids: [here.householdId], totalCount: 1 });
      expect(await listed(LABOUR_HERE, '6540')).toEqual({ ids: [everything.householdId, here.householdId, worker.householdId].sort(), totalCount: 3 });
      const search = await system.query(`query ($t: String!) { searchHouseholds(regionCode: "6540", text: $t) { id } }`, { t: '娜尔' }, { caller: LABOUR_HERE });
      expect(search.data!.searchHouseholds).toEqual([{ id: here.householdId }]);
    });

    it('reviews only a finding of their department in their jurisdiction', async () => {
      const live = await system.query(`query ($id: ID!) { household(id: $id) { duplicateAidFindings { id rule departments } } }`, { id: everything.householdId }, { caller: CASEWORKER_YINING });
      const finding = live.data!.household.duplicateAidFindings.find((f: { rule: string }) => f.rule === 'HOUSEHOLD_EXCLUSIVE_PROGRAMMES');
      expect(finding.departments).toEqual(['HOUSING']);
      const review = (caller: Caller) => system.query(`mutation ($id: ID!) { reviewDuplicateAidFinding(id: $id, decision: DISMISS, note: "廉租房已退出") { status } }`, { id: finding.id }, { caller });
      // Housing's officers read it wherever they are: it is their department's.
      const read = await system.query(`query ($id: ID!) { duplicateAidFinding(id: $id) { id status } }`, { id: finding.id }, { caller: HOUSING });
      expect(read.data!.duplicateAidFinding).toEqual({ id: finding.id, status: 'OPEN' });
      for (const caller of [HOUSING, HOUSING_ELSEWHERE, LABOUR_HERE, { ...LABOUR, region: '654002' } as Caller]) {
        const res = await review(caller);
        expect(res.errors?.[0]?.extensions?.code, caller.sub).toBe('FORBIDDEN');
      }
      expect((await system.query(`query ($id: ID!) { duplicateAidFinding(id: $id) { status history { event } } }`, { id: finding.id })).data!.duplicateAidFinding).toEqual({ status: 'OPEN', history: [{ event: 'FOUND' }] });
      const allowed = await review(HOUSING_YINING);
      expect(allowed.errors).toBeUndefined();
      expect(allowed.data!.reviewDuplicateAidFinding.status).toBe('DISMISSED');
    });
  });
});
