import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '@saf/loader';
import type { GraphQLResponse } from '@saf/testing';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { answeringServer, eventually, hungServer, proxy, startGateway, type FaultServer } from './support/faults.ts';
import { startSystem, type System } from './support/system.ts';

const QUERY = `query ($id: ID!) {
  household(id: $id) { id members { id name labourAwards { id } } awards { id department } }
}`;

type Answer = GraphQLResponse<any>;

/** The household is there with six departments' awards, and exactly one error names labour with `code`. */
function expectPartial(res: Answer, code: string): void {
  expect(res.status).toBe(200);
  const household = res.data!.household;
  expect(household.members).toHaveLength(4);
  for (const member of household.members) expect(member.labourAwards).toBeNull();
  const departments = new Set(household.awards.map((a: { department: string }) => a.department));
  expect(departments.size).toBe(6);
  expect(departments.has('LABOUR')).toBe(false);
  expect(res.errors).toHaveLength(1);
  expect(res.errors![0]!.extensions).toEqual({ serviceName: 'labour', code });
  // Nothing internal: no address, port, system error or stack.
  expect(JSON.stringify(res.errors)).not.toMatch(/127\.0\.0\.1|localhost|:\d{4,5}|ECONN|stack|Error:/);
}

describe('one department down', () => {
  let system: System;
  const fixture = householdWithEverything(2);

  beforeAll(async () => {
    // A short cool-down: the gateway probes a failed subgraph again soon after it returns.
    system = await startSystem({ env: { SUBGRAPH_BREAKER_COOLDOWN_MS: '200' } });
    expect(await loadFile(await writeNdjson(fixture.records), system.loadOptions)).toMatchObject({ ok: true });
    await system.subgraphs.get('labour')!.stop();
  });
  afterAll(() => system?.stop());

  it('still answers with the other six departments and names the missing one once', async () => {
    expectPartial(await system.query(QUERY, { id: fixture.householdId }), 'SUBGRAPH_UNAVAILABLE');
  });

  it('a proposed-award check, which needs every department, is refused naming the missing one', async () => {
    const res = await system.query(
      `query ($award: ProposedAwardInput!) { checkProposedAward(award: $award) { id rule } }`,
      { award: { department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_URBAN', personId: fixture.persons.head, householdId: fixture.householdId, regionCode: '654002', amountFen: 50_000, frequency: 'MONTHLY', startDate: '2024-06-01' } },
    );
    expect(res.status).toBe(200);
    expect(res.data).toBeNull();
    expect(res.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', services: ['labour'] }) })]);
  });

  it('serves the department again once it is back, without a restart', async () => {
    await system.subgraphs.get('labour')!.restart();
    const res = await eventually(async () => {
      const r = await system.query(QUERY, { id: fixture.householdId });
      expect(r.errors).toBeUndefined();
      return r;
    });
    expect(new Set(res.data!.household.awards.map((a: { department: string }) => a.department)).size).toBe(7);
  });

  describe('every way a fetch can fail gives the same partial answer', () => {
    const faults: FaultServer[] = [];
    afterAll(async () => {
      await Promise.all(faults.map((f) => f.close()));
    });

    async function through(fault: FaultServer, env: Record<string, string> = {}): Promise<Answer> {
      faults.push(fault);
      const gateway = await startGateway(system, { urls: { labour: fault.url }, env });
      try {
        return await gateway.query(QUERY, { id: fixture.householdId });
      } finally {
        await gateway.stop();
      }
    }

    it('a subgraph that accepts and never answers hits its own timeout (LABOUR_TIMEOUT_MS)', async () => {
      const hung = await hungServer();
      // The shared timeout is long; labour's own override is what ends the wait.
      expectPartial(await through(hung, { SUBGRAPH_TIMEOUT_MS: '60000', LABOUR_TIMEOUT_MS: '300' }), 'SUBGRAPH_TIMEOUT');
      expect(hung.connections).toBeGreaterThan(0);
    });

    it('HTTP 500', async () => {
      expectPartial(await through(await answeringServer(500, '{"error":"boom at /srv/labour/db.ts:12"}', 'application/json')), 'SUBGRAPH_ERROR');
    });

    it('HTTP 503 is retried for a query, then reported', async () => {
      const busy = await answeringServer(503, 'Service Unavailable', 'text/plain');
      expectPartial(await through(busy), 'SUBGRAPH_ERROR');
      // One fetch per plan step at least, and retries on top (SUBGRAPH_RETRIES=2).
      expect(busy.requests).toBeGreaterThan(1);
    });

    it('a 200 that is not JSON (a misrouted proxy page)', async () => {
      expectPartial(await through(await answeringServer(200, '<html><body>Bad gateway at 10.0.0.7:8080</body></html>', 'text/html')), 'SUBGRAPH_ERROR');
    });

    it('a 200 whose JSON is cut off', async () => {
      expectPartial(await through(await answeringServer(200, '{"data":{"_entities":[', 'application/json')), 'SUBGRAPH_ERROR');
    });

    it('a connection reset after the request arrived', async () => {
      const resetting = await proxy(system.subgraphs.get('labour')!.url);
      resetting.mode = 'reset';
      expectPartial(await through(resetting), 'SUBGRAPH_UNAVAILABLE');
    });

    it('a refused connection', async () => {
      const gone = await hungServer();
      await gone.close();
      expectPartial(await through(gone), 'SUBGRAPH_UNAVAILABLE');
    });
  });
});
