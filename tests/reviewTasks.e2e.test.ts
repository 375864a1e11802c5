import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Caller } from '@saf/auth';
import { rowsOf } from '@saf/db';
import { GATEWAY, createRequestSigner, subgraphSigningSecret } from '@saf/auth';
import { loadFile } from '@saf/loader';
import { createLogger } from '@saf/service';
import { createGraphClient } from '@saf/coordination/graph';
import { YearlyReviews } from '@saf/coordination/casework/yearly';
import { householdWithEverything } from './support/fixture.ts';
import { eventually } from './support/faults.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

// 动态管理 (SPEC section 10): a death, a new income or property record in a paying household
// becomes a review task for every department paying it, even when one is down at the time; the
// yearly review of 低保 and 特困.

const CASEWORKER: Caller = { sub: 'cw-rt', role: 'CASEWORKER', region: '654002' };
const ELSEWHERE: Caller = { sub: 'cw-x', role: 'CASEWORKER', region: '654023' };
const LABOUR_OFFICER: Caller = { sub: 'lb-rt', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' };
const fixture = householdWithEverything(61);
const { elder, spouse } = fixture.persons;
// Paying on and after 2026-11-01: civil affairs' 低保, labour's job, education's two exemptions,
// housing's rental subsidy, the federation's nursing subsidy (health's and justice's were once, in 2024).
const PAYING = ['CIVIL_AFFAIRS', 'DISABLED_PERSONS_FEDERATION', 'EDUCATION', 'HOUSING', 'LABOUR'];
const TASKS = `query Tasks($r: String!) { reviewTasks(regionCode: $r, first: 100) { totalCount edges { node { id department householdId personId awardId reason status createdAt outcome closedBy closedAt note history { action outcome by byRole at note } } } } }`;
const CLOSE = `mutation Close($id: ID!, $outcome: ReviewOutcome!, $note: String!) { closeReviewTask(id: $id, outcome: $outcome, note: $note) { id status outcome closedBy closedAt note history { action outcome by byRole note } } }`;
type Task = { id: string; department: string; householdId: string; personId: string; awardId: string; reason: string; status: string };
const yearly = (t: { reason: string }) => /年度复核/.test(t.reason);

describe('review tasks from the departments’ outboxes', () => {
  let system: System;
  const allTasks = async (caller: Caller = CASEWORKER): Promise<Task[]> => {
    const res = await system.query(TASKS, { r: '654002' }, { caller });
    expect(res.errors).toBeUndefined();
    return res.data!.reviewTasks.edges.map((e: { node: Task }) => e.node);
  };
  /** The tasks events made (the yearly ones come on their own schedule). */
  const tasks = async (caller: Caller = CASEWORKER): Promise<Task[]> => (await allTasks(caller)).filter((t) => !yearly(t));
  const personRecord = (fixture.records as { type: string; id?: string }[]).find((r) => r.type === 'person' && r.id === elder)!;

  beforeAll(async () => {
    system = await startSystem({ outboxPollMs: 500, yearlyReviewMs: 1000 });
    expect((await loadFile(await writeNdjson(fixture.records), system.loadOptions)).ok).toBe(true);
  });
  afterAll(() => system?.stop());

  it('delivers a death to every department paying the household, education down at the time included', async () => {
    const education = system.subgraphs.get('education')!;
    await education.stop();
    try {
      const death = await loadFile(await writeNdjson([{ ...personRecord, deathDate: '2026-11-01' }]), system.loadOptions);
      expect(death.ok).toBe(true);
      // The event waits in civil affairs' outbox while the graph cannot say who pays the household.
      const waiting = () => rowsOf<{ n: number }>(system.subgraphs.get('civil-affairs')!.database.db, sql`SELECT count(*)::int AS n FROM outbox WHERE kind = 'DEATH' AND delivered_at IS NULL`);
      expect((await waiting())[0]!.n).toBe(1);
      await new Promise((r) => setTimeout(r, 3000)); // several polls of the office while education is down
      expect(await tasks()).toEqual([]);
      expect((await waiting())[0]!.n).toBe(1);
    } finally {
      await education.restart();
    }
    const delivered = await eventually(async () => {
      const list = await tasks();
      expect(list.length).toBe(PAYING.length);
      return list;
    }, 60_000, 500);
    expect(delivered.map((t) => t.department).sort()).toEqual(PAYING);
    for (const t of delivered) expect(t).toMatchObject({ householdId: fixture.householdId, status: 'OPEN', reason: expect.stringMatching(/死亡（2026-11-01）/) });
    expect(delivered.find((t) => t.department === 'EDUCATION')!.awardId).toBe('ED-61-TWO_EXEMPTIONS_ONE_SUBSIDY');
    // Loading the same death again changes nothing: no event, no task.
    expect((await loadFile(await writeNdjson([{ ...personRecord, deathDate: '2026-11-01' }]), system.loadOptions)).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await tasks()).toHaveLength(PAYING.length);
  });

  it('makes tasks of a new income and a new property; each department’s officers see their own, other places none', async () => {
    const lines = [
      { type: 'income', id: 'RS-RT-1', department: 'LABOUR', personId: spouse, source: 'WAGE', monthlyFen: 260_000, startDate: '2026-12-01', endDate: null },
      { type: 'property', id: 'ZJ-RT-1', department: 'HOUSING', personId: spouse, kind: 'COMMERCIAL', areaSqm: 40, acquiredDate: '2026-12-01', disposedDate: null },
    ];
    expect((await loadFile(await writeNdjson(lines), system.loadOptions)).ok).toBe(true);
    const all = await eventually(async () => {
      const list = await tasks();
      expect(list.length).toBe(3 * PAYING.length);
      return list;
    }, 60_000, 500);
    expect(all.filter((t) => /RS-RT-1/.test(t.reason)).map((t) => t.department).sort()).toEqual(PAYING);
    expect(all.filter((t) => /ZJ-RT-1/.test(t.reason)).map((t) => t.department).sort()).toEqual(PAYING);
    const labour = await tasks(LABOUR_OFFICER);
    expect(labour).toHaveLength(3);
    expect(labour.every((t) => t.department === 'LABOUR')).toBe(true);
    expect((await system.query(TASKS, { r: '654002' }, { caller: ELSEWHERE })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('puts 低保 and 特困 awards up for their yearly review on a schedule, without a sweep, never twice for one award and year', async () => {
    // Made by the office's schedule: no sweep has run in this system.
    const made = await eventually(async () => {
      const list = (await allTasks()).filter(yearly);
      expect(list).toHaveLength(1);
      return list;
    }, 60_000, 500);
    // The 低保 award from 2024-01-01, due on 2026-01-01; no other award here is 低保 or 特困.
    expect(made).toEqual([expect.objectContaining({ department: 'CIVIL_AFFAIRS', awardId: 'CA-61-MINIMUM_LIVING_URBAN', reason: expect.stringMatching(/2026-01-01 到期/) })]);
    // Two coordination processes making next year's at the same moment: one task.
    const secret = subgraphSigningSecret('coordination', {}, 'test');
    const sign = createRequestSigner({ secret, from: 'coordination', to: GATEWAY });
    const graph = createGraphClient(() => system.gatewayUrl, (body, caller, purpose) => sign({ method: 'POST', path: new URL(system.gatewayUrl).pathname, body, caller, purpose }));
    const db = system.subgraphs.get('coordination')!.database.db;
    const log = createLogger('yearly-test', 'silent');
    const [one, two] = await Promise.all([new YearlyReviews(db, graph, log, 0).run('65', '2027-01-02'), new YearlyReviews(db, graph, log, 0).run('65', '2027-01-02')]);
    expect(one + two).toBe(1);
    const rows = await rowsOf<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM review_tasks WHERE reason LIKE '%2027-01-01 到期%'`);
    expect(rows[0]!.n).toBe(1);
    // The schedule keeps running: still one task for 2026.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await allTasks()).filter((t) => yearly(t) && /2026-01-01/.test(t.reason))).toHaveLength(1);
  });

  it('lets an officer of the task’s department close it with an outcome and a note, in its history; refuses everyone else and a second closing', async () => {
    const labourTask = (await tasks(LABOUR_OFFICER))[0]!;
    const educationTask = (await tasks()).find((t) => t.department === 'EDUCATION')!;
    const EDUCATION_OFFICER: Caller = { sub: 'ed-rt', role: 'DEPARTMENT_OFFICER', department: 'EDUCATION' };
    const LABOUR_ELSEWHERE: Caller = { sub: 'lb-x', role: 'DEPARTMENT_OFFICER', department: 'LABOUR', region: '654023' };
    for (const [caller, id] of [[CASEWORKER, labourTask.id], [EDUCATION_OFFICER, labourTask.id], [LABOUR_ELSEWHERE, labourTask.id], [LABOUR_OFFICER, educationTask.id], [LABOUR_OFFICER, 'RT-none']] as const) {
      const res = await system.query(CLOSE, { id, outcome: 'ENDED', note: '停发' }, { caller });
      expect(res.errors?.[0]?.extensions?.code, `${caller.sub} ${id}`).toBe('FORBIDDEN');
    }
    expect((await system.query(CLOSE, { id: labourTask.id, outcome: 'CHANGED', note: '  ' }, { caller: LABOUR_OFFICER })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
    // Two closings at once: one wins.
    const both = await Promise.all([
      system.query(CLOSE, { id: labourTask.id, outcome: 'CHANGED', note: '核实新增收入，调整待遇' }, { caller: LABOUR_OFFICER }),
      system.query(CLOSE, { id: labourTask.id, outcome: 'ENDED', note: '停发' }, { caller: LABOUR_OFFICER }),
    ]);
    expect(both.filter((r) => !r.errors)).toHaveLength(1);
    for (const lost of both.filter((r) => r.errors)) expect(['BAD_USER_INPUT', 'CONFLICT']).toContain(lost.errors![0]!.extensions!.code);
    const closed = both.find((r) => !r.errors)!.data!.closeReviewTask;
    expect(closed).toMatchObject({ status: 'CLOSED', closedBy: LABOUR_OFFICER.sub });
    expect(closed.history).toEqual([
      expect.objectContaining({ action: 'CREATE', byRole: 'COORDINATOR' }),
      { action: 'CLOSE', outcome: closed.outcome, by: LABOUR_OFFICER.sub, byRole: 'DEPARTMENT_OFFICER', note: closed.note },
    ]);
    const again = await system.query(CLOSE, { id: labourTask.id, outcome: 'CONTINUED', note: '再次' }, { caller: LABOUR_OFFICER });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', status: 'CLOSED' });
    const listed = (await allTasks()).find((t) => t.id === labourTask.id) as Task & { outcome: string; closedAt: string };
    expect(listed).toMatchObject({ status: 'CLOSED', outcome: closed.outcome });
    expect(Number.isNaN(Date.parse(listed.closedAt))).toBe(false);
    // The history is kept unchanged by the database.
    const db = system.subgraphs.get('coordination')!.database.db;
    await expect(db.execute(sql`UPDATE review_task_events SET note = 'changed'`)).rejects.toThrow();
    await expect(db.execute(sql`DELETE FROM review_task_events`)).rejects.toThrow();
  });

  it('still makes the yearly reviews when a sweep reads the awards, the same task once', async () => {
    const sweep = await system.query(`mutation { runDuplicateAidSweep(regionCode: "654002") { id } }`, {}, { caller: CASEWORKER });
    const id = sweep.data!.runDuplicateAidSweep.id;
    await eventually(async () => expect((await system.query(`query S($id: ID!) { duplicateAidSweep(id: $id) { status } }`, { id }, { caller: CASEWORKER })).data!.duplicateAidSweep.status).toBe('DONE'), 60_000, 250);
    expect((await allTasks()).filter((t) => yearly(t) && /2026-01-01 到期/.test(t.reason))).toEqual([expect.objectContaining({ department: 'CIVIL_AFFAIRS', awardId: 'CA-61-MINIMUM_LIVING_URBAN' })]);
    // A second sweep makes no second task for the same year.
    const again = await system.query(`mutation { runDuplicateAidSweep(regionCode: "654002") { id } }`, {}, { caller: CASEWORKER });
    await eventually(async () => expect((await system.query(`query S($id: ID!) { duplicateAidSweep(id: $id) { status } }`, { id: again.data!.runDuplicateAidSweep.id }, { caller: CASEWORKER })).data!.duplicateAidSweep.status).toBe('DONE'), 60_000, 250);
    expect((await allTasks()).filter((t) => yearly(t) && /2026-01-01 到期/.test(t.reason))).toHaveLength(1);
  });
});
