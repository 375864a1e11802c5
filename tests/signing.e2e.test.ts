/**
 * Issue 25, hole 11: requests between our services are signed for one direction and one audience.
 * Requests are captured on the wire between real services (a proxy, as someone inside the network
 * could) and sent elsewhere: a gateway→coordination request to the gateway as if coordination had
 * signed it, a coordination→gateway request to coordination, a gateway→labour or loader→labour
 * request to health. Labour and health are given the same secret, so what refuses those is the
 * signature naming its audience, not two different keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '@saf/loader';
import { signedFetch } from '@saf/testing';
import { subgraphSigningSecret, type Caller } from '@saf/auth';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { proxy, startGateway, type CapturedRequest, type ExtraGateway, type Proxy } from './support/faults.ts';
import { startSystem, type System } from './support/system.ts';

const SHARED = 'one-secret-for-labour-and-health-0123456789';
const ENV = { LABOUR_SIGNING_SECRET: SHARED, HEALTH_SIGNING_SECRET: SHARED };
const CASEWORKER: Caller = { sub: 'cw-yining', role: 'CASEWORKER', region: '654002' };
const FINDINGS = `{ duplicateAidFindings(regionCode: "6540") { totalCount edges { node { id personIds explanation } } } }`;

/** Sends a captured request, as it was or with some headers changed, to `url`. */
async function replay(request: CapturedRequest, url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const { host: _host, 'content-length': _length, connection: _connection, ...kept } = request.headers;
  const res = await fetch(url, { method: request.method, headers: { ...kept, ...headers }, body: new Uint8Array(request.body) });
  return { status: res.status, text: await res.text() };
}

