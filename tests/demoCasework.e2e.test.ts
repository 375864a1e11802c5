import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '@saf/generator';
import { loadFile } from '@saf/loader';
import { seedApplications } from '../scripts/demoCasework.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

// The demo's applications (scripts/demoCasework.ts, run by `npm start`): filed through the gateway
// for generated households of 伊宁市, at every stage a fresh system can reach, with the households
// the assessment finds ineligible kept as planted cases.

describe('demo applications', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem();
    const records = [...generate({ households: 300, seed: 2026 })];
    expect((await loadFile(await writeNdjson(records), system.loadOptions)).ok).toBe(true);
  });
  afterAll(() => system?.stop());

  it('files applications at every stage, ineligible ones among them, and only once', async () => {
    const stages = await seedApplications(system.gatewayUrl);
    for (const stage of ['SUBMITTED', 'ASSESSED', 'REVIEWED', 'IN_NOTICE', 'REJECTED', 'WITHDRAWN']) expect(stages[stage] ?? 0, stage).toBeGreaterThan(0);
    const list = await system.query(`{ applications(regionCode: "654002", first: 100) { edges { node { stage assessment { eligible complete } history { action by } } } } }`);
    expect(list.errors).toBeUndefined();
    const nodes = list.data!.applications.edges.map((e: { node: { stage: string; assessment: { eligible: boolean | null; complete: boolean } } }) => e.node);
    expect(nodes.every((n: { assessment: { complete: boolean } }) => n.assessment.complete)).toBe(true);
    expect(nodes.filter((n: { assessment: { eligible: boolean | null } }) => n.assessment.eligible === false).length).toBeGreaterThan(0);
    expect(nodes.filter((n: { assessment: { eligible: boolean | null } }) => n.assessment.eligible === true).length).toBeGreaterThan(0);
    // Each rejection is of an ineligible household, by the civil affairs officer.
    for (const n of nodes.filter((x: { stage: string }) => x.stage === 'REJECTED')) expect(n).toMatchObject({ assessment: { eligible: false }, history: expect.arrayContaining([{ action: 'REJECT', by: 'demo-civil-affairs' }]) });
    // A second start files nothing more.
    expect(await seedApplications(system.gatewayUrl)).toEqual({});
  });
});
