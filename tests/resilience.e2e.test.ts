import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '@saf/auth';
import { loadFile } from '@saf/loader';
import { testSecret } from '@saf/testing';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { eventually, metricValue, proxy, startGateway, type ExtraGateway, type Proxy } from './support/faults.ts';
import { startSystem, type System } from './support/system.ts';

const QUERY = `query Picture($id: ID!) {
  household(id: $id) { id members { id labourAwards { id } } awards { id department } }
}`;

describe('timeouts, retries, breakers and connections between the gateway and a subgraph', () => {
  let system: System;
  const fixture = householdWithEverything(3);
  const cleanup: (() => Promise<void>)[] = [];

  async function through(subgraph: string, env: Record<string, string>): Promise<{ gateway: ExtraGateway; proxy: Proxy }> {
    const p = await proxy(system.subgraphs.get(subgraph)!.url);
    // The access log's head goes to the other departments' witnesses: the counts below are the
    // graph's requests and connections alone.
    const witnesses = ['civil-affairs', 'housing'].filter((w) => w !== subgraph).join(',');
    const gateway = await startGateway(system, { urls: { [subgraph]: p.url }, env: { AUDIT_WITNESSES: witnesses, ...env } });
    cleanup.push(() => gateway.stop(), () => p.close());
    return { gateway, proxy: p };
  }

  const departments = (res: { data?: any }) => new Set(res.data!.household.awards.map((a: { department: string }) => a.department));

  beforeAll(async () => {
    system = await startSystem();
    expect(await loadFile(await writeNdjson(fixture.records), system.loadOptions)).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
    await system?.stop();
  });

  it('the breaker opens on a failing subgraph, stops sending it requests, and closes when it is back', async () => {
    const { gateway, proxy: labour } = await through('labour', { SUBGRAPH_BREAKER_FAILURES: '3', SUBGRAPH_BREAKER_COOLDOWN_MS: '3000' });
    expect(metricValue(await gateway.metrics(), 'saf_subgraph_breaker_state', { subgraph: 'labour' })).toBe(0);
    labour.mode = 'reset';
    await eventually(async () => {
      const res = await gateway.query(QUERY, { id: fixture.householdId });
      expect(res.errors?.[0]?.extensions).toMatchObject({ serviceName: 'labour', code: 'SUBGRAPH_UNAVAILABLE' });
      expect(metricValue(await gateway.metrics(), 'saf_subgraph_breaker_state', { subgraph: 'labour' })).toBe(2);
    });
    // Open: the household still answers, labour is named, and labour is left alone.
    const before = labour.requests;
    for (let i = 0; i < 5; i++) {
      const res = await gateway.query(QUERY, { id: fixture.householdId });
      expect(departments(res).size).toBe(6);
      expect(res.errors).toEqual([expect.objectContaining({ extensions: { serviceName: 'labour', code: 'SUBGRAPH_UNAVAILABLE' } })]);
    }
    // Without the breaker these five pictures would have cost labour ten requests or more (retries
    // on top); at most a single probe may have gone if the machine stalled past the cool-down.
    expect(labour.requests - before).toBeLessThanOrEqual(1);

    labour.mode = 'forward';
    await eventually(async () => {
      const res = await gateway.query(QUERY, { id: fixture.householdId });
      expect(res.errors).toBeUndefined();
      expect(departments(res).size).toBe(7);
    });
    const metrics = await gateway.metrics();
    expect(metricValue(metrics, 'saf_subgraph_breaker_state', { subgraph: 'labour' })).toBe(0);
    expect(metricValue(metrics, 'saf_subgraph_breaker_transitions_total', { subgraph: 'labour', state: 'open' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(metrics, 'saf_subgraph_breaker_transitions_total', { subgraph: 'labour', state: 'half-open' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(metrics, 'saf_subgraph_breaker_transitions_total', { subgraph: 'labour', state: 'closed' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(metrics, 'saf_subgraph_errors_total', { subgraph: 'labour', code: 'SUBGRAPH_UNAVAILABLE' })).toBeGreaterThanOrEqual(5);
  });

  it('a dropped connection is retried for a query: the caseworker never sees it', async () => {
    const { gateway, proxy: labour } = await through('labour', {});
    labour.resetNext(1);
    const res = await gateway.query(QUERY, { id: fixture.householdId });
    expect(res.errors).toBeUndefined();
    expect(departments(res).size).toBe(7);
    expect(labour.requests).toBeGreaterThanOrEqual(2);
    expect(metricValue(await gateway.metrics(), 'saf_subgraph_retries_total', { subgraph: 'labour' })).toBeGreaterThanOrEqual(1);
  });

  it('a mutation is never retried: it may have been applied', async () => {
    const { gateway, proxy: coordination } = await through('coordination', {});
    // The mutation's request (the gateway also holds the sharing change stream open on coordination).
    coordination.resetNext(1, (_method, _path, body) => body.includes('mutation'));
    const res = await gateway.query(`mutation Sweep { runDuplicateAidSweep(regionCode: "654002") { id status } }`);
    expect(res.status).toBe(200);
    expect(res.errors).toEqual([expect.objectContaining({ extensions: { serviceName: 'coordination', code: 'SUBGRAPH_UNAVAILABLE' } })]);
    expect(coordination.bodies.filter((b) => b.includes('mutation'))).toHaveLength(1);
    expect(metricValue(await gateway.metrics(), 'saf_subgraph_retries_total', { subgraph: 'coordination' }) ?? 0).toBe(0);
  });

  it('connections are kept alive and bounded (SUBGRAPH_MAX_SOCKETS)', async () => {
    const { gateway, proxy: labour } = await through('labour', { SUBGRAPH_MAX_SOCKETS: '2' });
    const answers = await Promise.all(Array.from({ length: 20 }, () => gateway.query(QUERY, { id: fixture.householdId })));
    for (const res of answers) expect(res.errors).toBeUndefined();
    for (let i = 0; i < 10; i++) expect((await gateway.query(QUERY, { id: fixture.householdId })).errors).toBeUndefined();
    expect(labour.requests).toBeGreaterThanOrEqual(30);
    expect(labour.connections).toBeLessThanOrEqual(2);
  });

  it("a client request's fetches to one subgraph that are ready at once go as one request, and answer as apart", async () => {
    const { gateway, proxy: labour } = await through('labour', {});
    const batched = await gateway.query(QUERY, { id: fixture.householdId });
    expect(batched.errors).toBeUndefined();
    // The household's labour awards and its members' (two operations the planner runs in parallel): one request.
    expect(labour.requests).toBe(1);
    const operations = JSON.parse(labour.bodies[0]!) as { query: string }[];
    expect(operations).toHaveLength(2);
    expect(operations.every((op) => op.query.includes('_entities'))).toBe(true);

    const { gateway: apart, proxy: labourApart } = await through('labour', { SUBGRAPH_BATCH_MAX: '1' });
    const single = await apart.query(QUERY, { id: fixture.householdId });
    expect(labourApart.requests).toBe(2);
    expect(labourApart.bodies.every((b) => !Array.isArray(JSON.parse(b)))).toBe(true);
    expect(batched.data).toEqual(single.data);
    expect(departments(batched).size).toBe(7);

    // Two client requests at once are never sent together: each has its own caller, request id and log.
    labour.bodies.length = 0;
    const both = await Promise.all([gateway.query(QUERY, { id: fixture.householdId }), gateway.query(QUERY, { id: fixture.householdId })]);
    for (const res of both) expect(res.data).toEqual(single.data);
    expect(labour.bodies.map((b) => (JSON.parse(b) as unknown[]).length)).toEqual([2, 2]);
  });

  it('a subgraph takes batches only signed, and of 16 operations at most', async () => {
    const labour = system.subgraphs.get('labour')!;
    const op = { query: '{ _service { sdl } }' };
    const post = (ops: unknown[], sign = true) => {
      const body = JSON.stringify(ops);
      const signed = sign ? signRequest({ secret: testSecret('labour'), from: 'gateway', to: 'labour', method: 'POST', path: '/graphql', body, caller: { sub: 'x', role: 'COORDINATOR' } }) : {};
      return fetch(labour.url, { method: 'POST', headers: { 'content-type': 'application/json', ...signed }, body });
    };
    const two = await post([op, op]);
    expect(two.status).toBe(200);
    const answers = (await two.json()) as { data: { _service: { sdl: string } } }[];
    expect(answers).toHaveLength(2);
    expect(answers[0]!.data._service.sdl).toContain('labourAwards');
    const many = await post(Array.from({ length: 17 }, () => op));
    expect(many.status).toBe(400);
    expect(await many.json()).toMatchObject({ error: 'a batch holds at most 16 operations, this one 17' });
    expect((await post([op, op], false)).status).toBe(401);
  });

  it('a gateway started while the departments are down is ready, and serves them once they start', async () => {
    // The access log stays up: without it, no person-level answer leaves at all (AUDIT_UNAVAILABLE, by design).
    const departmentsAndCoordination = [...system.subgraphs.values()].filter((s) => s.name !== 'audit');
    for (const s of departmentsAndCoordination) await s.stop();
    const gateway = await startGateway(system, { env: { SUBGRAPH_BREAKER_COOLDOWN_MS: '200' } });
    cleanup.push(() => gateway.stop());
    const base = gateway.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    const down = await gateway.query(QUERY, { id: fixture.householdId });
    expect(down.status).toBe(200);
    expect(down.data?.household ?? null).toBeNull();
    // The coordination office, where the sharing agreements are, is down too: a gateway that never
    // read them refuses what needs one (fails closed) before asking civil affairs.
    expect(down.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN', agreementsUnavailable: true }) })]);

    for (const s of departmentsAndCoordination) await s.restart();
    await eventually(async () => {
      const res = await gateway.query(QUERY, { id: fixture.householdId });
      expect(res.errors).toBeUndefined();
      expect(departments(res).size).toBe(7);
    });
  });
});
