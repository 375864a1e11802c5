/**
 * Issue 30: a department from outside this codebase (external/public-security: @apollo/subgraph and
 * one copied protocol file) publishes itself to the schema registry; the gateway picks it up
 * without a restart, the household picture includes its data, and when it goes down the rest answers.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '@saf/auth';
import { loadFile } from '@saf/loader';
import { publishOwn, startRegistry, type RunningRegistry } from '../registry/test/support.ts';
import type { Caller } from '@saf/auth';
import { meansHousehold, STANDARD } from './support/casework.ts';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { freePort, spawnService, type ServiceProcess } from './support/processes.ts';
import { startSystem, type System } from './support/system.ts';

// What the platform's operator generates and gives the department: one secret shared with the
// gateway, one to publish with. Text, used as UTF-8 bytes on both sides.
const GATEWAY_SECRET = 'public-security-and-gateway-share-this-0123456789';
const REGISTRY_SECRET = 'public-security-publishes-with-this-0123456789';

const PICTURE = `query Picture($id: ID!) {
  household(id: $id) {
    id
    members { id name vehicles { plate kind estimatedValueFen } householdRegistrationChanges { kind date toRegionCode } }
    awards { id department }
  }
}`;

// The economic check (核对) of a 低保 application uses 公安's vehicles (casework/vehicles.ts).
const CW_A: Caller = { sub: 'cw-a', role: 'CASEWORKER', region: '654002' };
const CW_B: Caller = { sub: 'cw-b', role: 'CASEWORKER', region: '654002' };
// Both poor enough (30,000 fen a head against 72,000); the first one's head has a car.
const withCar = meansHousehold(61, [{ incomes: [{ monthlyFen: 60_000 }] }, {}]);
const withoutCar = meansHousehold(62, [{ incomes: [{ monthlyFen: 60_000 }] }, {}]);
const beforeJoining = meansHousehold(63, [{ incomes: [{ monthlyFen: 60_000 }] }, {}]);
const ASSESSMENT = 'id stage assessment { complete missingDepartments missingParts eligible incomePerHeadFen gapFen reasons vehicles { personId plate kind estimatedValueFen } }';
const SUBMIT = `mutation Submit($input: ApplicationInput!) { submitApplication(input: $input) { ${ASSESSMENT} } }`;
const ADVANCE = `mutation Advance($id: ID!, $action: ApplicationAction!, $note: String!) { advanceApplication(id: $id, action: $action, note: $note) { ${ASSESSMENT} } }`;
const minimumLiving = (h: typeof withCar, person = 0) => ({ householdId: h.householdId, personId: h.persons[person], programme: 'MINIMUM_LIVING_URBAN', reason: '家庭收入低于当地低保标准', consentSignedBy: h.persons[0], consentSignedOn: '2026-11-30' });

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, tries = 300): Promise<T> {
  let value = await probe();
  for (let i = 0; i < tries && !done(value); i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await probe();
  }
  return value;
}

describe('a department from outside joins through the registry', () => {
  let registry: RunningRegistry;
  let system: System;
  let department: ServiceProcess | undefined;
  let departmentUrl = '';
  let departmentPort = 0;
  let v1Schema = '';
  let dataFile = '';
  /** Starts a release of the department's service on its port; it publishes itself. */
  const release = (env: Record<string, string>) =>
    spawnService('external/public-security/src/server.mjs', {
      PORT: String(departmentPort),
      PUBLIC_SECURITY_DATA: dataFile,
      SAF_GATEWAY_SECRET: GATEWAY_SECRET,
      SAF_REGISTRY_URL: registry.url,
      SAF_REGISTRY_SECRET: REGISTRY_SECRET,
      PUBLISHED_BY: '公安局 户政管理科 release job',
      ...env,
    });
  const fixture = householdWithEverything();

  beforeAll(async () => {
    registry = await startRegistry({ env: { NODE_ENV: 'test', PUBLIC_SECURITY_REGISTRY_SECRET: REGISTRY_SECRET } });
    system = await startSystem({
      env: { REGISTRY_URL: registry.url, REGISTRY_POLL_MS: '200', PUBLIC_SECURITY_SIGNING_SECRET: GATEWAY_SECRET },
      urlsFromSupergraph: true,
      beforeGateway: (subgraphs) => publishOwn(registry, (name) => subgraphs.get(name)!.url),
    });
    expect(await loadFile(await writeNdjson([...fixture.records, STANDARD, ...withCar.records, ...withoutCar.records, ...beforeJoining.records]), system.loadOptions)).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    await department?.stop();
    await system?.stop();
    await registry?.stop();
    await registry?.database.dispose();
  });

  it('is not in the graph before it publishes', async () => {
    const res = await system.query(PICTURE, { id: fixture.householdId });
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('the economic check names 公安’s part missing while it is not in the graph; by the conditions shipped that does not block', async () => {
    const res = await system.query(SUBMIT, { input: minimumLiving(beforeJoining) }, { caller: CW_A });
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const { assessment } = res.data!.submitApplication;
    expect(assessment).toMatchObject({ complete: true, missingDepartments: [], missingParts: ['public-security'], vehicles: null, eligible: true, incomePerHeadFen: 30_000, gapFen: 42_000 });
    expect(assessment.reasons.join(' ')).toMatch(/车辆未核对：公安未接入/);
  });

  it('publishes itself at start; the gateway picks it up and the household picture includes its data', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'saf-gaj-'));
    const data = path.join(dir, 'data.json');
    await writeFile(
      data,
      JSON.stringify({
        vehicles: [
          { personId: fixture.persons.head, plate: '新F·A1234', kind: '小型轿车', registeredOn: '2019-06-01', estimatedValueFen: 4_500_000 },
          { personId: withCar.persons[0], plate: '新F·B5678', kind: '小型轿车', registeredOn: '2021-03-15', estimatedValueFen: 3_000_000 },
          { personId: withoutCar.persons[1], plate: '新F·C0001', kind: '残疾人机动轮椅车', registeredOn: '2022-01-10', estimatedValueFen: 800_000 },
        ],
        registrationChanges: [
          { personId: fixture.persons.child, kind: 'MOVE_IN', date: '2015-03-02', fromRegionCode: '650102', toRegionCode: '654002' },
          { personId: fixture.persons.child, kind: 'BIRTH', date: '2012-09-20', fromRegionCode: null, toRegionCode: '650102' },
        ],
      }),
    );
    // Its first release: the schema without vehicleCount (version 2 adds it, below).
    const full = await readFile(new URL('../external/public-security/schema.graphql', import.meta.url), 'utf8');
    const v1 = full.replace(/\n  """How many motor vehicles[^\n]*\n  vehicleCount: Int/, '');
    expect(v1).not.toContain('vehicleCount');
    v1Schema = path.join(dir, 'schema-v1.graphql');
    await writeFile(v1Schema, v1);
    dataFile = data;
    const port = await freePort();
    departmentPort = port;
    departmentUrl = `http://127.0.0.1:${port}/graphql`;
    department = release({ SCHEMA_FILE: v1Schema });
    const published = await department.logged((l) => typeof l.msg === 'string' && /schema registry/.test(l.msg) && !/not reachable/.test(l.msg), 120_000);
    expect(published.msg).toBe('published to the schema registry');

    const res = await eventually(() => system.query(PICTURE, { id: fixture.householdId }), (r) => !r.errors);
    expect(res.errors).toBeUndefined();
    const members = res.data!.household.members as Array<{ id: string; vehicles: unknown[]; householdRegistrationChanges: Array<{ kind: string }> }>;
    expect(members.find((m) => m.id === fixture.persons.head)!.vehicles).toEqual([{ plate: '新F·A1234', kind: '小型轿车', estimatedValueFen: 4_500_000 }]);
    expect(members.find((m) => m.id === fixture.persons.child)!.householdRegistrationChanges.map((c) => c.kind)).toEqual(['BIRTH', 'MOVE_IN']);
    expect(members.find((m) => m.id === fixture.persons.spouse)!.vehicles).toEqual([]);
    expect(res.data!.household.awards).toHaveLength(7);

    const { versions } = (await (await registry.as('operator')('/services/public-security/versions')).json()) as { versions: Array<{ version: number; publishedBy: string; owner: string; url: string }> };
    expect(versions[0]).toMatchObject({ version: 1, publishedBy: '公安局 户政管理科 release job', owner: expect.stringContaining('公安局'), url: departmentUrl });
  });

  it('the economic check includes its vehicles and applies the vehicle condition', async () => {
    const car = (await system.query(SUBMIT, { input: minimumLiving(withCar) }, { caller: CW_A })).data!.submitApplication.assessment;
    expect(car).toMatchObject({ complete: true, missingParts: [], eligible: false, gapFen: null, incomePerHeadFen: 30_000 });
    expect(car.vehicles).toEqual([{ personId: withCar.persons[0], plate: '新F·B5678', kind: '小型轿车', estimatedValueFen: 3_000_000 }]);
    expect(car.reasons.join(' ')).toMatch(/机动车 1 辆，超过 0 辆/);
    // A wheelchair vehicle is an exempt kind: listed, not counted.
    const exempt = (await system.query(SUBMIT, { input: minimumLiving(withoutCar) }, { caller: CW_A })).data!.submitApplication.assessment;
    expect(exempt).toMatchObject({ complete: true, missingParts: [], eligible: true, gapFen: 42_000 });
    expect(exempt.vehicles.map((v: { kind: string }) => v.kind)).toEqual(['残疾人机动轮椅车']);
  });

  it('its next release publishes a new field, served without a gateway restart', async () => {
    const VEHICLE_COUNT = 'query ($id: ID!) { person(id: $id) { vehicleCount } }';
    expect((await system.query(VEHICLE_COUNT, { id: fixture.persons.head })).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    await department!.stop();
    department = release({});
    await department.logged((l) => l.msg === 'published to the schema registry', 120_000);
    const res = await eventually(() => system.query(VEHICLE_COUNT, { id: fixture.persons.head }), (r) => !r.errors);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ person: { vehicleCount: 1 } });
    const { versions } = (await (await registry.as('operator')('/services/public-security/versions')).json()) as { versions: Array<{ version: number; diff: string }> };
    expect(versions[0]!.version).toBe(2);
    expect(versions[0]!.diff).toContain('vehicleCount: Int');
  });

  it('answers only the gateway\'s signed requests', async () => {
    const body = JSON.stringify({ query: '{ _entities(representations: [{ __typename: "Person", id: "x" }]) { ... on Person { vehicles { plate } } } }' });
    const unsigned = await fetch(departmentUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    // Signed with another subgraph's secret (here: labour's shared secret): refused.
    const forged = await fetch(departmentUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest({ secret: 'not-the-secret-of-public-security-0123456789', from: 'gateway', to: 'public-security', method: 'POST', path: '/graphql', body, caller: null }) }, body });
    expect(forged.status).toBe(403);
    // The gateway's own call (no caller) gets no person-level data.
    const own = await fetch(departmentUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest({ secret: GATEWAY_SECRET, from: 'gateway', to: 'public-security', method: 'POST', path: '/graphql', body, caller: null }) }, body });
    expect(((await own.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('FORBIDDEN');
  });

  it('when it goes down, the rest of the picture answers, its part null and named', async () => {
    await department!.stop();
    department = undefined;
    // The same operation as before the new release's supergraph: its plan was warmed after the update.
    const res = await system.query(PICTURE, { id: fixture.householdId });
    expect(res.status).toBe(200);
    expect(res.data!.household.awards).toHaveLength(7);
    expect(res.data!.household.members.map((m: { name: string }) => m.name)).toHaveLength(4);
    expect(res.data!.household.members.every((m: { vehicles: unknown }) => m.vehicles === null)).toBe(true);
    expect(res.errors?.map((e) => e.extensions?.serviceName)).toContain('public-security');
  });

  it('when it is down, the economic check names its part missing and the rest answers; required by the conditions, that blocks the review', async () => {
    expect(department).toBeUndefined();
    const UPDATE = 'mutation Update($rules: String!, $note: String!) { updateEligibilityRules(rules: $rules, note: $note) { version } }';
    const READ = 'query { eligibilityRules { json } }';
    const rules = JSON.parse((await system.query(READ)).data!.eligibilityRules.json);
    rules.programmes.MINIMUM_LIVING_URBAN.vehicles.required = true;
    expect((await system.query(UPDATE, { rules: JSON.stringify(rules), note: '公安已接入：车辆核对为必查项' })).errors).toBeUndefined();
    // Another member of a household already assessed with 公安 answering (its vehicles were listed).
    const submitted = (await system.query(SUBMIT, { input: minimumLiving(withCar, 1) }, { caller: CW_A })).data!.submitApplication;
    // Known not eligible (the car) would stay false; here nothing is concluded: the car is not seen.
    expect(submitted.assessment).toMatchObject({ complete: false, missingDepartments: [], missingParts: ['public-security'], vehicles: null, eligible: null, incomePerHeadFen: 30_000 });
    expect(submitted.assessment.reasons.join(' ')).toMatch(/公安未答复.*不能据此审批/);
    const visited = await system.query(ADVANCE, { id: submitted.id, action: 'RECORD_VISIT', note: '入户调查' }, { caller: CW_A });
    expect(visited.data!.advanceApplication.assessment.missingParts).toEqual(['public-security']);
    const review = await system.query(ADVANCE, { id: submitted.id, action: 'REVIEW', note: '审核' }, { caller: CW_B });
    expect(review.errors?.[0]?.message).toMatch(/incomplete \(public-security did not answer\)/);
  });

  it('unpublishes itself: the gateway drops its fields on the next pull, the rest answers', async () => {
    const res = await registry.as('public-security')('/services/public-security/unpublish', { body: { publishedBy: '公安局 户政管理科', acknowledge: '公安 leaves the platform; the coordination office agreed' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'removed', version: 3 });
    const VEHICLE_COUNT = 'query ($id: ID!) { person(id: $id) { vehicleCount } }';
    // Until the gateway pulls, the field is there and 公安 (down) does not answer it.
    const gone = await eventually(() => system.query(VEHICLE_COUNT, { id: fixture.persons.head }), (r) => r.errors?.[0]?.extensions?.code === 'GRAPHQL_VALIDATION_FAILED');
    expect(gone.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const rest = await system.query('query ($id: ID!) { household(id: $id) { id awards { id } } }', { id: fixture.householdId });
    expect(rest.errors).toBeUndefined();
    expect(rest.data!.household.awards).toHaveLength(7);
  });
});
