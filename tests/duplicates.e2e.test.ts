import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '@saf/loader';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

const FINDING = 'id rule householdId regionCode personIds awardIds overlapStart overlapEnd explanation status departments history { event note }';

async function sweep(system: System, regionCode: string) {
  const started = await system.query(`mutation ($r: String!) { runDuplicateAidSweep(regionCode: $r) { id status } }`, { r: regionCode });
  expect(started.errors).toBeUndefined();
  const id = started.data!.runDuplicateAidSweep.id;
  for (let i = 0; i < 200; i++) {
    const res = await system.query(`query ($id: ID!) { duplicateAidSweep(id: $id) { id status error personsChecked findingsCount newCount goneCount } }`, { id });
    const s = res.data!.duplicateAidSweep;
    if (s.status !== 'RUNNING' && s.status !== 'QUEUED') return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('sweep did not finish');
}

describe('duplicate aid through the graph', () => {
  let system: System;
  const fixture = householdWithEverything(3);
  // The spouse also gets low-rent housing while the head has the rental subsidy: one household, two housing benefits.
  const lowRent = { ...(fixture.records[9] as object), id: 'HO-3-LOW_RENT', programme: 'LOW_RENT_HOUSING', personId: fixture.persons.spouse, startDate: '2024-06-01', endDate: '2024-12-31', details: {} };

  beforeAll(async () => {
    system = await startSystem();
    expect(await loadFile(await writeNdjson([...fixture.records, lowRent]), system.loadOptions)).toMatchObject({ ok: true });
  });
  afterAll(() => system?.stop());

  it('shows a live finding on the household and on both persons', async () => {
    const res = await system.query(`query ($id: ID!, $p: ID!) { household(id: $id) { duplicateAidFindings { ${FINDING} } } person(id: $p) { duplicateAidFindings { id rule } } }`, { id: fixture.householdId, p: fixture.persons.spouse });
    expect(res.errors).toBeUndefined();
    const findings = res.data!.household.duplicateAidFindings;
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: 'HOUSEHOLD_EXCLUSIVE_PROGRAMMES',
      householdId: fixture.householdId,
      regionCode: '654002',
      personIds: [fixture.persons.head, fixture.persons.spouse].sort(),
      awardIds: ['HO-3-LOW_RENT', 'HO-3-RENTAL_SUBSIDY'],
      overlapStart: '2024-06-01',
      overlapEnd: '2024-12-31',
      status: 'OPEN',
      departments: ['HOUSING'],
    });
    expect(findings[0].explanation).toMatch(/住建/);
    expect(res.data!.person.duplicateAidFindings.map((f: { id: string }) => f.id)).toEqual([findings[0].id]);
  });

  it('catches a proposed award before it is granted, counting pending ones', async () => {
    const proposal = { department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_RURAL', personId: fixture.persons.head, householdId: fixture.householdId, regionCode: '654002', amountFen: 40000, frequency: 'MONTHLY', startDate: '2025-01-01' };
    const res = await system.query(`query ($a: ProposedAwardInput!) { checkProposedAward(award: $a) { rule awardIds overlapStart overlapEnd } }`, { a: proposal });
    expect(res.errors).toBeUndefined();
    expect(res.data!.checkProposedAward).toEqual([{ rule: 'EXCLUSIVE_PROGRAMMES', awardIds: ['CA-3-MINIMUM_LIVING_URBAN', 'PROPOSED'], overlapStart: '2025-01-01', overlapEnd: null }]);
    const bad = await system.query(`query ($a: ProposedAwardInput!) { checkProposedAward(award: $a) { rule } }`, { a: { ...proposal, programme: 'LEGAL_AID' } });
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'programme' });
  });

  it('stores the finding in a sweep, keeps a dismissal on re-sweeps, and keeps the history', async () => {
    const first = await sweep(system, '654002');
    expect(first).toMatchObject({ status: 'DONE', personsChecked: 4, findingsCount: 1 });
    const list = await system.query(`{ duplicateAidFindings(regionCode: "6540") { totalCount edges { node { id rule status regionCode } } } }`);
    expect(list.data!.duplicateAidFindings.totalCount).toBe(1);
    expect(list.data!.duplicateAidFindings.edges[0].node.regionCode).toBe('654002');
    const id = list.data!.duplicateAidFindings.edges[0].node.id;

    const noNote = await system.query(`mutation ($id: ID!) { reviewDuplicateAidFinding(id: $id, decision: DISMISS, note: " ") { id } }`, { id });
    expect(noNote.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const dismissed = await system.query(`mutation ($id: ID!) { reviewDuplicateAidFinding(id: $id, decision: DISMISS, note: "廉租房已于6月退出，补贴按月结清") { status } }`, { id });
    expect(dismissed.data!.reviewDuplicateAidFinding.status).toBe('DISMISSED');

    const second = await sweep(system, '654002');
    expect(second).toMatchObject({ status: 'DONE', newCount: 0, goneCount: 0, findingsCount: 1 });
    const after = await system.query(`query ($id: ID!) { duplicateAidFinding(id: $id) { ${FINDING} } }`, { id });
    expect(after.data!.duplicateAidFinding.status).toBe('DISMISSED');
    expect(after.data!.duplicateAidFinding.history.map((h: { event: string }) => h.event)).toEqual(['FOUND', 'DISMISSED']);
    const live = await system.query(`query ($id: ID!) { household(id: $id) { duplicateAidFindings { id status } } }`, { id: fixture.householdId });
    expect(live.data!.household.duplicateAidFindings).toEqual([{ id, status: 'DISMISSED' }]);
  });

  it('applies a coordinator’s rule change at once, without a restart', async () => {
    const current = await system.query(`{ duplicateAidRules { version json } }`);
    const rules = JSON.parse(current.data!.duplicateAidRules.json);
    const withoutHousing = JSON.stringify({ ...rules, householdExclusivePairs: [] });
    const changed = await system.query(`mutation ($r: String!) { updateDuplicateAidRules(rules: $r, note: "试点：暂停住房互斥检查") { version note } }`, { r: withoutHousing });
    expect(changed.errors).toBeUndefined();
    expect(changed.data!.updateDuplicateAidRules.version).toBeGreaterThan(current.data!.duplicateAidRules.version);
    const live = await system.query(`query ($id: ID!) { household(id: $id) { duplicateAidFindings { id } } }`, { id: fixture.householdId });
    expect(live.data!.household.duplicateAidFindings).toEqual([]);
    // A sweep under the changed rules no longer sees the finding: it is marked gone, not deleted.
    expect(await sweep(system, '654002')).toMatchObject({ status: 'DONE', goneCount: 1, findingsCount: 0 });
    const gone = await system.query(`{ duplicateAidFindings(regionCode: "654002", includeGone: true) { edges { node { status goneAt history { event } } } } }`);
    expect(gone.data!.duplicateAidFindings.edges[0].node).toMatchObject({ status: 'DISMISSED', goneAt: expect.any(String) });
    expect(gone.data!.duplicateAidFindings.edges[0].node.history.map((h: { event: string }) => h.event)).toEqual(['FOUND', 'DISMISSED', 'GONE']);
    const refused = await system.query(`mutation { updateDuplicateAidRules(rules: "{\\"householdExclusivePairs\\": [[\\"NOPE\\", \\"RENTAL_SUBSIDY\\"]]}", note: "x") { version } }`);
    expect(refused.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    await system.query(`mutation ($r: String!) { updateDuplicateAidRules(rules: $r, note: "恢复") { version } }`, { r: current.data!.duplicateAidRules.json });
    // Back under the restored rules: it reappears, and the dismissal stands.
    expect(await sweep(system, '654002')).toMatchObject({ status: 'DONE', newCount: 0, findingsCount: 1 });
    const back = await system.query(`{ duplicateAidFindings(regionCode: "654002") { edges { node { status history { event } } } } }`);
    expect(back.data!.duplicateAidFindings.edges[0].node.status).toBe('DISMISSED');
    expect(back.data!.duplicateAidFindings.edges[0].node.history.map((h: { event: string }) => h.event)).toEqual(['FOUND', 'DISMISSED', 'GONE', 'REAPPEARED']);
  });
});
