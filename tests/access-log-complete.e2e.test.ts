import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { makeResidentId } from '@saf/identity';
import { loadFile } from '@saf/loader';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { COORDINATOR, startSystem, type System } from './support/system.ts';

const AUDITOR: Caller = { sub: 'au-1', role: 'AUDITOR' };
const CASEWORKER: Caller = { sub: 'cw-yining', role: 'CASEWORKER', region: '654002' };
const OTHER_CASEWORKER: Caller = { sub: 'cw-other', role: 'CASEWORKER', region: '654002' };
const CASEWORKER_BIG: Caller = { sub: 'cw-big', role: 'CASEWORKER', region: '654003' };
const LOG = `query ReadLog($id: ID!) { accessLog(personId: $id, first: 50) { edges { node { sub operation subjectIds requestId } } } }`;
const HOUSEHOLD = `query OpenHousehold($id: ID!) { household(id: $id) { id members { name } awards { id amountFen } } }`;

/**
 * One household of 10,001 members in 654003: a sweep page holds a household whole, so its page
 * names 10,002 ids, more than one access-log entry takes (10,000).
 */
function largeHousehold() {
  const householdId = 'H654003000001';
  const records: object[] = [{ type: 'household', id: householdId, regionCode: '654003', hukou: 'RURAL', address: '伊宁县 大院' }];
  const personIds: string[] = [];
  const start = Date.UTC(1950, 0, 1);
  for (let i = 0; i < 10_001; i++) {
    const birthDate = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
    const id = makeResidentId('654003', birthDate, 1);
    personIds.push(id);
    records.push({ type: 'person', id, name: `成员${i}`, gender: 'MALE', birthDate, householdId, relation: i === 0 ? 'HEAD' : 'OTHER', deathDate: null });
  }
  return { householdId, personIds, records };
}

