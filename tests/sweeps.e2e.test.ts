import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { loadFile } from '@saf/loader';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { COORDINATOR, startSystem, type System } from './support/system.ts';

const CASEWORKER: Caller = { sub: 'caseworker-654002', role: 'CASEWORKER', region: '654002' };
const HOUSEHOLDS = 7;
const SWEEP = 'id regionCode status error startedAt finishedAt findingsCount goneCount';

interface Sweep {
  id: string;
  regionCode: string;
  status: string;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  findingsCount: number;
  goneCount: number;
}

/** Seven households of 654002, each paid both rental subsidy and low-rent housing: seven standing findings. */
function plantedRecords() {
  return Array.from({ length: HOUSEHOLDS }, (_, i) => {
    const fixture = householdWithEverything(i + 1);
    const rental = fixture.records.find((r) => (r as { programme?: string }).programme === 'RENTAL_SUBSIDY') as Record<string, unknown>;
    const lowRent = { ...rental, id: `HO-${i + 1}-LOW_RENT`, programme: 'LOW_RENT_HOUSING', personId: fixture.persons.spouse, startDate: '2024-06-01', endDate: '2024-12-31', details: {} };
    return { fixture, lowRent, records: [...fixture.records, lowRent] };
  });
}

const run = (system: System, regionCode: string, caller: Caller) => system.query(`mutation ($r: String!) { runDuplicateAidSweep(regionCode: $r) { ${SWEEP} } }`, { r: regionCode }, { caller });

