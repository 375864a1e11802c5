import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '@saf/loader';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { eventually, holdingProxy, metricValue, subgraphUrlEnv, type HoldingProxy } from './support/faults.ts';
import { freePort, refusesConnections, spawnService, type ServiceProcess } from './support/processes.ts';
import { COORDINATOR, startSystem, type System } from './support/system.ts';

const QUERY = `query Picture($id: ID!) { household(id: $id) { id awards { id department } } }`;

/** One request on a connection of its own (`agent: false`), so that the cluster's round robin spreads them over the workers. */
function request(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('GATEWAY_WORKERS: several gateway processes on one port', () => {
  let system: System;
  // Labour answers only when the test lets it: a slow department with a request in flight.
  let labour: HoldingProxy;
  const fixture = householdWithEverything(3);
  const processes: ServiceProcess[] = [];

  beforeAll(async () => {
    system = await startSystem();
    expect(await loadFile(await writeNdjson(fixture.records), system.loadOptions)).toMatchObject({ ok: true });
    labour = await holdingProxy(system.subgraphs.get('labour')!.url);
  });
  afterAll(async () => {
    labour?.release();
    for (const p of processes) await p.stop();
    for (const p of processes) for (const pid of workerPids(p)) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await labour?.proxy.close();
    await system?.stop();
  });

  function workerPids(p: ServiceProcess): number[] {
    return p.logs.filter((l) => l.msg === 'gateway worker started').map((l) => l.pid as number);
  }

  async function startWorkers(extra: Record<string, string> = {}): Promise<{ gateway: ServiceProcess; port: number }> {
    const port = await freePort();
    const env: Record<string, string> = { GATEWAY_PORT: String(port), GATEWAY_HOST: '127.0.0.1', LOG_LEVEL: 'info', SUBGRAPH_TIMEOUT_MS: '30000', GATEWAY_WORKERS: '2', ...subgraphUrlEnv(system, { labour: labour.proxy.url }), ...extra };
    const gateway = spawnService('gateway/src/index.ts', env);
    processes.push(gateway);
    return { gateway, port };
  }

  async function picture(port: number, token: string): Promise<string[]> {
    const res = await request(port, '/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'SUPERVISION' },
      body: JSON.stringify({ query: QUERY, variables: { id: fixture.householdId } }),
    });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text) as { data: { household: { awards: { department: string }[] } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return [...new Set(body.data.household.awards.map((a) => a.department))];
  }

  it('both workers answer, every scrape of /metrics counts both, a dead worker is replaced, and SIGTERM drains them all', async () => {
    const { gateway, port } = await startWorkers();
    const ready = await gateway.logged((l) => typeof l.msg === 'string' && l.msg.startsWith('gateway ready at'), 60_000);
    expect(ready).toMatchObject({ port, workers: 2 });
    const [first, second] = workerPids(gateway);
    expect(first).not.toBe(second);
    expect([first, second].every((pid) => pid !== gateway.child.pid && alive(pid!))).toBe(true);

    const token = await system.token(COORDINATOR);
    for (let i = 0; i < 12; i++) expect((await picture(port, token)).length).toBe(7);
    // The round robin gave requests to both workers (each logs its own, bound to its id).
    await eventually(async () => {
      const served = gateway.logs.filter((l) => l.msg === 'request' && l.path === '/graphql').map((l) => l.worker);
      expect(served).toHaveLength(12);
      expect(new Set(served)).toEqual(new Set([1, 2]));
    }, 5_000);

    // Whichever worker a scrape reaches, it reports both workers' requests summed.
    for (let i = 0; i < 4; i++) {
      const scrape = await request(port, '/metrics');
      expect(scrape.status).toBe(200);
      expect(metricValue(scrape.text, 'saf_http_requests_total', { service: 'gateway', route: '/graphql', method: 'POST', status: '200' })).toBe(12);
      expect(metricValue(scrape.text, 'saf_gateway_workers')).toBe(2);
      expect(metricValue(scrape.text, 'saf_gateway_worker_restarts_total')).toBe(0);
    }
    // Still not public: a forwarded scrape is refused by the worker, as in one process.
    expect((await request(port, '/metrics', { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(404);

    // A worker killed outright: the primary starts another; the survivor serves meanwhile.
    process.kill(first!, 'SIGKILL');
    const died = await gateway.logged((l) => l.msg === 'gateway worker died; starting another');
    expect(died).toMatchObject({ pid: first, signal: 'SIGKILL' });
    expect((await picture(port, token)).length).toBe(7);
    // While the replacement starts (seconds, under tsx), scrapes answer at once from the workers that serve.
    await gateway.logged((l) => l.msg === 'gateway worker started' && l.pid !== first && l.pid !== second, 10_000);
    const started = Date.now();
    const during = await request(port, '/metrics');
    expect(during.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(metricValue(during.text, 'saf_gateway_worker_restarts_total')).toBe(1);
    await gateway.logged((l) => l.msg === 'gateway worker listening' && l.pid !== first && l.pid !== second, 60_000);
    const third = workerPids(gateway)[2]!;
    expect(alive(third)).toBe(true);
    const after = await eventually(async () => {
      const text = (await request(port, '/metrics')).text;
      expect(metricValue(text, 'saf_gateway_workers')).toBe(2);
      return text;
    });
    expect(metricValue(after, 'saf_gateway_worker_restarts_total')).toBe(1);

    // SIGTERM with a request in flight: every worker stops accepting, the request is answered, all exit 0.
    const inLabour = labour.hold();
    const answer = picture(port, token);
    await inLabour;
    gateway.child.kill('SIGTERM');
    await gateway.logged((l) => l.msg === 'draining' && l.worker === undefined);
    expect(await refusesConnections(port)).toBe(true);
    expect(gateway.child.exitCode).toBeNull();
    labour.release();
    expect((await answer).length).toBe(7);
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
    expect([second!, third].some(alive)).toBe(false);
  });

  it('workers whose primary is killed outright drain and exit instead of serving unsupervised', async () => {
    const { gateway, port } = await startWorkers();
    await gateway.logged((l) => typeof l.msg === 'string' && l.msg.startsWith('gateway ready at'), 60_000);
    const pids = workerPids(gateway);
    expect(pids).toHaveLength(2);
    gateway.child.kill('SIGKILL');
    await gateway.exited;
    await eventually(async () => expect(pids.filter(alive)).toEqual([]), 20_000);
    expect(await refusesConnections(port)).toBe(true);
  });

  it('a worker that cannot start stops the whole gateway with exit code 1', async () => {
    const { gateway } = await startWorkers({ SUPERGRAPH_PATH: '/nonexistent/supergraph.graphql' });
    expect(await gateway.exited).toEqual({ code: 1, signal: null });
    expect(gateway.logs.some((l) => l.msg === 'a gateway worker stopped before the gateway was ready; stopping the others')).toBe(true);
    expect(workerPids(gateway)).toHaveLength(2);
    expect(workerPids(gateway).filter(alive)).toEqual([]);
  });
});
