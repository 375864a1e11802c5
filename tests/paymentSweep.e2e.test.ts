import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { makeResidentId } from '@saf/identity';
import { loadFile } from '@saf/loader';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { COORDINATOR, startSystem, type System } from './support/system.ts';

// A payment sweep (SPEC section 11) over four households of 654002 for June 2025, with one planted
// case of every payment rule and near misses beside them.

const CASEWORKER: Caller = { sub: 'cw-654002', role: 'CASEWORKER', region: '654002' };
const LABOUR_OFFICER: Caller = { sub: 'lb-1', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' };
const PERIOD = '2025-06';
type Fixture = ReturnType<typeof householdWithEverything>;
const [h1, h2, h3, h4, h5] = [41, 42, 43, 44, 45].map((n) => householdWithEverything(n)) as [Fixture, Fixture, Fixture, Fixture, Fixture];
const ANALYST: Caller = { sub: 'an-1', role: 'ANALYST' };
const account = (id: string, personId: string, holderId: string, accountNumber: string) => ({ type: 'bankAccount', id, department: 'CIVIL_AFFAIRS', personId, bank: '农村信用合作社', accountNumber, holderId });
const payment = (id: string, department: string, awardId: string, personId: string, accountNumber: string, extra: object = {}) => ({
  type: 'payment', id, department, awardId, personId, period: PERIOD, amountFen: 50_000, accountNumber, paidDate: '2025-06-10', status: 'PAID', ...extra,
});
const A = { own1: '6228480000000001111', spouse1: '6228480000000002222', shared: '6228480000000003333', elder4: '6228480000000004444', spouse3: '6228480000000005555', elder2: '6228480000000006666' };
const UNREGISTERED = '6228480000000008888';
const ELSEWHERE = '6228480000000009999';
const OUTSIDER = {
  household: { type: 'household', id: 'H654021000099', regionCode: '654021', hukou: 'URBAN', address: '察布查尔县 团结路 9 号' },
  person: { type: 'person', id: makeResidentId('654021', '1980-03-03', 991), name: '马晓东', gender: 'MALE', birthDate: '1980-03-03', householdId: 'H654021000099', relation: 'HEAD', deathDate: null },
};
const elder4Dead = h4.records.map((r) => (r.type === 'person' && r.id === h4.persons.elder ? { ...r, deathDate: '2025-04-10' } : r));
const RECORDS = [
  ...h1.records, ...h2.records, ...h3.records, ...elder4Dead, ...h5.records,
  { type: 'award', id: 'CA-42-TK', department: 'CIVIL_AFFAIRS', programme: 'EXTREME_POVERTY_DISPERSED', personId: h2.persons.elder, householdId: h2.householdId, regionCode: '654002', amountFen: 50_000, frequency: 'MONTHLY', startDate: '2025-01-01', endDate: null, status: 'ACTIVE', details: {} },
  { type: 'award', id: 'DP-42-LIVING', department: 'DISABLED_PERSONS_FEDERATION', programme: 'DISABILITY_LIVING_SUBSIDY', personId: h2.persons.elder, householdId: h2.householdId, regionCode: '654002', amountFen: 50_000, frequency: 'MONTHLY', startDate: '2025-01-01', endDate: null, status: 'ACTIVE', details: {} },
  account('BA-1', h1.persons.head, h1.persons.head, A.own1),
  // Near miss: the spouse's benefit goes to the head's account (a member of the household).
  account('BA-2', h1.persons.spouse, h1.persons.head, A.spouse1),
  account('BA-3', h2.persons.head, h2.persons.head, A.shared),
  account('BA-4', h4.persons.elder, h4.persons.elder, A.elder4),
  account('BA-5', h3.persons.spouse, h3.persons.spouse, A.spouse3),
  account('BA-6', h2.persons.elder, h2.persons.elder, A.elder2),
  account('BA-7', h5.persons.head, h5.persons.head, '6228480000000007777'),
  // A fifth household paid cleanly: civil affairs' 低保 reaches 5 recipients in June (published).
  payment('MZ-6', 'CIVIL_AFFAIRS', 'CA-45-MINIMUM_LIVING_URBAN', h5.persons.head, '6228480000000007777'),
  payment('MZ-1', 'CIVIL_AFFAIRS', 'CA-41-MINIMUM_LIVING_URBAN', h1.persons.head, A.own1),
  // Near miss: a failed first try and the paid one.
  payment('MZ-1F', 'CIVIL_AFFAIRS', 'CA-41-MINIMUM_LIVING_URBAN', h1.persons.head, A.own1, { status: 'FAILED', paidDate: null }),
  // PAID_TWICE: labour pays the spouse's public welfare job twice for June.
  payment('RS-1', 'LABOUR', 'LB-41-PUBLIC_WELFARE_JOB', h1.persons.spouse, A.spouse1),
  payment('RS-2', 'LABOUR', 'LB-41-PUBLIC_WELFARE_JOB', h1.persons.spouse, A.spouse1, { paidDate: '2025-06-20' }),
  // Near miss: July's payment made in June is July's.
  payment('RS-3', 'LABOUR', 'LB-41-PUBLIC_WELFARE_JOB', h1.persons.spouse, A.spouse1, { period: '2025-07', paidDate: '2025-06-28' }),
  // AMOUNT_MISMATCH.
  payment('MZ-2', 'CIVIL_AFFAIRS', 'CA-42-MINIMUM_LIVING_URBAN', h2.persons.head, A.shared, { amountFen: 60_000 }),
  // SHARED_ACCOUNT: three households into H42's head's account; ACCOUNT_NOT_RECIPIENT for the other two.
  payment('MZ-3', 'CIVIL_AFFAIRS', 'CA-43-MINIMUM_LIVING_URBAN', h3.persons.head, A.shared),
  payment('MZ-4', 'CIVIL_AFFAIRS', 'CA-44-MINIMUM_LIVING_URBAN', h4.persons.head, A.shared),
  // PAID_AFTER_DEATH: the elder of H44 died in April.
  payment('CL-1', 'DISABLED_PERSONS_FEDERATION', 'DP-44-SEVERE_DISABILITY_NURSING_SUBSIDY', h4.persons.elder, A.elder4),
  // PAID_WITHOUT_AWARD: housing pays an award it does not have.
  payment('ZJ-1', 'HOUSING', 'HO-NONE', h3.persons.spouse, A.spouse3),
  // PAID_EXCLUSIVE: 特困 (civil affairs) and the disability living subsidy (federation) for one month.
  payment('MZ-5', 'CIVIL_AFFAIRS', 'CA-42-TK', h2.persons.elder, A.elder2),
  payment('CL-2', 'DISABLED_PERSONS_FEDERATION', 'DP-42-LIVING', h2.persons.elder, A.elder2),
  // ACCOUNT_NOT_RECIPIENT, the account registered nowhere: housing pays H43's rent subsidy into it.
  payment('ZJ-8', 'HOUSING', 'HO-43-RENTAL_SUBSIDY', h3.persons.head, UNREGISTERED),
  // ACCOUNT_NOT_RECIPIENT, the account registered to someone in another county (not on the sweep's pages).
  OUTSIDER.household, OUTSIDER.person,
  account('BA-9', OUTSIDER.person.id, OUTSIDER.person.id, ELSEWHERE),
  payment('ZJ-9', 'HOUSING', 'HO-45-RENTAL_SUBSIDY', h5.persons.head, ELSEWHERE),
  // May (not the month swept): justice pays an award it does not have to H44's elder, dead since
  // April, whom civil affairs therefore places nowhere that month (the funds figures' UNPLACED row).
  payment('JU-11', 'JUSTICE', 'JU-NONE', h4.persons.elder, A.elder4, { period: '2025-05', paidDate: '2025-05-10' }),
];
/** Loaded after the sweeps (the live findings' test): labour pays H45's spouse twice for August, into the head's account. */
const AUGUST = [
  payment('RS-20', 'LABOUR', 'LB-45-PUBLIC_WELFARE_JOB', h5.persons.spouse, '6228480000000007777', { period: '2025-08', paidDate: '2025-08-05' }),
  payment('RS-21', 'LABOUR', 'LB-45-PUBLIC_WELFARE_JOB', h5.persons.spouse, '6228480000000007777', { period: '2025-08', paidDate: '2025-08-25' }),
];
const PLANTED = {
  PAID_TWICE: [['RS-1', 'RS-2']],
  PAID_AFTER_DEATH: [['CL-1']],
  PAID_WITHOUT_AWARD: [['ZJ-1']],
  AMOUNT_MISMATCH: [['MZ-2']],
  SHARED_ACCOUNT: [['MZ-2', 'MZ-3', 'MZ-4']],
  ACCOUNT_NOT_RECIPIENT: [['MZ-3'], ['MZ-4'], ['ZJ-8'], ['ZJ-9']],
  PAID_EXCLUSIVE: [['CL-2', 'MZ-5']],
};

const SWEEP = 'id regionCode period status error findingsCount newCount goneCount paymentsChecked';
const FINDINGS = `query Findings($r: String!, $p: String) { paymentFindings(regionCode: $r, period: $p, first: 100) { totalCount edges { node { id rule personIds awardIds paymentIds period accountNumber explanation status departments history { event note actor } } } } }`;
type Node = { id: string; rule: string; paymentIds: string[]; status: string; accountNumber: string | null; explanation: string; history: { event: string; note: string | null }[] };

async function ended(system: System, id: string) {
  for (let i = 0; i < 600; i++) {
    const res = await system.query(`query ($id: ID!) { paymentSweep(id: $id) { ${SWEEP} } }`, { id });
    expect(res.errors).toBeUndefined();
    if (res.data!.paymentSweep.status !== 'RUNNING') return res.data!.paymentSweep;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the payment sweep did not end');
}
const run = (system: System, caller: Caller = COORDINATOR, period = PERIOD) => system.query(`mutation Run($r: String!, $p: String!) { runPaymentSweep(regionCode: $r, period: $p) { ${SWEEP} } }`, { r: '654002', p: period }, { caller });
async function nodes(system: System, caller: Caller = COORDINATOR): Promise<Node[]> {
  const res = await system.query(FINDINGS, { r: '654002', p: PERIOD }, { caller });
  expect(res.errors).toBeUndefined();
  return res.data!.paymentFindings.edges.map((e: { node: Node }) => e.node);
}
const byRule = (list: Node[]) => {
  const out: Record<string, string[][]> = {};
  for (const n of list) (out[n.rule] ??= []).push([...n.paymentIds].sort());
  for (const k of Object.keys(out)) out[k]!.sort((a, b) => a.join().localeCompare(b.join()));
  return out;
};

describe('payment sweeps (资金发放核查)', () => {
  let system: System;
  let first: Node[];
  // Starting nine subgraphs on the shared two-core host has taken over five minutes when it was busy.
  beforeAll(async () => {
    system = await startSystem();
    expect(await loadFile(await writeNdjson(RECORDS), system.loadOptions)).toMatchObject({ ok: true });
  }, 900_000);
  afterAll(() => system?.stop());

  it('finds exactly the planted cases of every rule across departments, account numbers masked', async () => {
    const started = await run(system);
    expect(started.errors).toBeUndefined();
    const sweep = await ended(system, started.data!.runPaymentSweep.id);
    expect(sweep).toMatchObject({ status: 'DONE', period: PERIOD, findingsCount: 10, newCount: 10, goneCount: 0 });
    first = await nodes(system);
    expect(byRule(first)).toEqual(PLANTED);
    const shared = first.find((n) => n.rule === 'SHARED_ACCOUNT')!;
    expect(shared.accountNumber).toBe('**** 3333');
    expect(shared.explanation).toContain('**** 3333');
    // An account registered to someone (here in another county) and one registered nowhere, told apart.
    const elsewhere = first.find((n) => n.rule === 'ACCOUNT_NOT_RECIPIENT' && n.paymentIds.includes('ZJ-9'))!;
    const nowhere = first.find((n) => n.rule === 'ACCOUNT_NOT_RECIPIENT' && n.paymentIds.includes('ZJ-8'))!;
    expect(elsewhere.explanation).toContain('持有人既非本人也非同户成员');
    expect(elsewhere.accountNumber).toBe('**** 9999');
    expect(nowhere.explanation).toContain('未在民政部门登记');
    expect(nowhere.accountNumber).toBe('**** 8888');
    const text = JSON.stringify(first);
    for (const number of [...Object.values(A), UNREGISTERED, ELSEWHERE]) expect(text).not.toContain(number.slice(0, 12));
  });

  it('keeps ids on a re-run, and a dismissed finding stays dismissed with its note in the history', async () => {
    const twice = first.find((n) => n.rule === 'PAID_TWICE')!;
    const reviewed = await system.query(`mutation ($id: ID!) { reviewPaymentFinding(id: $id, decision: DISMISS, note: "第二笔为补发，已核实") { id status } }`, { id: twice.id });
    expect(reviewed.errors).toBeUndefined();
    expect(reviewed.data!.reviewPaymentFinding).toEqual({ id: twice.id, status: 'DISMISSED' });
    const noNote = await system.query(`mutation ($id: ID!) { reviewPaymentFinding(id: $id, decision: CONFIRM, note: "  ") { id } }`, { id: twice.id });
    expect(noNote.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const again = await run(system);
    expect(await ended(system, again.data!.runPaymentSweep.id)).toMatchObject({ status: 'DONE', findingsCount: 10, newCount: 0, goneCount: 0 });
    const after = await nodes(system);
    expect(after.map((n) => n.id).sort()).toEqual(first.map((n) => n.id).sort());
    const kept = after.find((n) => n.id === twice.id)!;
    expect(kept.status).toBe('DISMISSED');
    expect(kept.history.map((h) => h.event)).toEqual(['FOUND', 'DISMISSED']);
    expect(kept.history[1]!.note).toBe('第二笔为补发，已核实');
  });

  it('shows a person’s payment findings on the person, computed now, to the office and the paying department', async () => {
    const res = await system.query(`query ($id: ID!) { person(id: $id) { id paymentFindings { rule period paymentIds } } }`, { id: h4.persons.elder });
    expect(res.errors).toBeUndefined();
    // June's as swept, and May's, which no sweep has read (the month after the month of death).
    expect(res.data!.person.paymentFindings).toEqual([
      { rule: 'PAID_AFTER_DEATH', period: PERIOD, paymentIds: ['CL-1'] },
      { rule: 'PAID_AFTER_DEATH', period: '2025-05', paymentIds: ['JU-11'] },
      { rule: 'PAID_WITHOUT_AWARD', period: '2025-05', paymentIds: ['JU-11'] },
    ]);
    const june = await system.query(`query ($id: ID!) { person(id: $id) { paymentFindings(period: "2025-06") { rule period } } }`, { id: h4.persons.elder });
    expect(june.data!.person.paymentFindings).toEqual([{ rule: 'PAID_AFTER_DEATH', period: PERIOD }]);
    const labour = await system.query(`query ($id: ID!) { person(id: $id) { paymentFindings { rule } } }`, { id: h1.persons.spouse }, { caller: LABOUR_OFFICER });
    expect(labour.errors).toBeUndefined();
    expect(labour.data!.person.paymentFindings).toEqual([{ rule: 'PAID_TWICE' }]);
    const caseworker = await system.query(`query ($id: ID!) { person(id: $id) { paymentFindings { rule } } }`, { id: h4.persons.elder }, { caller: CASEWORKER });
    expect(caseworker.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const badPeriod = await system.query(`query ($id: ID!) { person(id: $id) { paymentFindings(period: "2025-6") { rule } } }`, { id: h4.persons.elder });
    expect(badPeriod.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('computes a household’s payment findings live: payments loaded since the last sweep, a sweep’s review kept, sweep-only rules as the sweep left them', async () => {
    const LIVE = `query Live($id: ID!) { household(id: $id) { paymentFindings { id rule period paymentIds accountNumber status explanation history { event } } } }`;
    type LiveNode = { id: string; rule: string; period: string; paymentIds: string[]; accountNumber: string | null; status: string; explanation: string; history: { event: string }[] };
    // Labour pays H45's spouse twice for August, after every sweep (into the head's account: no other finding).
    expect(await loadFile(await writeNdjson([...RECORDS, ...AUGUST]), system.loadOptions)).toMatchObject({ ok: true });
    const h45 = await system.query(LIVE, { id: h5.householdId });
    expect(h45.errors).toBeUndefined();
    const found = h45.data!.household.paymentFindings as LiveNode[];
    expect(found.map((n) => [n.rule, n.period, n.paymentIds])).toEqual([
      ['PAID_TWICE', '2025-08', ['RS-20', 'RS-21']],
      ['ACCOUNT_NOT_RECIPIENT', PERIOD, ['ZJ-9']],
    ]);
    expect(found[0]).toMatchObject({ status: 'OPEN', history: [] });
    // No sweep has filed August's: the stored lists do not have it, the live one does.
    const stored = await system.query(FINDINGS, { r: '654002', p: '2025-08' });
    expect(stored.data!.paymentFindings.totalCount).toBe(0);
    // The one a sweep filed keeps its id, status and history.
    const sweptNotRecipient = first.find((n) => n.rule === 'ACCOUNT_NOT_RECIPIENT' && n.paymentIds.includes('ZJ-9'))!;
    expect(found[1]).toMatchObject({ id: sweptNotRecipient.id, status: 'OPEN', accountNumber: '**** 9999', history: [{ event: 'FOUND' }] });
    const h41 = (await system.query(LIVE, { id: h1.householdId })).data!.household.paymentFindings as LiveNode[];
    expect(h41.map((n) => [n.rule, n.status])).toEqual([['PAID_TWICE', 'DISMISSED']]);
    // H42: its own (amount, exclusive programmes) and the shared account only a sweep can see.
    const h42 = (await system.query(LIVE, { id: h2.householdId })).data!.household.paymentFindings as LiveNode[];
    expect(byRule(h42 as unknown as Node[])).toEqual({ AMOUNT_MISMATCH: [['MZ-2']], SHARED_ACCOUNT: [['MZ-2', 'MZ-3', 'MZ-4']], PAID_EXCLUSIVE: [['CL-2', 'MZ-5']] });
    const text = JSON.stringify([h45, h41, h42]);
    for (const number of [...Object.values(A), UNREGISTERED, ELSEWHERE, '6228480000000007777']) expect(text).not.toContain(number.slice(0, 12));
  });

  it('shows a household’s live payment findings to a paying department as its stored ones: its own payments only, logged', async () => {
    const HOUSING_OFFICER: Caller = { sub: 'zj-1', role: 'DEPARTMENT_OFFICER', department: 'HOUSING' };
    const res = await system.query(`query Live($id: ID!) { household(id: $id) { paymentFindings { rule paymentIds departments personIds explanation } } }`, { id: h3.householdId }, { caller: HOUSING_OFFICER });
    expect(res.errors).toBeUndefined();
    const found = res.data!.household.paymentFindings as { rule: string; paymentIds: string[]; departments: string[]; personIds: string[]; explanation: string }[];
    // Housing's: the rent subsidy into an unregistered account, the payment naming no award; not
    // civil affairs' 低保 into another household's account, nor the shared account.
    expect(found.map((n) => [n.rule, n.paymentIds])).toEqual([
      ['ACCOUNT_NOT_RECIPIENT', ['ZJ-8']],
      ['PAID_WITHOUT_AWARD', ['ZJ-1']],
    ]);
    expect(found[0]!.explanation).toContain('未在民政部门登记');
    expect(JSON.stringify(found)).not.toMatch(/MZ-3|CIVIL_AFFAIRS/);
    // Caseworkers and analysts: none, as for the stored findings.
    for (const caller of [CASEWORKER, ANALYST]) {
      const refused = await system.query(`query Live($id: ID!) { household(id: $id) { paymentFindings { rule } } }`, { id: h3.householdId }, { caller, ...(caller === ANALYST ? { headers: { 'x-purpose': '' } } : {}) });
      expect(refused.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(refused.data ?? null)).not.toMatch(/ZJ-|MZ-/);
    }
    // The office's read for the officer is in the access log, with the household's members.
    const AUDITOR: Caller = { sub: 'au-1', role: 'AUDITOR' };
    let entries: { sub: string; operation: string | null; subjectIds: string[] }[] = [];
    for (let i = 0; i < 50 && !entries.some((e) => e.operation === 'LivePayments'); i++) {
      const log = await system.query(`query ($id: ID!) { accessLog(personId: $id, first: 50) { edges { node { sub operation subjectIds } } } }`, { id: h3.persons.head }, { caller: AUDITOR });
      expect(log.errors).toBeUndefined();
      entries = log.data!.accessLog.edges.map((e: { node: (typeof entries)[number] }) => e.node);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(entries).toContainEqual(expect.objectContaining({ sub: 'coordination office (payment check for zj-1)', operation: 'LivePayments', subjectIds: expect.arrayContaining([h3.persons.head, h3.persons.spouse]) }));
  });

  it('starts one sweep for the same region and period asked twice at once', async () => {
    const answers = await Promise.all([run(system), run(system)]);
    for (const a of answers) expect(a.errors).toBeUndefined();
    expect(new Set(answers.map((a) => a.data!.runPaymentSweep.id)).size).toBe(1);
    await ended(system, answers[0]!.data!.runPaymentSweep.id);
  });

  it('shows labour’s officers the findings of labour’s payments only; refuses caseworkers, a bad period, no purpose', async () => {
    const labour = await nodes(system, LABOUR_OFFICER);
    expect(labour.map((n) => n.rule)).toEqual(['PAID_TWICE']);
    for (const res of [await run(system, CASEWORKER), await system.query(FINDINGS, { r: '654002', p: PERIOD }, { caller: CASEWORKER })]) {
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(JSON.stringify(res.data ?? null)).not.toMatch(/MZ-|RS-/);
    }
    expect((await run(system, COORDINATOR, '2025-13')).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const noPurpose = await system.query(`mutation { runPaymentSweep(regionCode: "654002", period: "2025-06") { id } }`, {}, { headers: { 'x-purpose': '' } });
    expect(noPurpose.errors?.[0]?.extensions?.code).toBeDefined();
    expect(noPurpose.data?.runPaymentSweep ?? null).toBeNull();
  });

  it('gives the coordination office exact funds figures by department, programme, county and month, and a CSV of the same', async () => {
    const res = await system.query(`query Funds($r: String!, $p: String!) { fundsStatistics(regionCode: $r, period: $p) { department programme regionCode period paidFen failedFen recipients } fundsWithoutAward(regionCode: $r, period: $p) { department regionCode period paidFen failedFen recipients } }`, { r: '654002', p: '2025' });
    expect(res.errors).toBeUndefined();
    type Row = { department: string; programme: string; regionCode: string; period: string; paidFen: string; failedFen: string; recipients: number };
    const rows = res.data!.fundsStatistics as Row[];
    const unawarded = res.data!.fundsWithoutAward as Omit<Row, 'programme'>[];
    // SPEC's FundsStatistics: every row names its programme.
    expect(rows.every((r) => typeof r.programme === 'string')).toBe(true);
    const row = (programme: string, period: string) => rows.find((r) => r.programme === programme && r.period === period);
    // 低保 in June: 500 + 600 + 500 + 500 + 500 yuan paid to 5 heads, the failed first try of 500.
    expect(row('MINIMUM_LIVING_URBAN', PERIOD)).toEqual({ department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_URBAN', regionCode: '654002', period: PERIOD, paidFen: '260000', failedFen: '50000', recipients: 5 });
    // Labour paid one person twice in June and once for July.
    expect(row('PUBLIC_WELFARE_JOB', PERIOD)).toMatchObject({ department: 'LABOUR', paidFen: '100000', failedFen: '0', recipients: 1 });
    expect(row('PUBLIC_WELFARE_JOB', '2025-07')).toMatchObject({ paidFen: '50000', recipients: 1 });
    expect(row('RENTAL_SUBSIDY', PERIOD)).toMatchObject({ department: 'HOUSING', paidFen: '100000', recipients: 2 });
    // Payments naming no award of their department: rows of their own (fundsWithoutAward), placed
    // where the recipient lives; one whose recipient civil affairs places nowhere that month (dead) under UNPLACED.
    expect(unawarded).toEqual([
      { department: 'JUSTICE', regionCode: 'UNPLACED', period: '2025-05', paidFen: '50000', failedFen: '0', recipients: 1 },
      { department: 'HOUSING', regionCode: '654002', period: PERIOD, paidFen: '50000', failedFen: '0', recipients: 1 },
    ]);
    // Every PAID fen of the year is in some row (the fixture's payments and August's, summed).
    const paidInFile = [...RECORDS, ...AUGUST].filter((r): r is ReturnType<typeof payment> => r.type === 'payment' && (r as { status?: string }).status === 'PAID').reduce((n, p) => n + p.amountFen, 0);
    expect([...rows, ...unawarded].reduce((n, r) => n + Number(r.paidFen), 0)).toBe(paidInFile);
    // A coordinator bound to the county gets the placed "no award" row, not the unplaced one.
    const bound = await system.query(`query Funds($r: String!, $p: String!) { fundsWithoutAward(regionCode: $r, period: $p) { department regionCode period paidFen } }`, { r: '654002', p: '2025' }, { caller: { sub: 'co-654002', role: 'COORDINATOR', region: '654002' } });
    expect(bound.errors).toBeUndefined();
    expect(bound.data!.fundsWithoutAward).toEqual([{ department: 'HOUSING', regionCode: '654002', period: PERIOD, paidFen: '50000' }]);
    // Another county: none of these recipients live there.
    const elsewhere = await system.query(`{ fundsWithoutAward(regionCode: "654021", period: "2025-06") { department regionCode } }`, {}, { caller: { sub: 'co-654021', role: 'COORDINATOR', region: '654021' } });
    expect(elsewhere.errors).toBeUndefined();
    expect(elsewhere.data!.fundsWithoutAward).toEqual([]);
    const csv = await system.query(`query ($r: String!, $p: String!) { fundsStatisticsCsv(regionCode: $r, period: $p) }`, { r: '654002', p: PERIOD });
    expect(csv.errors).toBeUndefined();
    const lines = (csv.data!.fundsStatisticsCsv as string).split('\r\n');
    expect(lines[0]).toBe('\uFEFFdepartment,programme,programmeNameZh,regionCode,period,paidFen,failedFen,recipients');
    expect(lines).toContain('CIVIL_AFFAIRS,MINIMUM_LIVING_URBAN,城市居民最低生活保障,654002,2025-06,260000,50000,5');
    expect(lines).toContain('HOUSING,NO_AWARD,无对应救助记录的发放,654002,2025-06,50000,0,1');
  });

  it('gives analysts only rows of 5 recipients or more, for counties and months that have ended', async () => {
    const res = await system.query(`query ($r: String!, $p: String!) { fundsStatistics(regionCode: $r, period: $p) { programme period paidFen recipients } }`, { r: '654002', p: PERIOD }, { caller: ANALYST, headers: { 'x-purpose': '' } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.fundsStatistics).toEqual([{ programme: 'MINIMUM_LIVING_URBAN', period: PERIOD, paidFen: '260000', recipients: 5 }]);
    // The "no award" figures under the same rule: the county's one-recipient row is left out, as a variable too.
    const unawarded = await system.query(`query ($r: String!, $p: String!) { fundsWithoutAward(regionCode: $r, period: $p) { department regionCode recipients } }`, { r: '654002', p: PERIOD }, { caller: ANALYST, headers: { 'x-purpose': '' } });
    expect(unawarded.errors).toBeUndefined();
    expect(unawarded.data!.fundsWithoutAward).toEqual([]);
    const unawardedTownship = await system.query(`{ fundsWithoutAward(regionCode: "654002001", period: "2025-06") { paidFen } }`, {}, { caller: ANALYST, headers: { 'x-purpose': '' } });
    expect(unawardedTownship.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const township = await system.query(`{ fundsStatistics(regionCode: "654002001", period: "2025-06") { paidFen } }`, {}, { caller: ANALYST, headers: { 'x-purpose': '' } });
    expect(township.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const future = await system.query(`{ fundsStatistics(regionCode: "654002", period: "2099-01") { paidFen } }`, {}, { caller: ANALYST, headers: { 'x-purpose': '' } });
    expect(future.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const raw = await system.query(`{ labourFundsStatistics(regionCode: "654002", period: "2025-06") { recipients } }`, {}, { caller: ANALYST, headers: { 'x-purpose': '' } });
    expect(raw.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
