import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '@saf/loader';
import { signedFetch, testSecret } from '@saf/testing';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { holdingProxy, subgraphUrlEnv, type HoldingProxy } from './support/faults.ts';
import { freePort, refusesConnections, spawnService, waitReady, type ServiceProcess } from './support/processes.ts';
import { COORDINATOR, startSystem, type System } from './support/system.ts';

const QUERY = `query Picture($id: ID!) { household(id: $id) { id awards { id department } } }`;

describe('SIGTERM drains: in-flight requests finish, then the process exits 0', () => {
  let system: System;
  // Labour answers only when the test lets it: a slow department with a request in flight.
  let labour: HoldingProxy;
  const fixture = householdWithEverything(5);
  const processes: ServiceProcess[] = [];

  beforeAll(async () => {
    system = await startSystem();
    expect(await loadFile(await writeNdjson(fixture.records), system.loadOptions)).toMatchObject({ ok: true });
    labour = await holdingProxy(system.subgraphs.get('labour')!.url);
  });
  afterAll(async () => {
    labour?.release();
    for (const p of processes) await p.stop();
    await labour?.proxy.close();
    await system?.stop();
  });

  it('the gateway', async () => {
    const port = await freePort();
    const env: Record<string, string> = { GATEWAY_PORT: String(port), GATEWAY_HOST: '127.0.0.1', LOG_LEVEL: 'info', SUBGRAPH_TIMEOUT_MS: '30000', ...subgraphUrlEnv(system, { labour: labour.proxy.url }) };
    const gateway = spawnService('gateway/src/index.ts', env);
    processes.push(gateway);
    await waitReady(`http://127.0.0.1:${port}/health/ready`);

    const inLabour = labour.hold();
    const token = await system.token(COORDINATOR);
    const answer = fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'SUPERVISION' },
      body: JSON.stringify({ query: QUERY, variables: { id: fixture.householdId } }),
    });
    await inLabour;
    gateway.child.kill('SIGTERM');
    await gateway.logged((l) => l.msg === 'draining');
    // Stopped accepting, but the request in flight is still being answered.
    expect(await refusesConnections(port)).toBe(true);
    expect(gateway.child.exitCode).toBeNull();
    labour.release();
    const res = await answer;
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { household: { awards: { department: string }[] } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(new Set(body.data.household.awards.map((a) => a.department)).size).toBe(7);
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
  });

  // A subgraph's slow request: a lock held on its awards table, on a PostgreSQL server.
  it.skipIf(!process.env.DATABASE_URL)('a subgraph', async () => {
    const justice = system.subgraphs.get('justice')!;
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${justice.database.location}`;
    const port = await freePort();
    const sub = spawnService('subgraphs/justice/src/index.ts', { JUSTICE_DATABASE_URL: url.toString(), JUSTICE_PORT: String(port), SUBGRAPH_HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    processes.push(sub);
    await waitReady(`http://127.0.0.1:${port}/health/ready`);

    const locker = new pg.Client({ connectionString: url.toString() });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE awards IN ACCESS EXCLUSIVE MODE');
      const id = `JU-5-LEGAL_AID`;
      const answer = signedFetch(`http://127.0.0.1:${port}/graphql`, testSecret('justice'), { body: JSON.stringify({ query: `query One { justiceAward(id: "${id}") { id } }` }) });
      // The request is in flight when its log line has not appeared and the lock has a waiter.
      for (;;) {
        const waiting = await locker.query(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'awards'::regclass`);
        if (waiting.rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      sub.child.kill('SIGTERM');
      await sub.logged((l) => l.msg === 'draining');
      expect(await refusesConnections(port)).toBe(true);
      await locker.query('COMMIT');
      const res = await answer;
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ data: { justiceAward: { id } } });
    } finally {
      await locker.end();
    }
    expect(await sub.exited).toEqual({ code: 0, signal: null });
  });
});