/** Polls a sweep until it has ended (it may wait its turn first). */
async function ended(system: System, id: string): Promise<Sweep> {
  for (let i = 0; i < 600; i++) {
    const res = await system.query(`query ($id: ID!) { duplicateAidSweep(id: $id) { ${SWEEP} } }`, { id });
    expect(res.errors).toBeUndefined();
    const s: Sweep = res.data!.duplicateAidSweep;
    if (s.status === 'DONE' || s.status === 'FAILED') return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sweep ${id} did not end`);
}

/** The region's findings, gone ones included, with how often each was marked gone. */
async function findings(system: System) {
  const res = await system.query(`{ duplicateAidFindings(regionCode: "654002", includeGone: true, first: 500) { edges { node { id awardIds goneAt history { event } } } } }`);
  expect(res.errors).toBeUndefined();
  const nodes: { id: string; awardIds: string[]; goneAt: string | null; history: { event: string }[] }[] = res.data!.duplicateAidFindings.edges.map((e: { node: unknown }) => e.node);
  return {
    standing: nodes.filter((n) => n.goneAt === null),
    gone: nodes.filter((n) => n.goneAt !== null),
    goneEvents: nodes.flatMap((n) => n.history.filter((h) => h.event === 'GONE')).length,
    nodes,
  };
}

describe('sweeps at once neither hide findings nor pile up', () => {
  let system: System;
  const planted = plantedRecords();

  beforeAll(async () => {
    system = await startSystem();
    expect(await loadFile(await writeNdjson(planted.flatMap((p) => p.records)), system.loadOptions)).toMatchObject({ ok: true });
    // The findings as one sweep alone stores them.
    const first = await run(system, '654002', COORDINATOR);
    expect(first.errors).toBeUndefined();
    expect(await ended(system, first.data!.runDuplicateAidSweep.id)).toMatchObject({ status: 'DONE', findingsCount: HOUSEHOLDS });
  });
  afterAll(() => system?.stop());

  it('the same sweep asked twice at once is one sweep, and every standing finding still stands', async () => {
    const ids: string[][] = [];
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all([run(system, '654002', CASEWORKER), run(system, '654002', CASEWORKER)]);
      for (const a of answers) expect(a.errors).toBeUndefined();
      const sweeps = answers.map((x) => x.data!.runDuplicateAidSweep as Sweep);
      for (const s of sweeps) expect(await ended(system, s.id)).toMatchObject({ status: 'DONE', goneCount: 0 });
      ids.push(sweeps.map((s) => s.id));
    }
    const after = await findings(system);
    expect(after.standing).toHaveLength(HOUSEHOLDS);
    expect(after.goneEvents).toBe(0);
    // Both answers name the one sweep that ran.
    for (const [a, b] of ids) expect(b).toBe(a);
  });

  it('a sweep of the prefecture and one of the county at once take turns, and nothing is wrongly gone', async () => {
    const rounds: { answered: Sweep[]; ended: Sweep[] }[] = [];
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all([run(system, '6540', COORDINATOR), run(system, '654002', CASEWORKER)]);
      for (const a of answers) expect(a.errors).toBeUndefined();
      const answered = answers.map((x) => x.data!.runDuplicateAidSweep as Sweep);
      rounds.push({ answered, ended: [await ended(system, answered[0]!.id), await ended(system, answered[1]!.id)] });
    }
    const after = await findings(system);
    expect(after.standing).toHaveLength(HOUSEHOLDS);
    expect(after.goneEvents).toBe(0);
    for (const { answered, ended: both } of rounds) {
      // (The prefecture's count also holds its possible duplicate identities: the households repeat names.)
      expect(both[1]).toMatchObject({ status: 'DONE', goneCount: 0, findingsCount: HOUSEHOLDS });
      expect(both[0]).toMatchObject({ status: 'DONE', goneCount: 0 });
      // One runs; the other waits its turn, and starts only when the first has ended.
      expect(answered.map((s) => s.status).sort()).toEqual(['QUEUED', 'RUNNING']);
      const [first, second] = [...both].sort((x, y) => Date.parse(x.startedAt) - Date.parse(y.startedAt));
      expect(Date.parse(first!.finishedAt!)).toBeLessThanOrEqual(Date.parse(second!.startedAt));
    }
  });

  it('ten sweeps at once by one caller: at most SWEEP_MAX_PER_CALLER (2) run or wait, the rest are refused with TOO_MANY_SWEEPS', async () => {
    // The county and nine of its townships: ten distinct requests, all the caseworker's own.
    const regions = ['654002', ...Array.from({ length: 9 }, (_, i) => `65400200${i + 1}`)];
    const answers = await Promise.all(regions.map((r) => run(system, r, CASEWORKER)));
    const accepted = answers.filter((a) => !a.errors).map((a) => a.data!.runDuplicateAidSweep as Sweep);
    const refused = answers.filter((a) => a.errors);
    expect(accepted.length + refused.length).toBe(regions.length);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const r of refused) {
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'TOO_MANY_SWEEPS', limit: 2 });
      expect(r.errors![0]!.message).toMatch(/2 sweeps/);
    }
    const done = await Promise.all(accepted.map((s) => ended(system, s.id)));
    for (const s of done) expect(s).toMatchObject({ status: 'DONE', goneCount: 0 });
    // Never more than two of this caller's sweeps at work at once: at every start, count the others under way.
    for (const s of done) {
      const at = Date.parse(s.startedAt);
      const underWay = done.filter((o) => Date.parse(o.startedAt) <= at && Date.parse(o.finishedAt!) > at);
      expect(underWay.length).toBeLessThanOrEqual(2);
    }
    // Another caller is not held back by this one's limit.
    const other = await run(system, '6540', COORDINATOR);
    expect(other.errors).toBeUndefined();
    expect(await ended(system, other.data!.runDuplicateAidSweep.id)).toMatchObject({ status: 'DONE', goneCount: 0 });
  });

  it('a finding whose aid was really corrected is marked gone by the next complete sweep, and only that one', async () => {
    const corrected = planted[2]!;
    // The housing office ends the low-rent housing before the rental subsidy began: no overlap left.
    const fixed = { ...corrected.lowRent, startDate: '2023-01-01', endDate: '2023-12-31' };
    expect(await loadFile(await writeNdjson([fixed]), system.loadOptions)).toMatchObject({ ok: true });
    // Two sweeps at once again: whichever completes first sees the correction; the other finds it already gone.
    const answers = await Promise.all([run(system, '654002', CASEWORKER), run(system, '6540', COORDINATOR)]);
    for (const a of answers) expect(a.errors).toBeUndefined();
    const both = await Promise.all(answers.map((a) => ended(system, a.data!.runDuplicateAidSweep.id)));
    const after = await findings(system);
    expect(after.standing).toHaveLength(HOUSEHOLDS - 1);
    expect(after.gone).toHaveLength(1);
    expect(after.gone[0]!.awardIds).toContain(corrected.lowRent.id);
    expect(both[0]).toMatchObject({ status: 'DONE', findingsCount: HOUSEHOLDS - 1 });
    expect(both[1]).toMatchObject({ status: 'DONE' });
    expect(both.map((s) => s.goneCount).sort()).toEqual([0, 1]);
  });

  it('the cursors the findings list gives still page through it', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res: { data?: any; errors?: unknown[] } = await system.query(`query ($after: String) { duplicateAidFindings(regionCode: "654002", includeGone: true, first: 3, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`, { after }, { caller: CASEWORKER });
      expect(res.errors).toBeUndefined();
      seen.push(...res.data!.duplicateAidFindings.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!res.data!.duplicateAidFindings.pageInfo.hasNextPage) break;
      after = res.data!.duplicateAidFindings.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(HOUSEHOLDS);
    expect(seen).toHaveLength(HOUSEHOLDS);
  });
});

describe('a findings cursor that this list did not give', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem();
  });
  afterAll(() => system?.stop());

  it.each([
    ['garbage', 'garbage'],
    ['a cursor with no separator', Buffer.from('2025-01-01 00:00:00+00').toString('base64url')],
    ['a cursor with an impossible time', Buffer.from('2025-02-30 00:00:00+00|F-1').toString('base64url')],
    ['a cursor with text for the time', Buffer.from("now'); --|F-1").toString('base64url')],
  ])('%s is refused as BAD_USER_INPUT naming `after`, literal or variable', async (_, after) => {
    const literal = await system.query(`{ duplicateAidFindings(regionCode: "654002", after: ${JSON.stringify(after)}) { totalCount } }`, undefined, { caller: CASEWORKER });
    const variable = await system.query(`query ($a: String) { duplicateAidFindings(regionCode: "654002", after: $a) { totalCount } }`, { a: after }, { caller: CASEWORKER });
    for (const res of [literal, variable]) {
      expect(res.data?.duplicateAidFindings ?? null).toBeNull();
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      expect(res.errors![0]!.message).toMatch(/after/);
    }
  });
});
