/**
 * Issue 30: gateways pull the supergraph from the schema registry. A publication is served without
 * a gateway restart, the subgraphs' URLs come from the registry, the gateway keeps serving through
 * a registry outage, and starts from SUPERGRAPH_PATH when the registry cannot answer at start.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSources, readSubgraphSources } from '../scripts/compose.ts';
import { gatewayConfig } from '@saf/gateway/config';
import { createGateway } from '@saf/gateway/server';
import { closeServer, createLogger, listen } from '@saf/service';
import { freePort, gql } from '@saf/testing';
import { ownSchema, publishOwn, startRegistry, type RunningRegistry } from '../registry/test/support.ts';
import { startSystem, type System } from './support/system.ts';

// Labour serves these two; it first publishes a schema without them, then adds them: a new field
// is served as soon as it is published.
const AWARD = '{ labourAward(id: "none") { id } }';
const STATISTICS = '{ labourStatistics(regionCode: "65") { programme } }';
const AWARD_FIELD = /\n  """One 人社 award by its id as loaded\."""\n  labourAward\(id: ID!\): LabourAward( @sharing\([^)]*\))?/;
const STATISTICS_FIELD = /\n  """\n  人社 figures per programme[^]*?labourStatistics\(regionCode: String!, date: String\): \[ProgrammeAggregate!\]!( @sharing\([^)]*\))?/;
const labourSchema = (fields: { award: boolean; statistics: boolean }) => {
  let sdl = ownSchema('labour');
  if (!fields.award) sdl = sdl.replace(AWARD_FIELD, '');
  if (!fields.statistics) sdl = sdl.replace(STATISTICS_FIELD, '');
  return sdl;
};

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, tries = 200): Promise<T> {
  let value = await probe();
  for (let i = 0; i < tries && !done(value); i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await probe();
  }
  return value;
}

describe('gateways pull the supergraph from the schema registry', () => {
  let registry: RunningRegistry;
  let system: System;

  beforeAll(async () => {
    registry = await startRegistry();
    system = await startSystem({
      env: { REGISTRY_URL: registry.url, REGISTRY_POLL_MS: '200', REGISTRY_USAGE_REPORT_MS: '200' },
      // No LABOUR_URL and the like: the gateway routes by the URLs the services published.
      urlsFromSupergraph: true,
      beforeGateway: async (subgraphs) => {
        // In the order they compose: civil affairs (persons, households, sweep batches), labour, then
        // coordination, which composes only with the departments' awards there.
        await publishOwn(registry, (name) => subgraphs.get(name)!.url, ['civil-affairs']);
        const first = labourSchema({ award: false, statistics: false });
        expect(first).not.toMatch(/labourAward\(|labourStatistics\(/);
        const res = await registry.as('labour')('/services/labour/versions', { body: { sdl: first, url: subgraphs.get('labour')!.url, publishedBy: 'test' } });
        expect(res.status).toBe(201);
        await publishOwn(registry, (name) => subgraphs.get(name)!.url, ['health', 'education', 'housing', 'justice', 'disabled-persons-federation', 'coordination', 'audit']);
      },
    });
  });
  afterAll(async () => {
    await system?.stop();
    await registry?.stop();
    await registry?.database.dispose();
  });

  it('serves the registry\'s supergraph, routing by the published URLs', async () => {
    const res = await system.query('{ household(id: "none") { id members { id labourAwards { id } } } }');
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ household: null });
  });

  it('serves a newly published field without a restart', async () => {
    expect((await system.query(AWARD)).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const published = await registry.as('labour')('/services/labour/versions', { body: { sdl: labourSchema({ award: true, statistics: false }), url: system.subgraphs.get('labour')!.url, publishedBy: 'test' } });
    expect(published.status).toBe(201);
    const after = await eventually(() => system.query(AWARD), (r) => r.errors?.[0]?.extensions?.code !== 'GRAPHQL_VALIDATION_FAILED');
    expect(after.errors).toBeUndefined();
    expect(after.data).toEqual({ labourAward: null });
  });

  it('keeps serving the last good supergraph while the registry is down, and takes the next one when it is back', async () => {
    await registry.stop();
    await new Promise((r) => setTimeout(r, 1_000));
    const during = await system.query('{ household(id: "none") { id } labourAward(id: "none") { id } }');
    expect(during.errors).toBeUndefined();
    expect(during.data).toEqual({ household: null, labourAward: null });
    expect((await system.query(STATISTICS)).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    await registry.restart();
    const next = labourSchema({ award: true, statistics: true });
    expect((await registry.as('labour')('/services/labour/versions', { body: { sdl: next, url: system.subgraphs.get('labour')!.url, publishedBy: 'test' } })).status).toBe(201);
    const after = await eventually(() => system.query(STATISTICS), (r) => r.errors?.[0]?.extensions?.code !== 'GRAPHQL_VALIDATION_FAILED');
    expect(after.errors).toBeUndefined();
    expect(after.data).toEqual({ labourStatistics: [] });
    // What an operator watches: polls that failed during the outage, and the updates.
    const metrics = await (await fetch(`${new URL(system.gatewayUrl).origin}/metrics`)).text();
    expect(Number(metrics.match(/saf_gateway_registry_polls_total\{outcome="failed"\} (\d+)/)?.[1])).toBeGreaterThan(0);
    expect(Number(metrics.match(/saf_gateway_registry_polls_total\{outcome="updated"\} (\d+)/)?.[1])).toBeGreaterThanOrEqual(2);
    expect(Number(metrics.match(/^saf_gateway_registry_last_answer_seconds (\S+)$/m)?.[1])).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  it('starts from SUPERGRAPH_PATH when the registry cannot answer', async () => {
    // A file without labourStatistics, unlike the registry's supergraph by now.
    const partial = composeSources(readSubgraphSources().map((s) => (s.name === 'labour' ? { ...s, sdl: labourSchema({ award: true, statistics: false }) } : s)));
    if ('errors' in partial) throw new Error(partial.errors.join('\n'));
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'saf-sg-')), 'supergraph.graphql');
    await writeFile(file, partial.supergraphSdl);
    const env: NodeJS.ProcessEnv = { NODE_ENV: 'test', LOG_LEVEL: 'silent', REGISTRY_URL: `http://127.0.0.1:${await freePort()}`, REGISTRY_POLL_MS: '200', SUPERGRAPH_PATH: file };
    for (const [name, s] of system.subgraphs) env[`${name.toUpperCase().replaceAll('-', '_')}_URL`] = s.url;
    const gateway = createGateway(gatewayConfig(env), createLogger('gateway', 'silent'));
    await gateway.start();
    const port = await listen(gateway.http, 0, '127.0.0.1');
    try {
      expect(gateway.isReady()).toBe(true);
      const res = await gql(`http://127.0.0.1:${port}/graphql`, '{ household(id: "none") { id } }', undefined, { authorization: `Bearer ${await system.token({ sub: 'c', role: 'COORDINATOR' })}`, 'x-purpose': 'SWEEP' });
      expect(res.errors).toBeUndefined();
      // The file has no labourStatistics: it is the file that serves.
      const ping = await gql(`http://127.0.0.1:${port}/graphql`, STATISTICS, undefined, { authorization: `Bearer ${await system.token({ sub: 'c', role: 'COORDINATOR' })}`, 'x-purpose': 'SWEEP' });
      expect(ping.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      await closeServer(gateway.http);
      await gateway.stop();
    }
  });

  it('does not drop departments a registry has not heard of yet: a registry being filled one service at a time leaves the gateway on its file until it has them all', async () => {
    // A new registry that has only civil affairs so far (npm start's first minutes, a new deployment).
    const filling = await startRegistry();
    const urlOf = (name: string) => system.subgraphs.get(name)!.url;
    await publishOwn(filling, urlOf, ['civil-affairs']);
    const env: NodeJS.ProcessEnv = { NODE_ENV: 'test', LOG_LEVEL: 'silent', REGISTRY_URL: filling.url, REGISTRY_POLL_MS: '200' };
    for (const [name, s] of system.subgraphs) env[`${name.toUpperCase().replaceAll('-', '_')}_URL`] = s.url;
    const gateway = createGateway(gatewayConfig(env), createLogger('gateway', 'silent'));
    await gateway.start();
    const port = await listen(gateway.http, 0, '127.0.0.1');
    const ask = async (query: string) => gql(`http://127.0.0.1:${port}/graphql`, query, undefined, { authorization: `Bearer ${await system.token({ sub: 'c', role: 'COORDINATOR' })}`, 'x-purpose': 'SWEEP' });
    try {
      // The committed file serves labour, which the registry's one-service graph lacks.
      expect((await ask(STATISTICS)).errors).toBeUndefined();
      await publishOwn(filling, urlOf, ['labour', 'health']);
      await new Promise((r) => setTimeout(r, 1_000));
      expect((await ask('{ household(id: "none") { id members { id labourAwards { id } } } }')).errors).toBeUndefined();
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(Number(metrics.match(/saf_gateway_registry_polls_total\{outcome="incomplete"\} (\d+)/)?.[1])).toBeGreaterThan(0);
      // Once every service has published, the registry's supergraph serves (its URLs route).
      await publishOwn(filling, urlOf, ['education', 'housing', 'justice', 'disabled-persons-federation', 'coordination', 'audit']);
      const updated = await eventually(
        async () => Number((await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).match(/saf_gateway_registry_polls_total\{outcome="updated"\} (\d+)/)?.[1] ?? 0),
        (n) => n > 0,
      );
      expect(updated).toBeGreaterThan(0);
      expect((await ask(STATISTICS)).errors).toBeUndefined();
    } finally {
      await closeServer(gateway.http);
      await gateway.stop();
      await filling.stop();
      await filling.database.dispose();
    }
  });

  it('refuses a breaking change to a field clients ran through the gateway, naming the operation and its client; an unused one goes', async () => {
    const run = await system.query('query AwardLookup($id: ID!) { labourAward(id: $id) { id programme } }', { id: 'none' }, { headers: { 'apollographql-client-name': 'caseworker-console' } });
    expect(run.errors).toBeUndefined();
    const labour = system.subgraphs.get('labour')!.url;
    const publish = (sdl: string, extra: Record<string, unknown> = {}) => registry.as('labour')('/services/labour/versions', { body: { sdl, url: labour, publishedBy: '王五', ...extra } });
    const removed = labourSchema({ award: false, statistics: true });
    // The gateway reports what it served every REGISTRY_USAGE_REPORT_MS.
    const check = await eventually(
      async () => (await (await publish(removed, { dryRun: true })).json()) as { ok: boolean; check: { problems: string[] } },
      (c) => c.check.problems.join('\n').includes('AwardLookup'),
      20,
    );
    expect(check.ok).toBe(false);
    const refused = await publish(removed);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { errors: string[] }).errors.join('\n')).toMatch(/Query\.labourAward was removed\. used by .*AwardLookup \(caseworker-console\)/);
    expect((await system.query('{ labourAward(id: "none") { id } }')).errors).toBeUndefined();

    // Nobody ran the coordination office's internal recipients list in this test: it may go.
    const unused = ownSchema('labour').replace(/\n  """\n  INTERNAL, person-level, coordination office only: who receives which 人社[^]*?_internalLabourRecipients\([^\n]*/, '');
    expect(unused).not.toContain('_internalLabourRecipients');
    const free = (await (await publish(unused, { dryRun: true })).json()) as { ok: boolean; check: { breaking: Array<{ id: string; usedBy: unknown[] }> } };
    expect(free.ok).toBe(true);
    expect(free.check.breaking.map((b) => [b.id, b.usedBy])).toEqual([['FIELD_REMOVED Query._internalLabourRecipients was removed.', []]]);

    const acknowledged = await publish(removed, { acknowledge: 'the caseworker console reads awards through the person now; agreed with its team' });
    expect(acknowledged.status).toBe(201);
    const { versions } = (await (await registry.as('operator')('/services/labour/versions')).json()) as { versions: Array<{ status: string; acknowledgement: string | null; publishedBy: string }> };
    expect(versions[0]).toMatchObject({ status: 'accepted', publishedBy: '王五', acknowledgement: expect.stringContaining('agreed with its team') });
    const gone = await eventually(() => system.query('{ labourAward(id: "none") { id } }'), (r) => r.errors?.[0]?.extensions?.code === 'GRAPHQL_VALIDATION_FAILED');
    expect(gone.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('takes one of two unpublications of a service at once and tells the other; an unpublication racing a publication leaves one outcome, a history in order and the served supergraph as the history says', { timeout: 600_000 }, async () => {
    const SERVICE = 'public-security';
    const outside = readFileSync(new URL('../external/public-security/schema.graphql', import.meta.url), 'utf8');
    const by = '公安局 户政管理科 王五';
    // Each publication at another URL: a new version each time, never "unchanged".
    const publishAt = (n: number) => registry.as(SERVICE)(`/services/${SERVICE}/versions`, { body: { sdl: outside, url: `http://public-security-${n}.test.internal:4000/graphql`, publishedBy: by } });
    // Clients ran its fields by now (the checks below): leaving needs the owner's word.
    const acknowledge = '公安 leaves the platform; the coordination office told the caseworkers';
    const unpublish = () => registry.as(SERVICE)(`/services/${SERVICE}/unpublish`, { body: { publishedBy: by, acknowledge } });
    const cli = (args: string[]) =>
      new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../scripts/schema-publish.ts', import.meta.url)), ...args], { env: { ...process.env, NODE_ENV: 'test', REGISTRY_URL: registry.url } }, (err, stdout) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
        );
      });
    const VEHICLES = '{ person(id: "none") { id vehicles { plate } } }';
    const served = (r: { errors?: Array<{ message: string }> }) => !(r.errors ?? []).some((e) => /Cannot query field "vehicles"/.test(e.message));

    /** The service's history in order, the registry's supergraph and the gateway's schema all say the same: in or out. */
    async function agreeing(): Promise<'in' | 'out'> {
      const { versions } = (await (await registry.as('operator')(`/services/${SERVICE}/versions`)).json()) as { versions: Array<{ status: string; version: number | null; url: string; supergraphId: number | null }> };
      const numbered = versions.filter((v) => v.version !== null).reverse();
      expect(numbered.map((v) => v.version)).toEqual(numbered.map((_, i) => i + 1));
      numbered.forEach((v, i) => expect(`${i > 0 ? numbered[i - 1]!.status : 'none'}→${v.status}`).toMatch(/^(none|removed)→accepted$|^accepted→(accepted|removed)$/));
      const last = numbered.at(-1)!;
      const res = await registry.as('gateway')('/supergraph');
      const sdl = await res.text();
      expect(Number(res.headers.get('x-supergraph-id'))).toBe(last.supergraphId);
      const removed = (res.headers.get('x-removed-services') ?? '').split(',');
      const state = last.status === 'removed' ? 'out' : 'in';
      if (state === 'out') {
        expect(removed).toContain(SERVICE);
        expect(sdl).not.toContain(`name: "${SERVICE}"`);
      } else {
        expect(removed).not.toContain(SERVICE);
        expect(sdl).toContain(`url: "${last.url}"`);
      }
      const seen = await eventually(() => system.query(VEHICLES), (r) => served(r) === (state === 'in'));
      expect(served(seen), JSON.stringify(seen.errors)).toBe(state === 'in');
      return state;
    }

    expect((await publishAt(0)).status).toBe(201);
    expect(await agreeing()).toBe('in');
    // Two `--unpublish` at once (a release job run twice): one removes it, the other is told so.
    const args = ['--unpublish', '--service', SERVICE, '--by', by, '--acknowledge', acknowledge];
    const both = await Promise.all([cli(args), cli(args)]);
    expect(both.map((r) => r.code).sort()).toEqual([0, 1]);
    expect(both.find((r) => r.code === 0)!.stdout).toContain(`${SERVICE}: unpublished (version 2)`);
    expect(both.find((r) => r.code === 1)!.stdout).toMatch(new RegExp(`${SERVICE}: refused \\(404\\)\\n  ${SERVICE} is not in the graph \\(unpublished as version 2 by ${by} at `));
    expect(await agreeing()).toBe('out');
    // The same through the API, closer together than two processes start.
    for (let round = 1; round <= 3; round++) {
      expect((await publishAt(round)).status).toBe(201);
      const answers = await Promise.all([unpublish(), unpublish()]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 404]);
      expect(await agreeing()).toBe('out');
    }
    // An unpublication and a publication at once: taken one after the other, both recorded; the
    // one taken last is what the graph shows.
    for (let round = 4; round <= 9; round++) {
      if ((await agreeing()) === 'out') expect((await publishAt(round * 10)).status).toBe(201);
      const [published, removed] = await Promise.all([publishAt(round), unpublish()]);
      expect([published.status, removed.status]).toEqual([201, 200]);
      const p = (await published.json()) as { version: number };
      const r = (await removed.json()) as { version: number };
      expect(Math.abs(p.version - r.version)).toBe(1);
      expect(await agreeing()).toBe(p.version > r.version ? 'in' : 'out');
    }
  });
});
