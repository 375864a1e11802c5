import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { signDevToken } from '@saf/auth';
import { generate } from '@saf/generator';
import { ingestSecrets, ingestTargets, loadFile } from '@saf/loader';
import { writeNdjson } from './support/files.ts';
import { freePortBase } from '@saf/testing';
import { refusesConnections } from './support/processes.ts';

// What a newcomer does: `npm start` with no database server configured (embedded PGlite under
// DATA_DIR, every service's database served from one process over the wire protocol), every
// service its own process, demo data loaded, the console built and served at /.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVICES = 9;

describe('npm start on a machine without a database server', () => {
  let child: ChildProcess;
  let output = '';
  let dataDir: string;
  let gateway: string;
  let exited: Promise<number | null>;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'saf-start-'));
    // Below the ephemeral range: the gateway on the base, the subgraphs on base+1 … base+9 (start.ts).
    const portBase = await freePortBase(SERVICES);
    const gatewayPort = portBase;
    gateway = `http://127.0.0.1:${gatewayPort}`;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      GATEWAY_PORT: String(gatewayPort),
      SUBGRAPH_PORT_BASE: String(portBase),
      LOG_LEVEL: 'warn',
    };
    child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    exited = new Promise((resolve) => child.once('exit', resolve));
    const started = Date.now();
    while (!output.includes('Ctrl-C stops everything')) {
      if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${output.slice(-3000)}`);
      if (Date.now() - started > 560_000) throw new Error(`npm start not running after 560 s:\n${output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 600_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('loads the demo data and answers a caseworker with a household from every department', async () => {
    expect(output).toContain('demo data loaded');
    // The demo file is generated with a fixed seed: its first household is known.
    const generated = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generate.ts', '--households', '300', '--seed', '2026'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const households = generated.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; id: string; regionCode?: string }).filter((r) => r.type === 'household');
    const token = await signDevToken({ sub: 'newcomer', role: 'CASEWORKER', region: '65' });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'MINIMUM_LIVING_REVIEW' };
    const departments = new Set<string>();
    for (const household of households.slice(0, 40)) {
      const res = await fetch(`${gateway}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: 'query Picture($id: ID!) { household(id: $id) { id regionCode awards { department } } }', variables: { id: household.id } }) });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: { household: { id: string; regionCode: string; awards: { department: string }[] } | null }; errors?: unknown[] };
      expect(body.errors).toBeUndefined();
      expect(body.data.household).toMatchObject({ id: household.id, regionCode: household.regionCode });
      for (const a of body.data.household!.awards) departments.add(a.department);
    }
    expect([...departments].sort()).toEqual(['CIVIL_AFFAIRS', 'DISABLED_PERSONS_FEDERATION', 'EDUCATION', 'HEALTH', 'HOUSING', 'JUSTICE', 'LABOUR']);
  });

  const picture = async (id: string) => {
    const token = await signDevToken({ sub: 'newcomer', role: 'CASEWORKER', region: '65' });
    const res = await fetch(`${gateway}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'MINIMUM_LIVING_REVIEW' },
      body: JSON.stringify({ query: 'query Picture($id: ID!) { household(id: $id) { id members { id } awards { department } } }', variables: { id } }),
    });
    return (await res.json()) as { data: { household: { id: string; members: { id: string }[]; awards: { department: string }[] } | null }; errors?: unknown[] };
  };

  it('serves every department from the one embedded server: a load, and many households at once', async () => {
    // Nine services' and the schema registry's.
    expect(output).toMatch(/embedded databases ready: 10 PGlite databases/);
    const records = [...generate({ households: 20, seed: 'start-e2e' })];
    const result = await loadFile(await writeNdjson(records), { targets: ingestTargets({}, Number(new URL(gateway).port)), secrets: ingestSecrets({}, 'development') });
    expect(result).toMatchObject({ ok: true });
    const households = records.filter((r) => r.type === 'household').map((r) => r.id);
    // Seven departments' databases answering together, five households at once (a caseworker's
    // limit is six requests at a time).
    const answers: Awaited<ReturnType<typeof picture>>[] = [];
    for (let i = 0; i < households.length; i += 5) answers.push(...(await Promise.all(households.slice(i, i + 5).map(picture))));
    for (const [i, a] of answers.entries()) {
      expect(a.errors).toBeUndefined();
      expect(a.data.household?.id).toBe(households[i]);
    }
    expect(new Set(answers.flatMap((a) => a.data.household!.awards.map((x) => x.department))).size).toBeGreaterThan(3);
  });

  it('rolls back a transaction on the embedded server, and the service goes on after it', async () => {
    // The coordination office's database, beside the running service's own connection: the two
    // take turns between requests, the transaction keeping the backend until it ends.
    const port = Number(/one process on 127\.0\.0\.1:(\d+)/.exec(output)![1]);
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/coordination`, connectionTimeoutMillis: 30_000 });
    await client.connect();
    try {
      await client.query('CREATE TABLE rollback_probe (id int)');
      await client.query('BEGIN');
      await client.query('INSERT INTO rollback_probe VALUES (1)');
      await client.query('ROLLBACK');
      await client.query('INSERT INTO rollback_probe VALUES (2)');
      expect((await client.query('SELECT id FROM rollback_probe')).rows).toEqual([{ id: 2 }]);
      await client.query('DROP TABLE rollback_probe');
    } finally {
      await client.end();
    }
    const token = await signDevToken({ sub: 'newcomer', role: 'CASEWORKER', region: '65' });
    const res = await fetch(`${gateway}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'MINIMUM_LIVING_REVIEW' },
      body: JSON.stringify({ query: '{ duplicateAidFindings(regionCode: "65") { totalCount } }' }),
    });
    const body = (await res.json()) as { data?: { duplicateAidFindings: { totalCount: number } }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(body.data!.duplicateAidFindings.totalCount).toEqual(expect.any(Number));
  }, 300_000);

  it('refuses a request without a token', async () => {
    const res = await fetch(`${gateway}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(res.status).toBe(401);
  });

  it('serves the console it built at /', async () => {
    const res = await fetch(`${gateway}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).not.toContain('not built');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html);
    expect(script).not.toBeNull();
    expect((await fetch(`${gateway}${script![1]}`)).status).toBe(200);
  });

  it('files the demo applications in the background, at every stage a fresh system reaches', async () => {
    // scripts/demoCasework.ts, after "running:" is printed.
    const started = Date.now();
    while (!/demo applications/.test(output) && Date.now() - started < 240_000) await new Promise((r) => setTimeout(r, 500));
    expect(output).toMatch(/demo applications: .*SUBMITTED \d+.*IN_NOTICE \d+/);
  }, 300_000);

  it('stops every service on Ctrl-C', async () => {
    child.kill('SIGINT');
    // Services get 25 s to drain, then the embedded databases as long (scripts/supervise.ts).
    const stoppedAt = Date.now();
    await Promise.race([exited, new Promise((r) => setTimeout(r, 60_000))]);
    expect(child.exitCode).toBe(0);
    expect(await refusesConnections(Number(new URL(gateway).port))).toBe(true);
    if (Date.now() - stoppedAt > 20_000) console.warn(`npm start took ${Math.round((Date.now() - stoppedAt) / 1000)} s to stop:\n${output.split('\n').slice(-20).join('\n')}`);
  }, 75_000);

});
