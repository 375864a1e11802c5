import http from 'node:http';
import { networkInterfaces } from 'node:os';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '@saf/loader';
import { configureMetrics, listen, closeServer, serveMetrics } from '@saf/service';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { metricValue } from './support/faults.ts';
import { startSystem, type System } from './support/system.ts';

type Line = Record<string, unknown>;

const PICTURE = `query HouseholdPicture($id: ID!) {
  household(id: $id) { id members { id name labourAwards { id } } awards { id department amountFen } }
}`;

describe('what operators see: health, request logs with one request id across services, metrics', () => {
  let system: System;
  const lines: Line[] = [];
  const fixture = householdWithEverything(6);
  const base = (url: string) => url.replace(/\/graphql$/, '');

  beforeAll(async () => {
    system = await startSystem({
      // Every service logs into `lines`, as it would to stdout.
      log: (name) => pino({ name, level: 'info', base: { service: name } }, { write: (s: string) => void lines.push(JSON.parse(s) as Line) }),
    });
    expect(await loadFile(await writeNdjson(fixture.records), system.loadOptions)).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    configureMetrics({});
    await system?.stop();
  });

  it('/health/live and /health/ready answer on the gateway and every subgraph', async () => {
    for (const url of [system.gatewayUrl, ...[...system.subgraphs.values()].map((s) => s.url)]) {
      expect((await fetch(`${base(url)}/health/live`)).status, url).toBe(200);
      const ready = await fetch(`${base(url)}/health/ready`);
      expect(ready.status, url).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready' });
    }
  });

  it('one log line per request, the same request id in the gateway and in each subgraph it called, no variables or person data', async () => {
    lines.length = 0;
    const res = await system.query(PICTURE, { id: fixture.householdId });
    expect(res.errors).toBeUndefined();
    const gatewayLine = lines.find((l) => l.service === 'gateway' && l.msg === 'request' && l.path === '/graphql');
    expect(gatewayLine).toMatchObject({ method: 'POST', status: 200, operationName: 'HouseholdPicture' });
    expect(typeof gatewayLine!.durationMs).toBe('number');
    const requestId = gatewayLine!.requestId as string;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    const downstream = lines.filter((l) => l.service !== 'gateway' && l.msg === 'request' && l.requestId === requestId);
    const services = new Set(downstream.map((l) => l.service));
    for (const s of ['civil-affairs', 'labour', 'health', 'education', 'housing', 'justice', 'disabled-persons-federation', 'coordination']) expect(services, s).toContain(s);
    for (const l of downstream) {
      expect(l).toMatchObject({ method: 'POST', path: '/graphql', status: 200 });
      // The gateway names the subgraph operations after the client's.
      expect(String(l.operationName)).toMatch(/^HouseholdPicture/);
    }

    // Nothing about the people asked about: no ids, names or amounts in any line of this request.
    const ofThisRequest = JSON.stringify(lines.filter((l) => l.requestId === requestId));
    for (const secret of [fixture.householdId, ...Object.values(fixture.persons), '阿依古丽', 'variables', '50000']) expect(ofThisRequest).not.toContain(secret);
  });

  it('/metrics on the gateway and every subgraph, with requests, latency, breakers, pools and loader batches', async () => {
    await system.query(PICTURE, { id: fixture.householdId });
    const gateway = await (await fetch(`${base(system.gatewayUrl)}/metrics`)).text();
    expect(metricValue(gateway, 'saf_http_requests_total', { service: 'gateway', route: '/graphql', method: 'POST', status: '200' })).toBeGreaterThanOrEqual(2);
    expect(metricValue(gateway, 'saf_http_request_duration_seconds_count', { service: 'gateway', route: '/graphql' })).toBeGreaterThanOrEqual(2);
    expect(metricValue(gateway, 'saf_subgraph_requests_total', { subgraph: 'labour' })).toBeGreaterThanOrEqual(2);
    expect(metricValue(gateway, 'saf_subgraph_request_duration_seconds_count', { subgraph: 'labour' })).toBeGreaterThanOrEqual(2);
    expect(metricValue(gateway, 'saf_subgraph_breaker_state', { subgraph: 'labour' })).toBe(0);
    expect(metricValue(gateway, 'saf_subgraph_sockets', { subgraph: 'labour', state: 'idle' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(gateway, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    for (const s of system.subgraphs.values()) {
      const res = await fetch(`${base(s.url)}/metrics`);
      expect(res.status, s.name).toBe(200);
      const text = await res.text();
      // The access log is written through /audit/…, everything else through /graphql.
      expect(metricValue(text, 'saf_http_requests_total', { service: s.name, route: s.name === 'audit' ? '/audit' : '/graphql', method: 'POST', status: '200' }), s.name).toBeGreaterThanOrEqual(1);
      if (s.database.kind === 'postgres') expect(metricValue(text, 'saf_db_pool_connections', { service: s.name }), s.name).toBeGreaterThanOrEqual(1);
    }
    // The household's and its four members' awards in one SQL query per department, and the batch size says so.
    const labour = await (await fetch(`${base(system.subgraphs.get('labour')!.url)}/metrics`)).text();
    expect(metricValue(labour, 'saf_dataloader_batch_size_bucket', { loader: 'awards.byOwner', le: '2' }) ?? 0).toBeLessThan(metricValue(labour, 'saf_dataloader_batch_size_count', { loader: 'awards.byOwner' })!);
    const civilAffairs = await (await fetch(`${base(system.subgraphs.get('civil-affairs')!.url)}/metrics`)).text();
    expect(metricValue(civilAffairs, 'saf_dataloader_batch_size_count', { loader: 'civilAffairs.household' })).toBeGreaterThanOrEqual(1);
  });

  it('/metrics is not public: proxied requests are refused, and with METRICS_TOKEN only the bearer gets in', async () => {
    const metricsUrl = `${base(system.gatewayUrl)}/metrics`;
    const labourUrl = `${base(system.subgraphs.get('labour')!.url)}/metrics`;
    for (const url of [metricsUrl, labourUrl]) expect((await fetch(url, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(404);

    configureMetrics({ token: 'a-metrics-token-of-some-length' });
    try {
      for (const url of [metricsUrl, labourUrl]) {
        expect((await fetch(url)).status).toBe(404);
        expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-of-the-same-len' } })).status).toBe(404);
        const ok = await fetch(url, { headers: { authorization: 'Bearer a-metrics-token-of-some-length' } });
        expect(ok.status).toBe(200);
        expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
      }
    } finally {
      configureMetrics({});
    }
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  it.skipIf(!external)('/metrics without a token answers loopback callers only', async () => {
    const server = http.createServer((req, res) => void serveMetrics(req, res));
    const port = await listen(server, 0, '0.0.0.0');
    try {
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
      expect((await fetch(`http://${external}:${port}/metrics`)).status).toBe(404);
    } finally {
      await closeServer(server);
    }
  });
});
