import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '@saf/loader';
import { closeServer, listen, startTracing, tracesEndpoint, type Tracing } from '@saf/service';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { eventually, subgraphUrlEnv } from './support/faults.ts';
import { freePort, spawnService, waitReady, type ServiceProcess } from './support/processes.ts';
import { COORDINATOR, startSystem, type System } from './support/system.ts';

// OpenTelemetry traces across the gateway and the subgraphs, exported by OTLP/HTTP to a collector
// (here a receiver in the test). The gateway and labour run as their own processes, tracing
// switched on by OTEL_EXPORTER_OTLP_ENDPOINT as an operator would; the other subgraphs run in this
// process with tracing started here.

interface Span {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  status: number;
  attributes: Record<string, string | number>;
}

const SERVER = 2;
const CLIENT = 3;
const PICTURE = `query HouseholdPicture($id: ID!) { household(id: $id) { id members { name } awards { id department amountFen } } }`;

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
const value = (v: AnyValue) => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : v.doubleValue ?? String(v.boolValue));
const attrs = (list: { key: string; value: AnyValue }[] = []) => Object.fromEntries(list.map((a) => [a.key, value(a.value)]));

/** A collector: OTLP/HTTP JSON trace exports, flattened to spans. */
async function collector() {
  const spans: Span[] = [];
  const raw: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        raw.push(body);
        const parsed = JSON.parse(body) as { resourceSpans: { resource: { attributes: { key: string; value: AnyValue }[] }; scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
        for (const rs of parsed.resourceSpans) {
          const service = String(attrs(rs.resource.attributes)['service.name']);
          for (const ss of rs.scopeSpans)
            for (const s of ss.spans)
              spans.push({
                service,
                traceId: String(s.traceId),
                spanId: String(s.spanId),
                parentSpanId: String(s.parentSpanId ?? ''),
                name: String(s.name),
                kind: Number(s.kind),
                status: Number((s.status as { code?: number } | undefined)?.code ?? 0),
                attributes: attrs(s.attributes as { key: string; value: AnyValue }[]),
              });
      }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const port = await listen(server, 0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, spans, raw, close: () => closeServer(server) };
}

/** The first span `find` returns, once the collector has it. */
const until = (what: string, find: () => Span | undefined) =>
  eventually(async () => find() ?? Promise.reject(new Error(`timed out waiting for ${what}`)), 20_000);

describe('traces across the gateway and the subgraphs (OpenTelemetry, off by default)', () => {
  let system: System;
  let otel: Awaited<ReturnType<typeof collector>>;
  let tracing: Tracing | null = null;
  let dataDir: string;
  const processes: ServiceProcess[] = [];
  let gateway: string;
  const fixture = householdWithEverything(8);

  beforeAll(async () => {
    otel = await collector();
    // Off unless an endpoint is configured.
    expect(tracesEndpoint({})).toBeNull();
    expect(await startTracing({ service: 'none', env: {} })).toBeNull();
    tracing = await startTracing({ service: 'in-process', env: { OTEL_EXPORTER_OTLP_ENDPOINT: otel.url } });
    system = await startSystem();
    expect(await loadFile(await writeNdjson(fixture.records), system.loadOptions)).toMatchObject({ ok: true });

    dataDir = await mkdtemp(path.join(tmpdir(), 'saf-tracing-'));
    const labourPort = await freePort();
    const labour = spawnService('subgraphs/labour/src/index.ts', { DATA_DIR: dataDir, LABOUR_PORT: String(labourPort), SUBGRAPH_HOST: '127.0.0.1', LOG_LEVEL: 'warn', OTEL_EXPORTER_OTLP_ENDPOINT: otel.url });
    processes.push(labour);
    await waitReady(`http://127.0.0.1:${labourPort}/health/ready`, 120_000);

    const port = await freePort();
    const env: Record<string, string> = { GATEWAY_PORT: String(port), GATEWAY_HOST: '127.0.0.1', LOG_LEVEL: 'warn', OTEL_EXPORTER_OTLP_ENDPOINT: otel.url, ...subgraphUrlEnv(system, { labour: `http://127.0.0.1:${labourPort}/graphql` }) };
    const gw = spawnService('gateway/src/index.ts', env);
    processes.push(gw);
    gateway = `http://127.0.0.1:${port}`;
    await waitReady(`${gateway}/health/ready`);
  }, 180_000);

  afterAll(async () => {
    for (const p of processes) await p.stop();
    await system?.stop();
    await tracing?.shutdown();
    await otel?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('one trace per request: the gateway’s span, a client span per subgraph fetch, and each subgraph’s span under it', async () => {
    const token = await system.token(COORDINATOR);
    const res = await fetch(`${gateway}/graphql`, {
      method: 'POST',
      // A client's own traceparent is not continued at the edge.
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'SUPERVISION', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      body: JSON.stringify({ query: PICTURE, variables: { id: fixture.householdId } }),
    });
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id')!;
    const body = (await res.json()) as { data: { household: { awards: { department: string }[] } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    await tracing!.flush();

    const root = await until('the gateway’s server span', () => otel.spans.find((s) => s.service === 'gateway' && s.kind === SERVER && s.attributes['saf.request_id'] === requestId));
    expect(root).toMatchObject({ name: 'POST /graphql', parentSpanId: '', attributes: { 'http.response.status_code': 200, 'graphql.operation.name': 'HouseholdPicture' } });
    expect(root.traceId).not.toBe('0af7651916cd43dd8448eb211c80319c');

    // Labour is its own process: its span arrives from it, under the gateway's fetch to labour.
    const labourServer = await until('labour’s span', () => otel.spans.find((s) => s.service === 'labour' && s.kind === SERVER && s.traceId === root.traceId));
    const labourFetch = otel.spans.find((s) => s.spanId === labourServer.parentSpanId);
    expect(labourFetch).toMatchObject({ service: 'gateway', kind: CLIENT, traceId: root.traceId, attributes: { 'saf.subgraph': 'labour' } });
    expect(labourServer.attributes).toMatchObject({ 'saf.service': 'labour', 'saf.request_id': requestId, 'http.response.status_code': 200 });

    // The in-process subgraphs' spans join the same trace the same way.
    const civil = await until('civil affairs’ span', () => otel.spans.find((s) => s.attributes['saf.service'] === 'civil-affairs' && s.kind === SERVER && s.traceId === root.traceId));
    expect(otel.spans.find((s) => s.spanId === civil.parentSpanId)).toMatchObject({ service: 'gateway', kind: CLIENT, attributes: { 'saf.subgraph': 'civil-affairs' } });

    // Every gateway span of this request belongs to its trace, and descends from the root.
    const ofTrace = otel.spans.filter((s) => s.traceId === root.traceId);
    const byId = new Map(ofTrace.map((s) => [s.spanId, s]));
    for (const s of ofTrace.filter((x) => x.service === 'gateway' && x !== root)) {
      let at: Span | undefined = s;
      while (at && at.parentSpanId) at = byId.get(at.parentSpanId);
      expect(at, s.name).toBe(root);
    }
  });

  it('puts no person data in any span: no names, ids, amounts or query text', async () => {
    await tracing!.flush();
    const exported = otel.raw.join('\n');
    expect(exported.length).toBeGreaterThan(0);
    for (const secret of [fixture.householdId, ...Object.values(fixture.persons), '阿依古丽', 'amountFen', 'members']) expect(exported).not.toContain(secret);
  });

  it('does not trace health probes', async () => {
    await fetch(`${gateway}/health/ready`);
    await fetch(`${gateway}/health/live`);
    await tracing!.flush();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(otel.spans.filter((s) => String(s.attributes['url.path'] ?? '').startsWith('/health'))).toEqual([]);
  });
});
