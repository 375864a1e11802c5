import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@saf/db';
import { loadFile } from '@saf/loader';
import { freePort, type TestDatabase } from '@saf/testing';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { eventually } from './support/faults.ts';
import { startSystem, type System } from './support/system.ts';

const run = promisify(execFile);
const hasClusterTools = spawnSync('sh', ['-c', 'command -v pg_createcluster && command -v pg_ctlcluster'], { stdio: 'ignore' }).status === 0;

const QUERY = `query ($id: ID!) { household(id: $id) { id members { id } awards { id department } } }`;

// A throwaway PostgreSQL cluster of its own (FIELD-NOTES): labour's database lives there, and the
// test stops and starts that server while everything else keeps running.
describe.skipIf(!hasClusterTools)('a PostgreSQL restart under a running subgraph', () => {
  const cluster = `saf_restart_${randomBytes(3).toString('hex')}`;
  let system: System;
  let labourReady: string;
  const fixture = householdWithEverything(4);

  beforeAll(async () => {
    const port = await freePort();
    await run('pg_createcluster', ['15', cluster, '-d', `/tmp/${cluster}`, '-p', String(port), '--start', '--', '--auth-local=trust', '--auth-host=trust']);
    const database = await openDatabase({
      name: 'labour',
      serverUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
      dataDir: '',
      migrationsFolder: fileURLToPath(new URL('../subgraphs/labour/drizzle', import.meta.url)),
      poolSize: 4,
    });
    const labour: TestDatabase = { ...database, dispose: () => database.close() };
    system = await startSystem({ databases: { labour }, env: { SUBGRAPH_BREAKER_COOLDOWN_MS: '200' } });
    labourReady = system.subgraphs.get('labour')!.url.replace(/\/graphql$/, '/health/ready');
    expect(await loadFile(await writeNdjson(fixture.records), system.loadOptions)).toMatchObject({ ok: true });
  });

  afterAll(async () => {
    await system?.stop();
    await run('pg_dropcluster', ['15', cluster, '--stop']).catch(() => {});
  });

  it('readiness goes red while the database is down, the rest still answers, and all is back once it restarts', async () => {
    expect((await fetch(labourReady)).status).toBe(200);
    const before = await system.query(QUERY, { id: fixture.householdId });
    expect(before.errors).toBeUndefined();
    expect(new Set(before.data!.household.awards.map((a: { department: string }) => a.department)).size).toBe(7);

    await run('pg_ctlcluster', ['15', cluster, 'stop', '-m', 'fast']);
    const red = await fetch(labourReady);
    expect(red.status).toBe(503);
    expect(await red.json()).toMatchObject({ status: 'not ready' });
    const during = await system.query(QUERY, { id: fixture.householdId });
    expect(during.status).toBe(200);
    expect(during.data!.household.members).toHaveLength(4);
    const departments = new Set(during.data!.household.awards.map((a: { department: string }) => a.department));
    expect(departments.has('LABOUR')).toBe(false);
    expect(departments.size).toBe(6);
    expect(during.errors!.length).toBeGreaterThan(0);
    for (const error of during.errors!) {
      expect(error.extensions).toMatchObject({ serviceName: 'labour', code: 'SUBGRAPH_UNAVAILABLE' });
      expect(JSON.stringify(error)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres|stack/);
    }

    await run('pg_ctlcluster', ['15', cluster, 'start']);
    // Nothing is restarted but the database: the pool opens fresh connections on its own.
    await eventually(async () => expect((await fetch(labourReady)).status).toBe(200));
    await eventually(async () => {
      const after = await system.query(QUERY, { id: fixture.householdId });
      expect(after.errors).toBeUndefined();
      expect(new Set(after.data!.household.awards.map((a: { department: string }) => a.department)).size).toBe(7);
    });
  });
});
