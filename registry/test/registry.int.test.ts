import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES } from '@saf/config';
import { ownSchema, publishOwn, startRegistry, type RunningRegistry } from './support.ts';

const urlOf = (name: string) => `http://${name}.test.internal:4000/graphql`;
const publishing = (sdl: string, extra: Record<string, unknown> = {}) => ({ body: { sdl, url: urlOf('labour'), publishedBy: '张三 (人社 信息科)', ...extra } });

describe('schema registry: publishing', () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
    await registry?.database.dispose();
  });

  it('has nothing to serve before anyone publishes', async () => {
    expect((await registry.as('gateway')('/supergraph')).status).toBe(404);
  });

  it('composes every published service into the supergraph gateways pull, with their URLs, and an ETag', { timeout: 240_000 }, async () => {
    await publishOwn(registry, urlOf);
    const res = await registry.as('gateway')('/supergraph');
    expect(res.status).toBe(200);
    const sdl = await res.text();
    for (const s of SERVICES) expect(sdl).toContain(`url: "${urlOf(s.name)}"`);
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const again = await registry.as('gateway')('/supergraph', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const services = (await (await registry.as('operator')('/services')).json()) as Array<{ service: string; version: number }>;
    expect(services.map((s) => s.service).sort()).toEqual(SERVICES.map((s) => s.name).sort());
  });

  it('republishing the same schema adds no version', async () => {
    const res = await registry.as('labour')('/services/labour/versions', publishing(ownSchema('labour')));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { version: number; unchanged: boolean })).toMatchObject({ version: 1, unchanged: true });
  });

  it('refuses an unsigned publication, another service\'s credential, and one signed for the wrong service', async () => {
    const unsigned = await fetch(`${registry.url}/services/labour/versions`, { method: 'POST', body: JSON.stringify({ sdl: 'type Query { a: Int }', url: urlOf('labour'), publishedBy: 'x' }) });
    expect(unsigned.status).toBe(401);
    // Health signs as itself and asks to publish labour: refused, whoever holds health's credential.
    const other = await registry.as('health')('/services/labour/versions', publishing(ownSchema('labour')));
    expect(other.status).toBe(403);
    expect(await other.text()).toContain('publishes only its own schema');
    // A request that claims to be labour but is signed with health's credential.
    const forged = await registry.as('health')('/services/labour/versions', { ...publishing(ownSchema('labour')), headers: { 'x-saf-service': 'labour' } });
    expect([401, 403]).toContain(forged.status);
    // The gateway pulls, it does not publish.
    expect((await registry.as('gateway')('/services/gateway/versions', publishing('type Query { a: Int }'))).status).toBe(403);
  });

  it('names what is wrong with a bad publication', async () => {
    const res = await registry.as('labour')('/services/labour/versions', { body: { sdl: '', publishedBy: '' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: string[] };
    expect(body.errors.join('\n')).toMatch(/sdl:.*\n.*url:.*\n.*publishedBy:/s);
  });

  it('refuses a schema that does not compose, naming the errors, and keeps serving the last good supergraph', async () => {
    const before = await (await registry.as('gateway')('/supergraph')).text();
    // Labour redefines Person.id as an Int: the entity's key no longer agrees with civil affairs'.
    const broken = ownSchema('labour').replace(/type Person @key\(fields: "id"\) \{\n  id: ID!/, 'type Person @key(fields: "id") {\n  id: Int!');
    expect(broken).not.toBe(ownSchema('labour'));
    const res = await registry.as('labour')('/services/labour/versions', publishing(broken));
    expect(res.status).toBe(409);
    const body = (await res.json()) as { errors: string[] };
    expect(body.errors.join('\n')).toMatch(/composition: \[[A-Z_]+\].*Person\.id/);
    expect(await (await registry.as('gateway')('/supergraph')).text()).toBe(before);
    const syntax = await registry.as('labour')('/services/labour/versions', publishing('# Owner: 人社\ntype Query {'));
    expect(((await syntax.json()) as { errors: string[] }).errors[0]).toMatch(/\[SYNTAX\] labour/);
  });

  it('refuses a schema that takes over another service\'s fields', async () => {
    const takeover = ownSchema('labour')
      .replace('import: ["@key"', 'import: ["@key", "@override"')
      .replace('type Person @key(fields: "id") {\n  id: ID!', 'type Person @key(fields: "id") {\n  id: ID!\n  name: String @override(from: "civil-affairs")');
    expect(takeover).toContain('@override(from');
    const res = await registry.as('labour')('/services/labour/versions', publishing(takeover));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { errors: string[] }).errors[0]).toContain('@override takes fields over from another service');
  });

  it('refuses a schema without an owner', async () => {
    const res = await registry.as('labour')('/services/labour/versions', publishing(ownSchema('labour').replace(/^# Owner:.*$/m, '')));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { errors: string[] }).errors[0]).toContain('names no owner');
  });

  it('lets a change go that no client uses; refuses one to what clients ran, naming the operations and their clients, until the owner acknowledges it', async () => {
    // Nobody ran labourStatistics: removing it needs no ceremony.
    const withoutStatistics = ownSchema('labour').replace(/\n  """\n  人社 figures per programme[^]*?labourStatistics\(regionCode: String!, date: String\): \[ProgrammeAggregate!\]!( @sharing\([^)]*\))?/, '');
    expect(withoutStatistics).not.toContain('labourStatistics(');
    const free = await registry.as('labour')('/services/labour/versions', publishing(withoutStatistics));
    expect(free.status).toBe(201);
    expect(((await free.json()) as { check: { breaking: Array<{ id: string; usedBy: unknown[] }> } }).check.breaking).toEqual([
      expect.objectContaining({ id: 'FIELD_REMOVED Query.labourStatistics was removed.', usedBy: [] }),
    ]);

    // A caseworker console ran an award lookup last week; a registered report uses the awards' amounts.
    const report = await registry.as('gateway')('/usage', {
      body: {
        operations: [
          { name: 'AwardById', document: 'query AwardById($id: ID!) { labourAward(id: $id) { id programme } }', client: 'caseworker-console', count: 12, lastSeen: new Date(Date.now() - 7 * 86_400_000).toISOString() },
          { name: 'OldLookup', document: 'query OldLookup { labourAward(id: "x") { id } }', client: 'retired-tool', count: 3, lastSeen: new Date(Date.now() - 90 * 86_400_000).toISOString() },
        ],
      },
    });
    expect(report.status).toBe(200);
    expect((await registry.as('labour')('/usage', { body: { operations: [] } })).status).toBe(403);
    const registered = await registry.as('operator')('/operations', { body: { client: '统计月报', name: 'MonthlyAmounts', document: 'query MonthlyAmounts { labourAward(id: "1") { regionCode amountFen } }' } });
    expect(registered.status).toBe(201);

    const removed = withoutStatistics.replace(/\n\s*"""One 人社 award by its id as loaded\."""\n\s*labourAward\(id: ID!\): LabourAward( @sharing\([^)]*\))?/, '');
    expect(removed).not.toContain('labourAward(id');
    const refused = await registry.as('labour')('/services/labour/versions', publishing(removed));
    expect(refused.status).toBe(409);
    const errors = ((await refused.json()) as { errors: string[] }).errors.join('\n');
    expect(errors).toContain('`FIELD_REMOVED` Query.labourAward was removed. used by AwardById (caseworker-console)');
    // Seen 90 days ago: outside the window, not in use.
    expect(errors).not.toContain('OldLookup');

    expect(errors).toContain('MonthlyAmounts (统计月报)');
    const accepted = await registry.as('labour')('/services/labour/versions', publishing(removed, { acknowledge: '人社 console no longer reads single awards; agreed with the coordination office' }));
    expect(accepted.status).toBe(201);
    const result = (await accepted.json()) as { version: number; diff: string; check: { changed: Array<{ name: string; owner: string }> } };
    expect(result.version).toBe(3);
    expect(result.diff).toMatch(/^-\d+: {3}labourAward\(id: ID!\): LabourAward @sharing\(class: CONDITIONAL, sensitivity: HIGH\)$/m);
    expect(result.check.changed).toEqual([{ name: 'labour', owner: expect.stringContaining('人力资源和社会保障局') }]);
    expect(await (await registry.as('gateway')('/supergraph')).text()).not.toContain('labourAward(id');
  });

  it('keeps every version and refusal: who, when, the diff, the check', async () => {
    const res = await registry.as('operator')('/services/labour/versions');
    const { versions } = (await res.json()) as { versions: Array<{ version: number | null; status: string; publishedBy: string; signedBy: string; publishedAt: string; acknowledgement: string | null; check: { problems: string[] } }> };
    expect(versions.map((v) => [v.status, v.version])).toEqual([
      ['accepted', 3],
      ['refused', null],
      ['accepted', 2],
      ['refused', null],
      ['refused', null],
      ['refused', null],
      ['refused', null],
      ['accepted', 1],
    ]);
    expect(versions[0]).toMatchObject({ publishedBy: '张三 (人社 信息科)', signedBy: 'labour', acknowledgement: expect.stringContaining('agreed') });
    expect(Date.parse(versions[0]!.publishedAt)).toBeGreaterThan(Date.now() - 600_000);
    expect(versions[2]!.acknowledgement).toBeNull();
    expect(versions[1]!.check.problems.join('\n')).toContain('FIELD_REMOVED');
  });

  it('two departments publishing at once each compose with the other\'s change', async () => {
    const add = (name: string, field: string) => ownSchema(name).replace('type Query {', `type Query {\n  """Added by a test."""\n  ${field}: Int`);
    const [a, b] = await Promise.all([
      registry.as('health')('/services/health/versions', { body: { sdl: add('health', 'healthPing'), url: urlOf('health'), publishedBy: 'ops' } }),
      registry.as('housing')('/services/housing/versions', { body: { sdl: add('housing', 'housingPing'), url: urlOf('housing'), publishedBy: 'ops' } }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    const sdl = await (await registry.as('gateway')('/supergraph')).text();
    expect(sdl).toContain('healthPing');
    expect(sdl).toContain('housingPing');
  });
});

describe('npm run schema:publish', () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
    await registry?.database.dispose();
  });

  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../scripts/schema-publish.ts', import.meta.url)), ...args], { env: { ...process.env, NODE_ENV: 'test', REGISTRY_URL: registry.url } }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('publishes a schema file and prints the owners of what changed; a refusal exits 1 naming why', { timeout: 240_000 }, async () => {
    await publishOwn(registry, urlOf);
    const dir = await mkdtemp(path.join(tmpdir(), 'saf-publish-'));
    const file = path.join(dir, 'labour.graphql');
    await writeFile(file, readFileSync(new URL('../../subgraphs/labour/schema.graphql', import.meta.url), 'utf8').replace('type Query {', 'type Query {\n  """Added by a test."""\n  labourPing: Int'));
    const dry = await run(['--service', 'labour', '--schema', file, '--url', urlOf('labour'), '--by', '李四', '--dry-run']);
    expect(dry.stdout).toContain('labour: would be accepted');
    const published = await run(['--service', 'labour', '--schema', file, '--url', urlOf('labour'), '--by', '李四']);
    expect(published.code).toBe(0);
    expect(published.stdout).toMatch(/changed: labour\s+owner 人力资源和社会保障局/);
    expect(published.stdout).toContain('labour: published version 2');
    await writeFile(file, 'type Query { labourPing: Int }');
    const refused = await run(['--service', 'labour', '--schema', file, '--url', urlOf('labour')]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('names no owner');
    const usage = await run(['--service', 'labour']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: npm run schema:publish');
  });
});
