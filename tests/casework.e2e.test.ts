import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Caller } from '@saf/auth';
import { rowsOf } from '@saf/db';
import { subgraphSigningSecret } from '@saf/auth';
import { signedFetch } from '@saf/testing';
import { loadFile } from '@saf/loader';
import { writeNdjson } from './support/files.ts';
import { meansHousehold, STANDARD } from './support/casework.ts';
import { eventually } from './support/faults.ts';
import { startSystem, type System } from './support/system.ts';

// Casework (SPEC section 10) through the gateway: the steps of an application with their roles,
// refused out of order, by the wrong role or outside jurisdiction; the archive; the list.

const CW_A: Caller = { sub: 'cw-a', role: 'CASEWORKER', region: '654002' };
const CW_B: Caller = { sub: 'cw-b', role: 'CASEWORKER', region: '654002' };
const CW_ELSEWHERE: Caller = { sub: 'cw-x', role: 'CASEWORKER', region: '654023' };
const CA_OFFICER: Caller = { sub: 'ca-1', role: 'DEPARTMENT_OFFICER', department: 'CIVIL_AFFAIRS' };
const JUSTICE_OFFICER: Caller = { sub: 'ju-1', role: 'DEPARTMENT_OFFICER', department: 'JUSTICE' };
const CA_OFFICER_ELSEWHERE: Caller = { sub: 'ca-2', role: 'DEPARTMENT_OFFICER', department: 'CIVIL_AFFAIRS', region: '654023' };
const HEALTH_OFFICER: Caller = { sub: 'he-1', role: 'DEPARTMENT_OFFICER', department: 'HEALTH' };
const ANALYST: Caller = { sub: 'an-1', role: 'ANALYST' };
const AUDITOR: Caller = { sub: 'au-1', role: 'AUDITOR' };

const poor = meansHousehold(1, [{ incomes: [{ monthlyFen: 100_000 }, { monthlyFen: 90_000, endDate: '2024-12-31' }], properties: [{ kind: 'RESIDENTIAL' }, { kind: 'COMMERCIAL', disposedDate: '2023-01-01' }] }, { incomes: [{ monthlyFen: 50_000 }] }, {}]);
const other = meansHousehold(2, [{}, {}]);
// Hand-computed against the standard of 72,000 fen: 144,000 over 2 is at it; 80,000 for one above it.
const atStandard = meansHousehold(3, [{ incomes: [{ monthlyFen: 144_000 }] }, {}]);
const aboveStandard = meansHousehold(4, [{ incomes: [{ monthlyFen: 80_000 }] }]);
const commercial = meansHousehold(5, [{ properties: [{ kind: 'RESIDENTIAL' }, { kind: 'COMMERCIAL' }] }, {}]);
const twoHomes = meansHousehold(6, [{ properties: [{ kind: 'RESIDENTIAL' }] }, { properties: [{ kind: 'RESIDENTIAL' }], incomes: [{ monthlyFen: 30_000 }] }]);
// 215,999 over 3: 71,999 a head, a fen below the standard.
const justBelow = meansHousehold(7, [{ incomes: [{ monthlyFen: 200_000 }] }, { incomes: [{ monthlyFen: 15_999 }] }, {}]);
const whileDown = meansHousehold(8, [{ incomes: [{ monthlyFen: 20_000 }] }, {}]);
// Eligible (30,000 over 2), but the second member already has 特困 dispersed support: a 低保
// award for every member collides with it (EXCLUSIVE_PROGRAMMES), a case planted for the sweep.
const exclusive = meansHousehold(9, [{ incomes: [{ monthlyFen: 30_000 }] }, {}]);
const EXCLUSIVE_TK = { type: 'award', id: 'CA-CW-TK-9', department: 'CIVIL_AFFAIRS', programme: 'EXTREME_POVERTY_DISPERSED', personId: exclusive.persons[1], householdId: exclusive.householdId, regionCode: '654002', amountFen: 93_600, frequency: 'MONTHLY', startDate: '2025-01-01', endDate: null, status: 'ACTIVE', details: {} };
// Eligible at the visit (40,000 over 2); the data change before the approval (tests below).
const incomeRises = meansHousehold(10, [{ incomes: [{ monthlyFen: 40_000 }] }, {}]);
const incomeChanges = meansHousehold(11, [{ incomes: [{ monthlyFen: 40_000 }] }, {}]);
// For the race of an approval with a withdrawal or rejection: 10,000 for one.
const raced = meansHousehold(12, [{ incomes: [{ monthlyFen: 10_000 }] }]);
// Legal aid approved while civil affairs is down: justice writes the award, its registration is lost.
const unconfirmed = meansHousehold(13, [{}]);
// 特困 already paid to the head: a 低保 award would be EXCLUSIVE_PROGRAMMES with it.
const EXTREME = { type: 'award', id: 'CA-CW-TK-3', department: 'CIVIL_AFFAIRS', programme: 'EXTREME_POVERTY_DISPERSED', personId: atStandard.persons[0], householdId: atStandard.householdId, regionCode: '654002', amountFen: 93_600, frequency: 'MONTHLY', startDate: '2025-01-01', endDate: null, status: 'ACTIVE', details: {} };

const APP = `id stage householdId personId programme department regionCode amountFen consentSignedBy consentSignedOn awardId filedBy waitingDays waitingHours stageSince noticeStart noticeEnd openObjections availableActions approvalInProgress { status since }
  assessment { complete missingDepartments householdSize incomePerHeadFen standardFen eligible reasons gapFen }
  findings { rule }
  history { action by byRole at note fromStage toStage assessment { complete } }`;
const SUBMIT = `mutation Submit($input: ApplicationInput!) { submitApplication(input: $input) { ${APP} } }`;
const ADVANCE = `mutation Advance($id: ID!, $action: ApplicationAction!, $note: String!) { advanceApplication(id: $id, action: $action, note: $note) { ${APP} } }`;
const READ = `query ReadApplication($id: ID!) { application(id: $id) { ${APP} } }`;
const LIST = `query Applications($region: String!, $stage: ApplicationStage, $first: Int, $after: String) { applications(regionCode: $region, stage: $stage, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id stage personId waitingDays approvalInProgress { status } } } } }`;

