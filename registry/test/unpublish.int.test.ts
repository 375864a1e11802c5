import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishOwn, startRegistry, type RunningRegistry } from './support.ts';

// Issue 30: a department takes its service out of the graph, authenticated as itself, checked
// against what clients ran as a breaking change is, recorded in its history.
const urlOf = (name: string) => `http://${name}.test.internal:4000/graphql`;
const OUTSIDE = readFileSync(new URL('../../external/public-security/schema.graphql', import.meta.url), 'utf8');
const by = { publishedBy: '公安局 户政管理科 王五' };

describe('schema registry: unpublishing', () => {
  let registry: RunningRegistry;
  const supergraph = async () => {
    const res = await registry.as('gateway')('/supergraph');
    return { sdl: await res.text(), etag: res.headers.get('etag') };
  };
  beforeAll(async () => {
    registry = await startRegistry();
    await publishOwn(registry, urlOf);
    const res = await registry.as('public-security')('/services/public-security/versions', { body: { sdl: OUTSIDE, url: urlOf('public-security'), ...by } });
    expect(res.status).toBe(201);
  });
  afterAll(async () => {
    await registry?.stop();
    await registry?.database.dispose();
  });

  it('is the service\'s own act: unsigned, another service, the gateway or the operator are refused; bad input is named', async () => {
    expect((await fetch(`${registry.url}/services/public-security/unpublish`, { method: 'POST', body: JSON.stringify(by) })).status).toBe(401);
    for (const party of ['labour', 'gateway', 'operator']) {
      const res = await registry.as(party)('/services/public-security/unpublish', { body: by });
      expect(res.status, party).toBe(403);
    }
    const bad = await registry.as('public-security')('/services/public-security/unpublish', { body: { publishedBy: '', dryRun: 'yes' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: string[] }).errors.join('\n')).toMatch(/publishedBy:.*\n.*dryRun:/s);
    expect((await supergraph()).sdl).toContain('vehicles: [Vehicle!]');
  });

  it('refuses when the rest of the graph does not compose without the service, and keeps serving the last good supergraph', async () => {
    const before = await supergraph();
    // The coordination office @requires labour's awards.
    const res = await registry.as('labour')('/services/labour/unpublish', { body: by });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { errors: string[] }).errors.join('\n')).toMatch(/does not compose without labour[^]*composition: \[/);
    expect((await supergraph()).etag).toBe(before.etag);
  });

  it('refuses while operations clients ran use its fields, naming them, until the owner acknowledges; a dry run stores nothing', async () => {
    const report = await registry.as('gateway')('/usage', {
      body: { operations: [{ name: 'HouseholdVehicles', document: 'query HouseholdVehicles($id: ID!) { person(id: $id) { id vehicles { plate } } }', client: 'CASEWORKER:cw-7', count: 4, lastSeen: new Date(Date.now() - 3 * 86_400_000).toISOString() }] },
    });
    expect(report.status).toBe(200);
    const dry = await registry.as('public-security')('/services/public-security/unpublish', { body: { ...by, dryRun: true } });
    expect(dry.status).toBe(200);
    expect(await dry.json()).toMatchObject({ status: 'checked', ok: false });
    const refused = await registry.as('public-security')('/services/public-security/unpublish', { body: by });
    expect(refused.status).toBe(409);
    const errors = ((await refused.json()) as { errors: string[] }).errors.join('\n');
    expect(errors).toContain('Person.vehicles was removed. used by HouseholdVehicles (CASEWORKER:cw-7)');
    // Fields nobody ran go without ceremony: householdRegistrationChanges is not named as used.
    expect(errors).not.toMatch(/householdRegistrationChanges was removed\. used by/);
    expect((await supergraph()).sdl).toContain('vehicles: [Vehicle!]');

    const before = await supergraph();
    const removed = await registry.as('public-security')('/services/public-security/unpublish', { body: { ...by, acknowledge: '公安 leaves the platform on 2026-12-31; the caseworkers were told by the coordination office' } });
    expect(removed.status).toBe(200);
    const result = (await removed.json()) as { status: string; version: number; check: { changed: Array<{ name: string; owner: string }> } };
    expect(result).toMatchObject({ status: 'removed', version: 2 });
    expect(result.check.changed).toEqual([{ name: 'public-security', owner: expect.stringContaining('公安局') }]);
    // What gateways pull next: without the service and its fields, under a new ETag.
    const after = await supergraph();
    expect(after.etag).not.toBe(before.etag);
    expect(after.sdl).not.toMatch(/PUBLIC_SECURITY|vehicles: \[Vehicle!\]|HouseholdRegistrationChange/);
    const services = (await (await registry.as('operator')('/services')).json()) as Array<{ service: string; status: string; version: number }>;
    expect(services.find((s) => s.service === 'public-security')).toMatchObject({ status: 'removed', version: 2 });
    expect(services.filter((s) => s.status === 'accepted')).toHaveLength(9);
  });

  it('is recorded in the history: who, when, the acknowledgement, the refusals before it', async () => {
    const { versions } = (await (await registry.as('operator')('/services/public-security/versions')).json()) as { versions: Array<{ status: string; version: number | null; publishedBy: string; acknowledgement: string | null; diff: string }> };
    expect(versions.map((v) => [v.status, v.version])).toEqual([
      ['removed', 2],
      ['refused', null],
      ['accepted', 1],
    ]);
    expect(versions[0]).toMatchObject({ publishedBy: '公安局 户政管理科 王五', acknowledgement: expect.stringContaining('leaves the platform') });
    expect(versions[0]!.diff).toMatch(/^-\d+: +vehicles: \[Vehicle!\]$/m);
  });

  it('cannot be unpublished twice; publishing again joins as the next version', async () => {
    const again = await registry.as('public-security')('/services/public-security/unpublish', { body: by });
    expect(again.status).toBe(404);
    expect(await again.text()).toContain('not in the graph');
    const back = await registry.as('public-security')('/services/public-security/versions', { body: { sdl: OUTSIDE, url: urlOf('public-security'), ...by } });
    expect(back.status).toBe(201);
    expect(await back.json()).toMatchObject({ status: 'accepted', version: 3 });
    expect((await supergraph()).sdl).toContain('vehicles: [Vehicle!]');
  });

  it('npm run schema:publish -- --unpublish: a dry run, then the removal, printed; usage errors exit 2', { timeout: 120_000 }, async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../scripts/schema-publish.ts', import.meta.url)), ...args], { env: { ...process.env, NODE_ENV: 'test', REGISTRY_URL: registry.url } }, (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const dry = await run(['--unpublish', '--service', 'public-security', '--by', '王五', '--dry-run']);
    expect(dry.stdout).toContain('public-security: would be refused');
    expect(dry.stdout).toContain('used by HouseholdVehicles');
    const done = await run(['--unpublish', '--service', 'public-security', '--by', '王五', '--acknowledge', '公安 leaves again; agreed']);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('public-security: unpublished (version 4)');
    expect((await run(['--unpublish', '--service', 'public-security', '--url', urlOf('x')])).code).toBe(2);
  });
});