describe('the access log names everyone a read returned; one bad request fails only itself', () => {
  let system: System;
  const fixture = householdWithEverything(7);
  const big = largeHousehold();

  beforeAll(async () => {
    // 45 household pictures at once on a shared 2-core host: time enough that none is cut short.
    system = await startSystem({ env: { SUBGRAPH_TIMEOUT_MS: '30000' } });
    expect(await loadFile(await writeNdjson([...fixture.records, ...big.records]), system.loadOptions)).toMatchObject({ ok: true });
  });
  afterAll(() => system?.stop());

  /** The ids the log's entries name for reads by `sub`. */
  async function loggedIds(sub: string): Promise<Set<string>> {
    const result = (await system.subgraphs.get('audit')!.database.db.execute(sql`SELECT unnest(subject_ids) AS id FROM access_log WHERE sub = ${sub}`)) as { rows: { id: string }[] };
    return new Set(result.rows.map((r) => r.id));
  }

  it('refuses a caller’s token the internal sweep fields, however they are asked for', async () => {
    const asked = [
      [`{ _internalSweepBatch(regionCode: "654003", first: 5000) { householdIds personIds } }`, {}],
      [`query ($f: Int!) { ...Page } fragment Page on Query { page: _internalSweepBatch(regionCode: "654003", first: $f) { personIds } }`, { f: 5000 }],
      [`{ plan: _internalSweepPlan(regionCode: "654003", pageSize: 1000) { householdIds } }`, {}],
      [`{ _internalCivilAffairsRecipients(regionCode: "654003") { personId } }`, {}],
    ] as const;
    for (const [query, variables] of asked) {
      const res = await system.query(query, variables, { caller: CASEWORKER_BIG });
      expect(res.status, query).toBe(403);
      expect(res.data ?? null).toBeNull();
      expect(res.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      expect(res.errors![0]!.message).toMatch(/^_internal\w+ is for the platform's own services/);
      expect(JSON.stringify(res)).not.toContain(big.personIds[0]);
    }
  });

  it('runs a coordinator’s sweep of that household, and logs every one of its 10,002 ids', async () => {
    const started = await system.query(`mutation { runDuplicateAidSweep(regionCode: "654003") { id } }`, {}, { caller: COORDINATOR });
    expect(started.errors).toBeUndefined();
    let status = '';
    for (let i = 0; i < 600 && status !== 'DONE' && status !== 'FAILED'; i++) {
      const res = await system.query(`query ($id: ID!) { duplicateAidSweep(id: $id) { status personsChecked } }`, { id: started.data!.runDuplicateAidSweep.id }, { caller: COORDINATOR });
      status = res.data!.duplicateAidSweep.status;
      if (status !== 'DONE') await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe('DONE');
    const logged = await loggedIds(COORDINATOR.sub);
    const missing = [big.householdId, ...big.personIds].filter((id) => !logged.has(id));
    expect(missing).toEqual([]);
    // And an auditor finds it by any of them: the last ids in order are the ones a single entry left out.
    for (const id of [big.householdId, big.personIds.at(-1)!, big.personIds[0]!]) {
      const log = await system.query(LOG, { id }, { caller: AUDITOR });
      expect(log.errors).toBeUndefined();
      const entries = log.data!.accessLog.edges.map((e: { node: { sub: string; subjectIds: string[] } }) => e.node);
      expect(entries.some((e: { sub: string; subjectIds: string[] }) => e.sub === COORDINATOR.sub && e.subjectIds.includes(id)), id).toBe(true);
    }
  });

  it('still serves the coordination office’s statistics, which read the departments’ internal lists', async () => {
    const res = await system.query(`{ assistanceTargets(regionCode: "6540") { coverageGaps { kind region { persons households } } } programmeOverlap(regionCode: "6540") { programmes } }`, {}, { caller: COORDINATOR });
    expect(res.errors).toBeUndefined();
    expect(res.data!.assistanceTargets.coverageGaps.length).toBeGreaterThan(0);
  });

  it('answers 400, naming the problem, for a control character in an id or the purpose, and serves everyone else meanwhile', async () => {
    // Nine colleagues reading five pictures each: one caller's 45 at once would meet its own
    // limits (tests/callerLimits.e2e.test.ts), which is not what this test is about.
    const colleague = (i: number): Caller => ({ ...CASEWORKER, sub: `${CASEWORKER.sub}-${i % 9}` });
    const reads = Array.from({ length: 45 }, (_, i) => system.query(HOUSEHOLD, { id: fixture.householdId }, { caller: colleague(i) }));
    const badId = system.query(`{ household(id: "H\\u0000x") { id members { name } } }`, {}, { caller: OTHER_CASEWORKER });
    const badPurpose = system.query(HOUSEHOLD, { id: fixture.householdId }, { caller: OTHER_CASEWORKER, headers: { 'x-purpose': '%00' } });
    const badVariable = system.query(HOUSEHOLD, { id: 'H\u0000x' }, { caller: OTHER_CASEWORKER });
    const all = await Promise.all([...reads.slice(0, 20), badId, badPurpose, badVariable, ...reads.slice(20)]);
    const [id, purpose, variable] = [all[20]!, all[21]!, all[22]!];
    const good = [...all.slice(0, 20), ...all.slice(23)];
    expect(good.map((r) => r.status)).toEqual(good.map(() => 200));
    expect(good.filter((r) => r.data?.household?.members?.length !== 4).map((r) => JSON.stringify(r).slice(0, 600))).toEqual([]);
    for (const [res, named] of [
      [id, /a string in the query contains a control character \(U\+0000\)/],
      [purpose, /X-Purpose header, once percent-decoded, contains a control character \(U\+0000\)/],
      [variable, /variable id contains a control character \(U\+0000\)/],
    ] as const) {
      expect(res.status).toBe(400);
      expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.message).toMatch(named);
    }
    // Every good read is in the log.
    const log = await system.query(LOG, { id: fixture.householdId }, { caller: AUDITOR });
    const byCaseworker = log.data!.accessLog.edges.filter((e: { node: { sub: string } }) => e.node.sub.startsWith(`${CASEWORKER.sub}-`));
    expect(new Set(byCaseworker.map((e: { node: { requestId: string } }) => e.node.requestId)).size).toBe(45);
  });
});
