import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '@saf/generator';
import { loadFile } from '@saf/loader';
import { subgraphSigningSecret } from '@saf/auth';
import { signedFetch } from '@saf/testing';
import { seedApplications } from '../scripts/demoCasework.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

// The demo's applications (scripts/demoCasework.ts, run by `npm start`): filed through the gateway
// for generated households of 伊宁市, at every stage, with the households the assessment finds
// ineligible kept as planted cases; the approved ones brought in as the archive of applications
// decided weeks ago, checked against the rules by the coordination office.

describe('demo applications', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem();
    const records = [...generate({ households: 300, seed: 2026 })];
    expect((await loadFile(await writeNdjson(records), system.loadOptions)).ok).toBe(true);
  });
  afterAll(() => system?.stop());

  const archive = () => ({ url: system.subgraphs.get('coordination')!.url, secret: subgraphSigningSecret('coordination', {}, 'test') });

  it('files applications at every stage, approved (with the award), rejected and under appeal among them, ineligible ones too, and only once', async () => {
    const stages = await seedApplications(system.gatewayUrl, () => {}, archive());
    for (const stage of ['SUBMITTED', 'ASSESSED', 'REVIEWED', 'IN_NOTICE', 'APPROVED', 'REJECTED', 'WITHDRAWN']) expect(stages[stage] ?? 0, stage).toBeGreaterThan(0);
    const list = await system.query(`{ applications(regionCode: "654002", first: 100) { edges { node { id stage householdId awardId noticeEnd assessment { eligible complete } history { action by at } } } } }`);
    expect(list.errors).toBeUndefined();
    const nodes = list.data!.applications.edges.map((e: { node: { stage: string; assessment: { eligible: boolean | null; complete: boolean } } }) => e.node);
    expect(nodes.every((n: { assessment: { complete: boolean } }) => n.assessment.complete)).toBe(true);
    expect(nodes.filter((n: { assessment: { eligible: boolean | null } }) => n.assessment.eligible === false).length).toBeGreaterThan(0);
    expect(nodes.filter((n: { assessment: { eligible: boolean | null } }) => n.assessment.eligible === true).length).toBeGreaterThan(0);
    // Each rejection is of an ineligible household, by the civil affairs officer.
    for (const n of nodes.filter((x: { stage: string }) => x.stage === 'REJECTED')) expect(n).toMatchObject({ assessment: { eligible: false }, history: expect.arrayContaining([expect.objectContaining({ action: 'REJECT', by: 'demo-civil-affairs' })]) });
    // Under appeal (复核): rejected, appealed, back at the township's review.
    expect(nodes.filter((n: { stage: string; history: { action: string }[] }) => n.stage === 'REVIEWED' && n.history.some((e) => e.action === 'APPEAL')).length).toBeGreaterThan(0);
    // Approved weeks ago, after the 7 days of notice, its award in the household picture from the approval's date.
    type Node = { id: string; stage: string; householdId: string; awardId: string; history: { action: string; by: string; at: string }[] };
    const approved = nodes.filter((n: Node) => n.stage === 'APPROVED') as Node[];
    for (const app of approved) {
      const at = (action: string) => Date.parse(app.history.find((e) => e.action === action)!.at);
      expect(app.history.map((e) => e.action)).toEqual(expect.arrayContaining(['SUBMIT', 'RECORD_VISIT', 'REVIEW', 'START_NOTICE', 'APPROVE']));
      expect(at('APPROVE') - at('START_NOTICE')).toBeGreaterThanOrEqual(7 * 86_400_000);
      expect(Date.now() - at('APPROVE')).toBeGreaterThan(86_400_000);
      const picture = await system.query(`query P($id: ID!) { household(id: $id) { awards { id programme status startDate } } }`, { id: app.householdId });
      expect(picture.errors).toBeUndefined();
      const award = picture.data!.household.awards.find((a: { id: string }) => a.id === app.awardId);
      expect(award).toMatchObject({ status: 'ACTIVE', programme: expect.stringMatching(/^MINIMUM_LIVING_/) });
      expect(award.startDate).toBe(new Date(at('APPROVE') + 8 * 3_600_000).toISOString().slice(0, 10));
    }
    // A second start files nothing more.
    expect(await seedApplications(system.gatewayUrl, () => {}, archive())).toEqual({});
  });

  it('takes an archived application only from the loader, only with a history the rules allow', async () => {
    const url = system.subgraphs.get('coordination')!.url.replace(/\/graphql$/, '/archive/applications');
    const household = (await system.query(`{ householdsInRegion(regionCode: "654002", first: 40) { edges { node { id hukou members { id deathDate } } } } }`)).data!.householdsInRegion.edges.at(-1).node;
    const person = household.members.find((m: { deathDate: string | null }) => !m.deathDate).id;
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    const app = (events: object[]) => ({ id: 'APP-20261001-0123456789', householdId: household.id, personId: person, programme: 'MINIMUM_LIVING_URBAN', reason: '申请', consentSignedBy: person, consentSignedOn: '2026-10-01', events });
    const steps = [
      { action: 'SUBMIT', by: 'cw-1', byRole: 'CASEWORKER', at: day(30), note: '申请' },
      { action: 'RECORD_VISIT', by: 'cw-1', byRole: 'CASEWORKER', at: day(29), note: '入户' },
      { action: 'REVIEW', by: 'cw-2', byRole: 'CASEWORKER', at: day(28), note: '审核' },
      { action: 'START_NOTICE', by: 'cw-2', byRole: 'CASEWORKER', at: day(27), note: '公示' },
    ];
    const post = (from: string, body: object) => signedFetch(url, subgraphSigningSecret('coordination', {}, 'test'), { from, to: 'coordination', body: JSON.stringify(body) });
    expect((await post('gateway', { applications: [app(steps)] })).status).toBe(403);
    const refused = async (events: object[], why: RegExp) => {
      const res = await post('loader', { applications: [app(events)] });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { results: { error?: string }[] }).results[0]!.error).toMatch(why);
    };
    await refused([...steps, { action: 'APPROVE', by: 'ca-1', byRole: 'DEPARTMENT_OFFICER', at: day(24), note: '同意' }], /before the notice's 7 days had run/);
    const [submitted, visited, reviewed] = steps as [object, object, object];
    await refused([submitted, visited, { ...reviewed, by: "cw-1" }], /other than who filed/);
    await refused([submitted, reviewed], /REVIEW .* is not possible at stage SUBMITTED/);
    await refused([...steps, { action: 'APPROVE', by: 'cw-3', byRole: 'CASEWORKER', at: day(10), note: '同意' }], /APPROVE is not taken by a CASEWORKER/);
    await refused([{ ...submitted, at: day(-2) }], /not a past instant/);
    const list = await system.query(`{ application(id: "APP-20261001-0123456789") { id } }`);
    expect(list.data?.application ?? null).toBeNull();
  });
});