describe('signatures between services are bound to their direction and audience', () => {
  let system: System;
  let toGateway: Proxy;
  const fixture = householdWithEverything(7);
  // A second housing benefit in the household: the sweep has a finding to store.
  const lowRent = { ...(fixture.records[9] as object), id: 'HO-7-LOW_RENT', programme: 'LOW_RENT_HOUSING', personId: fixture.persons.spouse, startDate: '2024-06-01', endDate: '2024-12-31', details: {} };
  const cleanup: (() => Promise<void>)[] = [];

  /** A gateway whose requests to `subgraph` pass a proxy that keeps them. */
  async function gatewayThrough(subgraph: string): Promise<{ gateway: ExtraGateway; wire: Proxy }> {
    const wire = await proxy(system.subgraphs.get(subgraph)!.url);
    const gateway = await startGateway(system, { urls: { [subgraph]: wire.url }, env: ENV });
    cleanup.push(() => gateway.stop(), () => wire.close());
    return { gateway, wire };
  }

  beforeAll(async () => {
    system = await startSystem({
      env: ENV,
      // Coordination reaches the gateway through a proxy that keeps its requests.
      gatewayForServices: async (url) => {
        toGateway = await proxy(url);
        return toGateway.url;
      },
    });
  });
  afterAll(async () => {
    for (const c of cleanup.splice(0)) await c();
    await toGateway?.close();
    await system?.stop();
  });

  it('the loader and a coordinator’s sweep work as before', async () => {
    const wire = await proxy(system.subgraphs.get('labour')!.url);
    cleanup.push(() => wire.close());
    const targets = { ...system.loadOptions.targets, LABOUR: wire.url.replace(/\/graphql$/, '') };
    expect(await loadFile(await writeNdjson([...fixture.records, lowRent]), { ...system.loadOptions, targets })).toMatchObject({ ok: true });
    expect(wire.captured.some((r) => r.path.endsWith('/commit'))).toBe(true);

    const started = await system.query(`mutation { runDuplicateAidSweep(regionCode: "654002") { id } }`);
    expect(started.errors).toBeUndefined();
    let sweep: { status: string; findingsCount: number } | undefined;
    for (let i = 0; i < 200 && (!sweep || sweep.status === 'RUNNING'); i++) {
      if (sweep) await new Promise((r) => setTimeout(r, 100));
      sweep = (await system.query(`query ($id: ID!) { duplicateAidSweep(id: $id) { status findingsCount } }`, { id: started.data!.runDuplicateAidSweep.id })).data!.duplicateAidSweep;
    }
    expect(sweep).toMatchObject({ status: 'DONE', findingsCount: 1 });
    // The sweep read the graph through the gateway, signed coordination→gateway.
    expect(toGateway.captured.length).toBeGreaterThan(0);
    expect(toGateway.captured.every((r) => r.headers['x-saf-service'] === 'coordination')).toBe(true);
    const caseworker = await system.query(`query ($id: ID!) { household(id: $id) { id duplicateAidFindings { rule } } }`, { id: fixture.householdId }, { caller: CASEWORKER });
    expect(caseworker.errors).toBeUndefined();
    expect(caseworker.data!.household.duplicateAidFindings).toEqual([{ rule: 'HOUSEHOLD_EXCLUSIVE_PROGRAMMES' }]);
  });

  it('the gateway refuses a captured gateway→coordination request sent to it as coordination’s', async () => {
    const { gateway, wire } = await gatewayThrough('coordination');
    const served = await gateway.query(FINDINGS);
    expect(served.errors).toBeUndefined();
    expect(served.data!.duplicateAidFindings.totalCount).toBe(1);
    const captured = wire.captured.find((r) => r.body.toString().includes('duplicateAidFindings'))!;
    expect(captured).toBeDefined();
    // No token, no purpose: only the signature the gateway made for coordination.
    expect(captured.headers.authorization).toBeUndefined();
    for (const headers of [{ 'x-saf-service': 'coordination' }, {}] as Record<string, string>[]) {
      const res = await replay(captured, system.gatewayUrl, headers);
      expect(res.status).toBe(401);
      const body = JSON.parse(res.text) as { data?: unknown; errors: { extensions: { code: string } }[] };
      expect(body.data).toBeUndefined();
      expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
      expect(res.text).not.toContain(fixture.persons.head);
      expect(res.text).not.toContain(fixture.persons.spouse);
    }
  });

  it('coordination refuses a captured coordination→gateway request, as sent or relabelled as the gateway’s', async () => {
    const captured = toGateway.captured.at(-1)!;
    const coordination = system.subgraphs.get('coordination')!.url;
    const asSent = await replay(captured, coordination);
    expect(asSent.status).toBe(403);
    expect(JSON.parse(asSent.text)).toMatchObject({ reason: 'unknown_sender' });
    const relabelled = await replay(captured, coordination, { 'x-saf-service': 'gateway' });
    expect(relabelled.status).toBe(403);
    expect(JSON.parse(relabelled.text)).toMatchObject({ reason: 'bad_signature' });
  });

  it('health refuses a request the gateway signed for labour, though both have the same secret', async () => {
    const { gateway, wire } = await gatewayThrough('labour');
    const picture = await gateway.query(`query ($id: ID!) { household(id: $id) { members { labourAwards { id } } } }`, { id: fixture.householdId });
    expect(picture.errors).toBeUndefined();
    const captured = wire.captured.at(-1)!;
    const res = await replay(captured, system.subgraphs.get('health')!.url);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text)).toMatchObject({ reason: 'bad_signature' });
    expect(res.text).not.toContain(fixture.persons.spouse);
  });

  it('health refuses a load request the loader signed for labour; labour’s GraphQL refuses the loader', async () => {
    const wire = await proxy(system.subgraphs.get('labour')!.url);
    cleanup.push(() => wire.close());
    const targets = { ...system.loadOptions.targets, LABOUR: wire.url.replace(/\/graphql$/, '') };
    expect(await loadFile(await writeNdjson(fixture.records), { ...system.loadOptions, targets })).toMatchObject({ ok: true });
    const staged = wire.captured.find((r) => r.path.endsWith('/records'))!;
    const health = system.subgraphs.get('health')!.url.replace(/\/graphql$/, '');
    const res = await replay(staged, `${health}${staged.path}`);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text)).toMatchObject({ reason: 'bad_signature' });
    // Signed loader→labour with labour's secret, but for GraphQL: only the gateway asks that.
    const body = JSON.stringify({ query: `{ labourAward(id: "LB-7-PUBLIC_WELFARE_JOB") { personId } }` });
    const asLoader = await signedFetch(system.subgraphs.get('labour')!.url, subgraphSigningSecret('labour', ENV, 'test'), { from: 'loader', to: 'labour', body, caller: { sub: 'x', role: 'COORDINATOR' } });
    expect(asLoader.status).toBe(403);
    expect(await asLoader.text()).not.toContain(fixture.persons.spouse);
  });
});
