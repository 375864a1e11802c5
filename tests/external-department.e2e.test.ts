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
    expect(await loadFile(await writeNdjson(fixture.records), system.loadOptions)).toMatchObject({ ok: true });
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

  it('publishes itself at start; the gateway picks it up and the household picture includes its data', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'saf-gaj-'));
    const data = path.join(dir, 'data.json');
    await writeFile(
      data,
      JSON.stringify({
        vehicles: [{ personId: fixture.persons.head, plate: '新F·A1234', kind: '小型轿车', registeredOn: '2019-06-01', estimatedValueFen: 4_500_000 }],
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
});