describe('casework: the steps of an application', () => {
  let system: System;
  const coordinationDb = () => system.subgraphs.get('coordination')!.database.db;
  const submit = (input: Record<string, unknown>, caller: Caller = CW_A) => system.query(SUBMIT, { input }, { caller });
  const advance = (id: string, action: string, caller: Caller, note = `${action} note`) => system.query(ADVANCE, { id, action, note }, { caller });
  const minimumLiving = (h: typeof poor, person = 0) => ({ householdId: h.householdId, personId: h.persons[person], programme: 'MINIMUM_LIVING_URBAN', reason: '家庭收入低于当地低保标准', consentSignedBy: h.persons[0], consentSignedOn: '2026-11-30' });
  /** The notice started `days` days ago (the test cannot wait a week). */
  const backdateNotice = (id: string, days: number) => coordinationDb().execute(sql`UPDATE applications SET notice_start = notice_start - ${days}::int, notice_end = notice_end - ${days}::int WHERE id = ${id}`);

  beforeAll(async () => {
    system = await startSystem();
    const result = await loadFile(await writeNdjson([STANDARD, EXTREME, EXCLUSIVE_TK, ...[poor, other, atStandard, aboveStandard, commercial, twoHomes, justBelow, whileDown, exclusive, incomeRises, incomeChanges, raced, unconfirmed].flatMap((h) => h.records)]), system.loadOptions);
    expect(result.ok).toBe(true);
  });
  afterAll(() => system?.stop());

  it('refuses to file for the wrong role, outside jurisdiction, without the authorisation, or for someone not of the household', async () => {
    for (const caller of [CA_OFFICER, ANALYST, CW_ELSEWHERE]) {
      const res = await submit(minimumLiving(poor), caller);
      expect(res.errors?.[0]?.extensions?.code, caller.sub).toBe('FORBIDDEN');
      expect(JSON.stringify(res.data ?? null)).not.toContain(poor.persons[0]);
    }
    const noConsent = await submit({ ...minimumLiving(poor), consentSignedBy: null, consentSignedOn: null });
    expect(noConsent.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'consentSignedBy' });
    const strangerSigned = await submit({ ...minimumLiving(poor), consentSignedBy: other.persons[0] });
    expect(strangerSigned.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'consentSignedBy' });
    const notMember = await submit({ ...minimumLiving(poor), personId: other.persons[0] });
    expect(notMember.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'personId' });
    const future = await submit({ ...minimumLiving(poor), consentSignedOn: '2999-01-01' });
    expect(future.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'consentSignedOn' });
    const list = await system.query(LIST, { region: '654002' }, { caller: CW_A });
    expect(list.data!.applications.totalCount).toBe(0);
  });

  it('takes a 低保 application from intake to approval, refusing every step out of order, by the wrong role or outside jurisdiction', async () => {
    const filed = await submit(minimumLiving(poor, 1));
    expect(filed.errors).toBeUndefined();
    const app = filed.data!.submitApplication;
    expect(app).toMatchObject({ stage: 'SUBMITTED', department: 'CIVIL_AFFAIRS', regionCode: '654002', filedBy: CW_A.sub, consentSignedBy: poor.persons[0], consentSignedOn: '2026-11-30', awardId: null });
    expect(app.availableActions).toEqual(['RECORD_VISIT', 'WITHDRAW']);
    const id = app.id as string;
    const stageIs = async (stage: string) => expect((await system.query(READ, { id }, { caller: CW_A })).data!.application.stage).toBe(stage);

    // Out of order at SUBMITTED.
    for (const action of ['REVIEW', 'START_NOTICE', 'OBJECT', 'RESOLVE_OBJECTION', 'APPEAL']) {
      const res = await advance(id, action, CW_B);
      expect(res.errors?.[0]?.extensions, action).toMatchObject({ code: 'BAD_USER_INPUT', stage: 'SUBMITTED' });
    }
    for (const action of ['APPROVE', 'REJECT']) expect((await advance(id, action, CA_OFFICER)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', stage: 'SUBMITTED' });
    // The wrong role, or outside jurisdiction.
    expect((await advance(id, 'RECORD_VISIT', CA_OFFICER)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await advance(id, 'RECORD_VISIT', CW_ELSEWHERE)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await advance(id, 'RECORD_VISIT', CW_A, '   ')).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
    await stageIs('SUBMITTED');

    const visited = await advance(id, 'RECORD_VISIT', CW_A, '入户核实：三口人，一处住房');
    expect(visited.errors).toBeUndefined();
    expect(visited.data!.advanceApplication.stage).toBe('ASSESSED');
    // The township's review is by someone other than the filer.
    const ownReview = await advance(id, 'REVIEW', CW_A);
    expect(ownReview.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringMatching(/other than who filed/) });
    expect((await advance(id, 'REVIEW', CW_ELSEWHERE)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await advance(id, 'REVIEW', CA_OFFICER)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await stageIs('ASSESSED');
    expect((await advance(id, 'REVIEW', CW_B, '审核通过')).data!.advanceApplication.stage).toBe('REVIEWED');
    const notice = (await advance(id, 'START_NOTICE', CW_B, '社区公示栏张贴')).data!.advanceApplication;
    expect(notice.stage).toBe('IN_NOTICE');
    const days = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000;
    expect(days(notice.noticeStart, notice.noticeEnd)).toBe(6);

    // Before the 7 days have run: refused.
    const early = await advance(id, 'APPROVE', CA_OFFICER);
    expect(early.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', stage: 'IN_NOTICE' }, message: expect.stringMatching(/7 days/) });
    await backdateNotice(id, 7);
    // An objection holds approval until resolved.
    const objected = await advance(id, 'OBJECT', CW_B, '邻居反映家中有经营收入');
    expect(objected.data!.advanceApplication).toMatchObject({ stage: 'IN_NOTICE', openObjections: 1 });
    expect((await advance(id, 'APPROVE', CA_OFFICER)).errors?.[0]?.message).toMatch(/objection/);
    expect((await advance(id, 'RESOLVE_OBJECTION', CA_OFFICER, '核实无经营收入，异议不成立')).data!.advanceApplication.openObjections).toBe(0);
    expect((await advance(id, 'RESOLVE_OBJECTION', CW_B)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', stage: 'IN_NOTICE' });
    // Only an officer of the owning department approves, within their region when they have one.
    for (const caller of [HEALTH_OFFICER, CW_A, CW_B, CA_OFFICER_ELSEWHERE]) expect((await advance(id, 'APPROVE', caller)).errors?.[0]?.extensions?.code, caller.sub).toBe('FORBIDDEN');
    await stageIs('IN_NOTICE');
    const approved = await advance(id, 'APPROVE', CA_OFFICER, '同意纳入低保');
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.advanceApplication.stage).toBe('APPROVED');
    for (const action of ['WITHDRAW', 'APPEAL', 'RECORD_VISIT']) expect((await advance(id, action, CW_A)).errors?.[0]?.extensions?.stage).toBe('APPROVED');
    for (const action of ['APPROVE', 'REJECT']) expect((await advance(id, action, CA_OFFICER)).errors?.[0]?.extensions?.stage).toBe('APPROVED');

    // The archive: every step, who, when, the note, the assessment as it was.
    const archive = (await system.query(READ, { id }, { caller: CA_OFFICER })).data!.application;
    expect(archive.history.map((e: { action: string; by: string; fromStage: string | null; toStage: string }) => [e.action, e.by, e.fromStage, e.toStage])).toEqual([
      ['SUBMIT', CW_A.sub, null, 'SUBMITTED'],
      ['RECORD_VISIT', CW_A.sub, 'SUBMITTED', 'ASSESSED'],
      ['REVIEW', CW_B.sub, 'ASSESSED', 'REVIEWED'],
      ['START_NOTICE', CW_B.sub, 'REVIEWED', 'IN_NOTICE'],
      ['OBJECT', CW_B.sub, 'IN_NOTICE', 'IN_NOTICE'],
      ['RESOLVE_OBJECTION', CA_OFFICER.sub, 'IN_NOTICE', 'IN_NOTICE'],
      ['APPROVE', CA_OFFICER.sub, 'IN_NOTICE', 'APPROVED'],
    ]);
    expect(archive.history[1]).toMatchObject({ note: '入户核实：三口人，一处住房', byRole: 'CASEWORKER', assessment: { complete: true } });
    expect(archive.history.every((e: { at: string }) => !Number.isNaN(Date.parse(e.at)))).toBe(true);
  });

  it('rejects with a reason, takes an appeal back to review, and withdraws', async () => {
    const app = (await submit({ householdId: other.householdId, personId: other.persons[1], programme: 'TEMPORARY_ASSISTANCE', amountFen: 150_000, reason: '突发重病', consentSignedBy: other.persons[0], consentSignedOn: '2026-12-01' })).data!.submitApplication;
    const id = app.id as string;
    await advance(id, 'RECORD_VISIT', CW_A);
    expect((await advance(id, 'REJECT', CA_OFFICER)).errors?.[0]?.extensions?.stage).toBe('ASSESSED');
    await advance(id, 'REVIEW', CW_B);
    const rejected = await advance(id, 'REJECT', CA_OFFICER, '已享受医疗救助，不重复救助');
    expect(rejected.data!.advanceApplication.stage).toBe('REJECTED');
    expect((await advance(id, 'APPEAL', CA_OFFICER)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await advance(id, 'APPROVE', CA_OFFICER)).errors?.[0]?.extensions?.stage).toBe('REJECTED');
    const appealed = await advance(id, 'APPEAL', CW_A, '申请人提出复核');
    expect(appealed.data!.advanceApplication).toMatchObject({ stage: 'REVIEWED', noticeStart: null });
    const withdrawn = await advance(id, 'WITHDRAW', CW_A, '申请人撤回');
    expect(withdrawn.data!.advanceApplication.stage).toBe('WITHDRAWN');
    expect(withdrawn.data!.advanceApplication.availableActions).toEqual([]);
    expect(withdrawn.data!.advanceApplication.history.map((e: { action: string }) => e.action)).toEqual(['SUBMIT', 'RECORD_VISIT', 'REVIEW', 'REJECT', 'APPEAL', 'WITHDRAW']);
    expect(withdrawn.data!.advanceApplication.history[3].note).toBe('已享受医疗救助，不重复救助');
  });

  it('lets one of two steps taken at once win, and one of two filings of the same application', async () => {
    const input = { householdId: other.householdId, personId: other.persons[0], programme: 'LEGAL_AID', amountFen: 0, reason: '劳动争议' };
    const twice = await Promise.all([submit(input), submit(input)]);
    expect(twice.filter((r) => !r.errors).length).toBe(1);
    expect(twice.find((r) => r.errors)!.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'personId' });
    const id = twice.find((r) => !r.errors)!.data!.submitApplication.id as string;
    await advance(id, 'RECORD_VISIT', CW_A);
    const both = await Promise.all(['one', 'two', 'three'].map((n) => advance(id, 'REVIEW', CW_B, n)));
    expect(both.filter((r) => !r.errors).length).toBe(1);
    for (const lost of both.filter((r) => r.errors)) expect(['CONFLICT', 'BAD_USER_INPUT']).toContain(lost.errors![0]!.extensions!.code);
    const history = (await system.query(READ, { id }, { caller: CW_A })).data!.application.history;
    expect(history.filter((e: { action: string }) => e.action === 'REVIEW')).toHaveLength(1);
  });

  it('lists applications per stage for those who may see them, with how long each has waited', async () => {
    const all = await system.query(LIST, { region: '654002', first: 2 }, { caller: CW_A });
    expect(all.errors).toBeUndefined();
    expect(all.data!.applications.totalCount).toBe(3);
    expect(all.data!.applications.pageInfo.hasNextPage).toBe(true);
    const rest = await system.query(LIST, { region: '654002', first: 2, after: all.data!.applications.pageInfo.endCursor }, { caller: CW_A });
    expect(rest.data!.applications.edges).toHaveLength(1);
    const approved = await system.query(LIST, { region: '654002', stage: 'APPROVED' }, { caller: CA_OFFICER });
    expect(approved.data!.applications.edges.map((e: { node: { stage: string } }) => e.node.stage)).toEqual(['APPROVED']);
    // Another department's officer sees none of civil affairs' applications; the legal aid one is justice's.
    const health = await system.query(LIST, { region: '654002' }, { caller: HEALTH_OFFICER });
    expect(health.data!.applications.totalCount).toBe(0);
    for (const caller of [CW_ELSEWHERE, ANALYST]) expect((await system.query(LIST, { region: '654002' }, { caller })).errors?.[0]?.extensions?.code, caller.sub).toBe('FORBIDDEN');
    // Waiting time: an application that reached its stage three days ago has waited three days.
    const id = approved.data!.applications.edges[0].node.id as string;
    await coordinationDb().execute(sql`UPDATE applications SET stage_since = now() - interval '3 days 2 hours' WHERE id = ${id}`);
    expect((await system.query(READ, { id }, { caller: CA_OFFICER })).data!.application).toMatchObject({ waitingDays: 3, waitingHours: 74 });
    // Outside jurisdiction, another department, analysts: FORBIDDEN, the same as for no such application.
    for (const caller of [CW_ELSEWHERE, HEALTH_OFFICER, ANALYST]) {
      const res = await system.query(READ, { id }, { caller });
      expect(res.errors?.[0]?.extensions?.code, caller.sub).toBe('FORBIDDEN');
      expect(res.data?.application ?? null).toBeNull();
    }
    expect((await system.query(READ, { id: 'APP-NONE' }, { caller: CW_A })).errors?.[0]?.message).toBe((await system.query(READ, { id }, { caller: CW_ELSEWHERE })).errors?.[0]?.message);
  });

  it('keeps the archive unchanged: the database refuses to edit or delete a step', async () => {
    await expect(coordinationDb().execute(sql`UPDATE application_events SET note = 'changed'`)).rejects.toThrow();
    await expect(coordinationDb().execute(sql`DELETE FROM application_events`)).rejects.toThrow();
    const rows = await rowsOf<{ n: number }>(coordinationDb(), sql`SELECT count(*)::int AS n FROM application_events WHERE note = 'changed'`);
    expect(rows[0]!.n).toBe(0);
  });

  it('logs a read of an application under the persons and household it names', async () => {
    const list = await system.query(LIST, { region: '654002', stage: 'APPROVED' }, { caller: CA_OFFICER });
    const id = list.data!.applications.edges[0].node.id;
    await system.query(READ, { id }, { caller: CW_B });
    const log = await system.query(`query Log($p: ID!) { accessLog(personId: $p, first: 50) { edges { node { sub operation subjectIds } } } }`, { p: poor.persons[1] }, { caller: AUDITOR });
    expect(log.errors).toBeUndefined();
    expect(log.data!.accessLog.edges.map((e: { node: object }) => e.node)).toContainEqual(expect.objectContaining({ sub: CW_B.sub, operation: 'ReadApplication', subjectIds: expect.arrayContaining([poor.persons[1], poor.householdId]) }));
  });

  it('assembles the assessment through the graph: income at, a fen below and above the standard, property conditions, the findings the award would cause', async () => {
    const assessmentOf = async (h: typeof poor) => {
      const res = await submit(minimumLiving(h));
      expect(res.errors).toBeUndefined();
      return res.data!.submitApplication;
    };
    const poorHead = (await system.query(LIST, { region: '654002', stage: 'APPROVED' }, { caller: CW_A })).data!.applications.edges[0].node.id;
    // The approved one: 100,000 + 50,000 (an ended income left out) over 3 = 50,000; one residence, the commercial one disposed of.
    expect((await system.query(READ, { id: poorHead }, { caller: CW_A })).data!.application.assessment).toMatchObject({ complete: true, missingDepartments: [], householdSize: 3, incomePerHeadFen: 50_000, standardFen: 72_000, eligible: true, gapFen: 22_000 });
    const at = await assessmentOf(atStandard);
    expect(at.assessment).toMatchObject({ complete: true, householdSize: 2, incomePerHeadFen: 72_000, standardFen: 72_000, eligible: false, gapFen: null });
    expect(at.findings.map((f: { rule: string }) => f.rule)).toEqual(['EXCLUSIVE_PROGRAMMES']);
    expect((await assessmentOf(justBelow)).assessment).toMatchObject({ householdSize: 3, incomePerHeadFen: 71_999, eligible: true, gapFen: 1 });
    const above = await assessmentOf(aboveStandard);
    expect(above.assessment).toMatchObject({ householdSize: 1, incomePerHeadFen: 80_000, eligible: false });
    expect(above.findings).toEqual([]);
    const shop = await assessmentOf(commercial);
    expect(shop.assessment).toMatchObject({ incomePerHeadFen: 0, eligible: false, reasons: expect.arrayContaining([expect.stringMatching(/商业用房/)]) });
    expect((await assessmentOf(twoHomes)).assessment).toMatchObject({ incomePerHeadFen: 15_000, eligible: false, reasons: expect.arrayContaining([expect.stringMatching(/住房 2 套/)]) });

    // An ineligible household may be reviewed and published, never approved: rejected with the reason.
    const id = above.id as string;
    await advance(id, 'RECORD_VISIT', CW_A);
    await advance(id, 'REVIEW', CW_B);
    await advance(id, 'START_NOTICE', CW_B);
    await backdateNotice(id, 7);
    const refused = await advance(id, 'APPROVE', CA_OFFICER);
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', stage: 'IN_NOTICE' }, message: expect.stringMatching(/not eligible/) });
    expect((await advance(id, 'REJECT', CA_OFFICER, '人均收入高于低保标准')).data!.advanceApplication.stage).toBe('REJECTED');
  });

  it('names a department that is down in the assessment, which then holds the review (and so the approval) until it is assembled again', async () => {
    const labour = system.subgraphs.get('labour')!;
    await labour.stop();
    let id: string;
    try {
      const filed = await submit(minimumLiving(whileDown));
      expect(filed.errors).toBeUndefined();
      const app = filed.data!.submitApplication;
      id = app.id;
      expect(app.assessment).toMatchObject({ complete: false, missingDepartments: ['LABOUR'], householdSize: 2, incomePerHeadFen: null, eligible: null, gapFen: null });
      expect(app.assessment.reasons.join(' ')).toMatch(/LABOUR/);
      const visited = (await advance(id, 'RECORD_VISIT', CW_A)).data!.advanceApplication;
      expect(visited.assessment).toMatchObject({ complete: false, missingDepartments: ['LABOUR'] });
      const review = await advance(id, 'REVIEW', CW_B);
      expect(review.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', stage: 'ASSESSED' }, message: expect.stringMatching(/incomplete \(LABOUR/) });
    } finally {
      await labour.restart();
    }
    await eventually(async () => expect((await system.query(`query Back($p: ID!) { person(id: $p) { incomes { id } } }`, { p: whileDown.persons[0] }, { caller: CW_A })).errors).toBeUndefined());
    const again = (await advance(id!, 'RECORD_VISIT', CW_A, '人社恢复后重新核对')).data!.advanceApplication;
    expect(again.assessment).toMatchObject({ missingDepartments: [], householdSize: 2, incomePerHeadFen: 10_000, eligible: true, gapFen: 62_000 });
    expect((await advance(id!, 'REVIEW', CW_B)).data!.advanceApplication.stage).toBe('REVIEWED');
    // The archive keeps the incomplete assessment as it was at the first steps.
    const history = (await system.query(READ, { id: id! }, { caller: CW_A })).data!.application.history;
    expect(history.map((e: { assessment: { complete: boolean } | null }) => e.assessment?.complete)).toEqual([false, false, ...history.slice(2).map(() => true)]);
  });

  it('with civil affairs down, files nothing and records a visit that concludes nothing', async () => {
    const id = (await submit({ householdId: other.householdId, personId: other.persons[1], programme: 'MEDICAL_ASSISTANCE_OUTPATIENT', amountFen: 30_000, reason: '门诊费用' })).data!.submitApplication.id as string;
    const civil = system.subgraphs.get('civil-affairs')!;
    await civil.stop();
    try {
      const refused = await submit(minimumLiving(other, 0));
      expect(refused.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
      const visited = await advance(id, 'RECORD_VISIT', CW_A, '民政系统故障时入户');
      expect(visited.errors).toBeUndefined();
      expect(visited.data!.advanceApplication).toMatchObject({ stage: 'ASSESSED', assessment: { complete: false, missingDepartments: expect.arrayContaining(['CIVIL_AFFAIRS']), eligible: null, householdSize: 2 } });
    } finally {
      await civil.restart();
    }
    // Civil affairs answers again (the gateway's breaker closed) before the next tests.
    await eventually(async () => expect((await system.query(`query Back($id: ID!) { household(id: $id) { id } }`, { id: other.householdId }, { caller: CW_A })).errors).toBeUndefined(), 60_000, 500);
    expect((await advance(id, 'WITHDRAW', CW_A, '撤回')).data!.advanceApplication.stage).toBe('WITHDRAWN');
  });

  it('applies the conditions the coordination office sets: a new version, logged with its note, used at the next visit', async () => {
    const read = await system.query(`{ eligibilityRules { version json } }`, {}, { caller: CW_A });
    expect(read.data!.eligibilityRules.version).toBe(0);
    const rules = JSON.parse(read.data!.eligibilityRules.json);
    rules.programmes.MINIMUM_LIVING_URBAN.maxResidences = 2;
    const UPDATE = `mutation Update($rules: String!, $note: String!) { updateEligibilityRules(rules: $rules, note: $note) { version changedBy note } }`;
    expect((await system.query(UPDATE, { rules: JSON.stringify(rules), note: '试行' }, { caller: CW_A })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await system.query(UPDATE, { rules: '{"consentRequired":["X"]}', note: '错' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rules' });
    const updated = await system.query(UPDATE, { rules: JSON.stringify(rules), note: '两套住房可纳入（试点）' });
    expect(updated.data!.updateEligibilityRules).toMatchObject({ version: 1, changedBy: 'coordinator-1', note: '两套住房可纳入（试点）' });
    const id = (await system.query(LIST, { region: '654002', stage: 'SUBMITTED' }, { caller: CW_A })).data!.applications.edges.find((e: { node: { personId: string } }) => e.node.personId === twoHomes.persons[0]).node.id;
    const visited = (await advance(id, 'RECORD_VISIT', CW_A)).data!.advanceApplication;
    expect(visited.assessment).toMatchObject({ eligible: true, incomePerHeadFen: 15_000, gapFen: 57_000 });
  });

  it('publishes the applications in notice masked, on the list and as a printable page: no ID, birth date, full name or address', async () => {
    const inNotice = async (h: typeof poor, person: number) => {
      const list = await system.query(LIST, { region: '654002' }, { caller: CW_A });
      const found = list.data!.applications.edges.find((e: { node: { personId: string; stage: string } }) => e.node.personId === h.persons[person] && e.node.stage === 'SUBMITTED');
      const id = found ? found.node.id : (await submit(minimumLiving(h, person))).data!.submitApplication.id;
      await advance(id, 'RECORD_VISIT', CW_A);
      await advance(id, 'REVIEW', CW_B);
      expect((await advance(id, 'START_NOTICE', CW_B)).data!.advanceApplication.stage).toBe('IN_NOTICE');
      return id as string;
    };
    const wang = await inNotice(justBelow, 0);
    const ayi = await inNotice(commercial, 1);
    const NOTICE = `query Notice($r: String!) { publicNotice(regionCode: $r) { applicationId maskedName regionCode programme householdSize amountFen noticeStart noticeEnd } publicNoticeHtml(regionCode: $r) }`;
    const res = await system.query(NOTICE, { r: '654002' }, { caller: ANALYST });
    expect(res.errors).toBeUndefined();
    const entries = res.data!.publicNotice;
    expect(entries.find((e: { applicationId: string }) => e.applicationId === wang)).toMatchObject({ maskedName: '王**', regionCode: '654002', programme: 'MINIMUM_LIVING_URBAN', householdSize: 3, amountFen: 3 });
    expect(entries.find((e: { applicationId: string }) => e.applicationId === ayi)).toMatchObject({ maskedName: '阿*******', householdSize: 2 });
    const html = res.data!.publicNoticeHtml as string;
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('王**');
    expect(html).toContain('城市居民最低生活保障');
    const households = [poor, other, atStandard, aboveStandard, commercial, twoHomes, justBelow, whileDown];
    const published = JSON.stringify(entries) + html;
    for (const h of households) {
      expect(published).not.toContain(h.householdId);
      for (const record of h.records as { type: string; id: string; name?: string; birthDate?: string; address?: string }[]) {
        if (record.type === 'person') {
          expect(published).not.toContain(record.id);
          expect(published).not.toContain(record.name);
          expect(published).not.toContain(record.birthDate);
          expect(published).not.toContain(record.id.slice(6, 14));
        }
        if (record.address) expect(published).not.toContain('解放路');
      }
    }
    // Under another county: nothing. Once the 7 days have run, off the notice (awaiting approval).
    expect((await system.query(NOTICE, { r: '654023' }, { caller: CW_ELSEWHERE })).data!.publicNotice).toEqual([]);
    await backdateNotice(wang, 7);
    expect((await system.query(NOTICE, { r: '654002' })).data!.publicNotice.map((e: { applicationId: string }) => e.applicationId)).not.toContain(wang);
  });

  it('creates the award in the owning department on approval: 低保 for every member at the gap, in the household picture, caught by checks and the next sweep', async () => {
    const PICTURE = `query Picture($id: ID!) { household(id: $id) { awards { id department programme personId amountFen frequency startDate endDate status } } }`;
    const approved = (await system.query(LIST, { region: '654002', stage: 'APPROVED' }, { caller: CW_A })).data!.applications.edges[0].node.id as string;
    const app = (await system.query(READ, { id: approved }, { caller: CW_A })).data!.application;
    expect(app.awardId).toBe(`${approved}-1`);
    const today = app.history.at(-1).at.slice(0, 10);
    const picture = await system.query(PICTURE, { id: poor.householdId }, { caller: CW_A });
    expect(picture.errors).toBeUndefined();
    const granted = picture.data!.household.awards.filter((a: { id: string }) => a.id.startsWith(approved));
    // (720 − 500) 元 = 22,000 fen a month for each of the three members; the applicant's is the application's award.
    expect(granted.map((a: { id: string; personId: string }) => [a.id, a.personId])).toEqual(expect.arrayContaining([[`${approved}-1`, poor.persons[1]], [`${approved}-2`, expect.any(String)], [`${approved}-3`, expect.any(String)]]));
    expect(granted).toHaveLength(3);
    for (const a of granted) expect(a).toMatchObject({ department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_URBAN', amountFen: 22_000, frequency: 'MONTHLY', status: 'ACTIVE', endDate: null });
    expect(new Set(granted.map((a: { startDate: string }) => a.startDate)).size).toBe(1);
    expect(Math.abs(Date.parse(granted[0].startDate) - Date.parse(today))).toBeLessThanOrEqual(86_400_000);
    // A second 低保 for the applicant is now caught before it is granted.
    const CHECK = `query Check($award: ProposedAwardInput!) { checkProposedAward(award: $award) { rule awardIds } }`;
    const check = await system.query(CHECK, { award: { department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_URBAN', personId: poor.persons[1], householdId: poor.householdId, regionCode: '654002', amountFen: 10_000, frequency: 'MONTHLY', startDate: '2027-01-01' } }, { caller: CW_A });
    expect(check.data!.checkProposedAward).toContainEqual({ rule: 'SAME_PROGRAMME_OVERLAP', awardIds: expect.arrayContaining([`${approved}-1`]) });

    // A planted conflict: approved with the finding shown, then found by the next sweep.
    const filed = (await submit(minimumLiving(exclusive))).data!.submitApplication;
    expect(filed.findings.map((f: { rule: string }) => f.rule)).toEqual(['EXCLUSIVE_PROGRAMMES']);
    const id = filed.id as string;
    await advance(id, 'RECORD_VISIT', CW_A);
    await advance(id, 'REVIEW', CW_B);
    await advance(id, 'START_NOTICE', CW_B);
    await backdateNotice(id, 7);
    // Both at once: one approval, the same awards.
    const twice = await Promise.all([advance(id, 'APPROVE', CA_OFFICER, '同意'), advance(id, 'APPROVE', CA_OFFICER, '同意')]);
    expect(twice.filter((r) => !r.errors)).toHaveLength(1);
    const history = (await system.query(READ, { id }, { caller: CW_A })).data!.application.history;
    expect(history.filter((e: { action: string }) => e.action === 'APPROVE')).toHaveLength(1);
    const sweep = await system.query(`mutation { runDuplicateAidSweep(regionCode: "654002") { id } }`, {}, { caller: CW_A });
    const sweepId = sweep.data!.runDuplicateAidSweep.id;
    await eventually(async () => expect((await system.query(`query S($id: ID!) { duplicateAidSweep(id: $id) { status } }`, { id: sweepId }, { caller: CW_A })).data!.duplicateAidSweep.status).toBe('DONE'), 60_000, 250);
    const findings = await system.query(`{ duplicateAidFindings(regionCode: "654002", first: 100) { edges { node { rule awardIds } } } }`, {}, { caller: CW_A });
    expect(findings.data!.duplicateAidFindings.edges.map((e: { node: object }) => e.node)).toContainEqual({ rule: 'EXCLUSIVE_PROGRAMMES', awardIds: expect.arrayContaining(['CA-CW-TK-9', `${id}-2`]) });
  });

  it('creates another department’s award on its officer’s approval, registered with civil affairs; the departments take grants from the coordination office only', async () => {
    const legal = (await system.query(LIST, { region: '654002', stage: 'REVIEWED' }, { caller: CW_A })).data!.applications.edges.find((e: { node: { personId: string } }) => e.node.personId === other.persons[0]).node.id as string;
    await advance(legal, 'START_NOTICE', CW_B);
    await backdateNotice(legal, 7);
    expect((await advance(legal, 'APPROVE', CA_OFFICER)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Justice down: the award cannot be written there, so the approval is refused and the stage stays.
    const justiceService = system.subgraphs.get('justice')!;
    await justiceService.stop();
    try {
      const down = await advance(legal, 'APPROVE', JUSTICE_OFFICER, '指派律师');
      expect(down.errors?.[0]).toMatchObject({ extensions: { code: 'SUBGRAPH_UNAVAILABLE' }, message: expect.stringMatching(/JUSTICE did not answer/) });
      expect((await system.query(READ, { id: legal }, { caller: CW_A })).data!.application).toMatchObject({ stage: 'IN_NOTICE', awardId: null });
    } finally {
      await justiceService.restart();
    }
    const approved = await advance(legal, 'APPROVE', JUSTICE_OFFICER, '指派律师');
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.advanceApplication).toMatchObject({ stage: 'APPROVED', department: 'JUSTICE', awardId: `${legal}-1` });
    const picture = await system.query(`query P($id: ID!) { household(id: $id) { awards { id department programme personId status } } }`, { id: other.householdId }, { caller: CW_A });
    expect(picture.data!.household.awards).toContainEqual({ id: `${legal}-1`, department: 'JUSTICE', programme: 'LEGAL_AID', personId: other.persons[0], status: 'ACTIVE' });

    const justice = system.subgraphs.get('justice')!.url.replace(/\/graphql$/, '/grants');
    const body = JSON.stringify({ applicationId: 'APP-20261207-ABCDEF0123', records: [{ type: 'award', id: 'APP-20261207-ABCDEF0123-1', department: 'JUSTICE', programme: 'LEGAL_AID', personId: other.persons[1], householdId: other.householdId, regionCode: '654002', amountFen: 0, frequency: 'ONCE', startDate: '2026-01-01', endDate: '2026-01-01', status: 'ACTIVE', details: {} }] });
    const secret = subgraphSigningSecret('justice', {}, 'test');
    expect((await fetch(justice, { method: 'POST', body })).status).toBe(401);
    for (const from of ['gateway', 'loader']) expect((await signedFetch(justice, secret, { from, to: 'justice', body })).status, from).toBe(403);
    // Coordination's signature for an id that is not the application's (a loaded award): refused.
    const foreign = body.replace('"id":"APP-20261207-ABCDEF0123-1"', '"id":"JU-1-LEGAL_AID"');
    expect((await signedFetch(justice, secret, { from: 'coordination', to: 'justice', body: foreign })).status).toBe(400);
    expect((await signedFetch(justice, secret, { from: 'coordination', to: 'justice', body })).status).toBe(200);
  });

  /** Filed, visited, reviewed and published, the notice run: ready for the officer. */
  const readyToApprove = async (h: typeof poor) => {
    const filed = await submit(minimumLiving(h));
    expect(filed.errors).toBeUndefined();
    const id = filed.data!.submitApplication.id as string;
    for (const [action, caller] of [['RECORD_VISIT', CW_A], ['REVIEW', CW_B], ['START_NOTICE', CW_B]] as const) expect((await advance(id, action, caller)).errors, action).toBeUndefined();
    await backdateNotice(id, 7);
    return id;
  };
  const PICTURE_AWARDS = `query PictureAwards($id: ID!) { household(id: $id) { awards { id personId amountFen } } }`;
  const awardsOf = async (householdId: string, applicationId: string) => {
    const picture = await system.query(PICTURE_AWARDS, { id: householdId }, { caller: CW_A });
    expect(picture.errors).toBeUndefined();
    return picture.data!.household.awards.filter((a: { id: string }) => a.id.startsWith(`${applicationId}-`)) as { id: string; personId: string; amountFen: number }[];
  };

  it('assembles the economic check again at the approval: income that rose above the standard since the visit blocks it', async () => {
    const id = await readyToApprove(incomeRises);
    const before = (await system.query(READ, { id }, { caller: CA_OFFICER })).data!.application;
    expect(before.assessment).toMatchObject({ eligible: true, incomePerHeadFen: 20_000 });
    // Labour records a new wage for the second member after the visit: 40,000 + 120,000 over 2 = 80,000, above 72,000.
    const raise = { type: 'income', id: 'RS-CW-10-1-9', department: 'LABOUR', personId: incomeRises.persons[1], source: 'WAGE', monthlyFen: 120_000, startDate: '2026-01-01', endDate: null };
    expect((await loadFile(await writeNdjson([raise]), system.loadOptions)).ok).toBe(true);
    const refused = await advance(id, 'APPROVE', CA_OFFICER, '同意');
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', stage: 'IN_NOTICE' }, message: expect.stringMatching(/not eligible now/) });
    expect(refused.errors![0]!.message).toMatch(/80000|80,000|800/);
    const after = (await system.query(READ, { id }, { caller: CA_OFFICER })).data!.application;
    expect(after).toMatchObject({ stage: 'IN_NOTICE', awardId: null });
    expect(after.history.map((e: { action: string }) => e.action)).not.toContain('APPROVE');
    expect(await awardsOf(incomeRises.householdId, id)).toEqual([]);
    expect((await advance(id, 'REJECT', CA_OFFICER, '审批时核对：家庭人均收入已高于低保标准')).data!.advanceApplication.stage).toBe('REJECTED');
  });

  it('assembles it as the coordination office for the officer: a department down blocks the approval naming it; the decision keeps the check as it was then', async () => {
    const id = await readyToApprove(incomeChanges);
    // A smaller new wage after the visit: 40,000 + 20,000 over 2 = 30,000 a head, still below the standard.
    const wage = { type: 'income', id: 'RS-CW-11-1-9', department: 'LABOUR', personId: incomeChanges.persons[1], source: 'WAGE', monthlyFen: 20_000, startDate: '2026-01-01', endDate: null };
    expect((await loadFile(await writeNdjson([wage]), system.loadOptions)).ok).toBe(true);
    const labour = system.subgraphs.get('labour')!;
    await labour.stop();
    try {
      const down = await advance(id, 'APPROVE', CA_OFFICER, '同意');
      expect(down.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', stage: 'IN_NOTICE' }, message: expect.stringMatching(/incomplete \(LABOUR did not answer\)/) });
      expect((await system.query(READ, { id }, { caller: CW_A })).data!.application).toMatchObject({ stage: 'IN_NOTICE', awardId: null });
    } finally {
      await labour.restart();
    }
    await eventually(async () => expect((await system.query(`query Back($p: ID!) { person(id: $p) { incomes { id } } }`, { p: incomeChanges.persons[0] }, { caller: CW_A })).errors).toBeUndefined());
    const approved = await advance(id, 'APPROVE', CA_OFFICER, '同意纳入低保');
    expect(approved.errors).toBeUndefined();
    const app = approved.data!.advanceApplication;
    // The archive: the visit's check as it was, the approval's as assembled at the approval.
    const visit = app.history.find((e: { action: string }) => e.action === 'RECORD_VISIT');
    const decision = app.history.find((e: { action: string }) => e.action === 'APPROVE');
    expect(visit.assessment).toMatchObject({ complete: true });
    const archive = await rowsOf<{ action: string; assessment: { incomePerHeadFen: number; gapFen: number; complete: boolean } }>(coordinationDb(), sql`SELECT action, assessment FROM application_events WHERE application_id = ${id} ORDER BY seq`);
    expect(archive.find((e) => e.action === 'RECORD_VISIT')!.assessment).toMatchObject({ incomePerHeadFen: 20_000, gapFen: 52_000 });
    expect(archive.find((e) => e.action === 'APPROVE')!.assessment).toMatchObject({ complete: true, incomePerHeadFen: 30_000, gapFen: 42_000 });
    expect(decision.assessment).toMatchObject({ complete: true });
    expect(app.assessment).toMatchObject({ incomePerHeadFen: 30_000, gapFen: 42_000, eligible: true });
    // The awards at the gap as it is now: (720 − 300) 元 for each of the two.
    expect((await awardsOf(incomeChanges.householdId, id)).map((a) => a.amountFen)).toEqual([42_000, 42_000]);
    // The office read the labour and housing data under its own name, for the officer, with the officer's purpose.
    const log = await system.query(`query Log($p: ID!) { accessLog(personId: $p, first: 100) { edges { node { sub role purpose operation } } } }`, { p: incomeChanges.persons[1] }, { caller: AUDITOR });
    expect(log.errors).toBeUndefined();
    expect(log.data!.accessLog.edges.map((e: { node: object }) => e.node)).toContainEqual(expect.objectContaining({ sub: `coordination office (approval of ${id} for ${CA_OFFICER.sub})`, role: 'COORDINATOR', operation: 'CaseworkMeans' }));
  });

  it('never lets a WITHDRAW or REJECT win against an approval whose awards are written: both sent at once, many times, one wins and no award is left behind', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i++) {
      const id = await readyToApprove(raced);
      const other = i % 2 === 0 ? () => advance(id, 'WITHDRAW', CW_A, '申请人撤回') : () => advance(id, 'REJECT', CA_OFFICER, '不予批准');
      // The second request at a different moment each time: before, during and after the awards are written.
      const [approve, second] = await Promise.all([advance(id, 'APPROVE', CA_OFFICER, '同意'), new Promise((r) => setTimeout(r, (i % 4) * 60)).then(other)]);
      const won = [approve, second].filter((r) => !r.errors);
      expect(won, `round ${i}`).toHaveLength(1);
      // The loser: CONFLICT when it ran while the other did, or refused at the stage the other left.
      for (const lost of [approve, second].filter((r) => r.errors)) expect(['CONFLICT', 'BAD_USER_INPUT'], `round ${i}: ${lost.errors![0]!.message}`).toContain(lost.errors![0]!.extensions!.code);
      const app = (await system.query(READ, { id }, { caller: CW_A })).data!.application;
      const awards = await awardsOf(raced.householdId, id);
      if (app.stage === 'APPROVED') {
        expect(awards.map((a) => a.id)).toEqual([`${id}-1`]);
        expect(app.awardId).toBe(`${id}-1`);
      } else {
        expect(['WITHDRAWN', 'REJECTED']).toContain(app.stage);
        expect(awards, `round ${i}: an award left behind by a ${app.stage} application`).toEqual([]);
      }
      outcomes.push(app.stage);
    }
    expect(outcomes).toHaveLength(8);
  });

  it('shows an approval whose outcome is unknown as such (approvalInProgress UNCONFIRMED), not as a plain notice; only APPROVE again is offered, and it completes the approval', async () => {
    const filed = await submit({ householdId: unconfirmed.householdId, personId: unconfirmed.persons[0], programme: 'LEGAL_AID', amountFen: 0, reason: '劳动争议，申请法律援助' });
    expect(filed.errors).toBeUndefined();
    const id = filed.data!.submitApplication.id as string;
    for (const [action, caller] of [['RECORD_VISIT', CW_A], ['REVIEW', CW_B], ['START_NOTICE', CW_B]] as const) expect((await advance(id, action, caller)).errors, action).toBeUndefined();
    await backdateNotice(id, 7);
    expect((await system.query(READ, { id }, { caller: CW_A })).data!.application.approvalInProgress).toBeNull();
    // Justice writes the award; civil affairs, which registers who pays whom, does not answer: the
    // approval's outcome is not known (the same state a timed-out answer leaves).
    const civil = system.subgraphs.get('civil-affairs')!;
    const before = Date.now();
    await civil.stop();
    try {
      const lost = await advance(id, 'APPROVE', JUSTICE_OFFICER, '指派律师');
      expect(lost.errors?.[0]).toMatchObject({ extensions: { code: 'SUBGRAPH_UNAVAILABLE' }, message: expect.stringMatching(/written in JUSTICE but civil affairs did not register it.*approve again/) });
    } finally {
      await civil.restart();
    }
    const shown = (await system.query(READ, { id }, { caller: CW_A })).data!.application;
    // The stage SPEC names stays IN_NOTICE (not approved until confirmed); what is under way is told beside it.
    expect(shown).toMatchObject({ stage: 'IN_NOTICE', awardId: null, approvalInProgress: { status: 'UNCONFIRMED' }, availableActions: [] });
    expect(Date.parse(shown.approvalInProgress.since)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(shown.approvalInProgress.since)).toBeLessThanOrEqual(Date.now());
    // The list says it too, for the township and the department.
    for (const caller of [CW_A, JUSTICE_OFFICER]) {
      const listed = await system.query(LIST, { region: '654002', stage: 'IN_NOTICE' }, { caller });
      expect(listed.data!.applications.edges.find((e: { node: { id: string } }) => e.node.id === id)?.node, caller.sub).toMatchObject({ stage: 'IN_NOTICE', approvalInProgress: { status: 'UNCONFIRMED' } });
    }
    // Nothing but APPROVE: the justice officer is offered it; a withdrawal is refused, saying what completes it.
    expect((await system.query(READ, { id }, { caller: JUSTICE_OFFICER })).data!.application.availableActions).toEqual(['APPROVE']);
    const withdraw = await advance(id, 'WITHDRAW', CW_A, '申请人撤回');
    expect(withdraw.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringMatching(/approving again completes it/) });
    // An approval whose process is still running is RUNNING and offers nothing; one whose process
    // stopped more than 5 minutes ago is as unknown as a lost answer, and APPROVE is offered again.
    const claim = (state: string, ago: string) => coordinationDb().execute(sql`UPDATE applications SET approval_claim = ${state}, approval_claimed_at = now() - ${ago}::interval WHERE id = ${id}`);
    await claim('RUNNING', '10 seconds');
    const running = (await system.query(READ, { id }, { caller: JUSTICE_OFFICER })).data!.application;
    expect(running).toMatchObject({ stage: 'IN_NOTICE', approvalInProgress: { status: 'RUNNING' }, availableActions: [] });
    await claim('RUNNING', '6 minutes');
    expect((await system.query(READ, { id }, { caller: JUSTICE_OFFICER })).data!.application).toMatchObject({ approvalInProgress: { status: 'UNCONFIRMED' }, availableActions: ['APPROVE'] });
    await claim('UNCONFIRMED', '6 minutes');
    // APPROVE again completes it: the same award, now registered with civil affairs.
    const done = await advance(id, 'APPROVE', JUSTICE_OFFICER, '再次批准，完成审批');
    expect(done.errors).toBeUndefined();
    expect(done.data!.advanceApplication).toMatchObject({ stage: 'APPROVED', awardId: `${id}-1`, approvalInProgress: null });
    await eventually(async () => expect(await awardsOf(unconfirmed.householdId, id)).toEqual([expect.objectContaining({ id: `${id}-1`, personId: unconfirmed.persons[0] })]));
  });
});
