import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { envPrefix } from '@saf/config';
import { loadFile } from '@saf/loader';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const AUDITOR: Caller = { sub: 'auditor-1', role: 'AUDITOR' };
const CASEWORKER: Caller = { sub: 'cw-654002', role: 'CASEWORKER', region: '654002' };
const HOUSEHOLD = `query OpenHousehold($id: ID!) { household(id: $id) { id members { name } awards { id amountFen } } }`;
const LOG = `query ReadLog($id: ID!) { accessLog(personId: $id, first: 10) { totalCount edges { node { seq sub role region purpose operation subjectIds requestId } } } }`;

describe('the access log through the gateway', () => {
  let system: System;
  const fixture = householdWithEverything(3);
  const { head, elder } = fixture.persons;

  beforeAll(async () => {
    system = await startSystem();
    expect(await loadFile(await writeNdjson(fixture.records), system.loadOptions)).toMatchObject({ ok: true });
  });
  afterAll(() => system?.stop());

  it('refuses person-level data without a declared purpose', async () => {
    const res = await system.query(HOUSEHOLD, { id: fixture.householdId }, { caller: CASEWORKER, headers: { 'x-purpose': '' } });
    expect(res.status).toBe(400);
    expect(res.data ?? null).toBeNull();
    expect(res.errors![0]!.extensions!.code).toBe('PURPOSE_REQUIRED');
  });

  it('records who read which household and persons, and why; auditors see it newest first', async () => {
    const read = await system.query(HOUSEHOLD, { id: fixture.householdId }, { caller: CASEWORKER, headers: { 'x-purpose': encodeURIComponent('低保复核') } });
    expect(read.status).toBe(200);
    expect(read.data!.household.members).toHaveLength(4);
    const log = await system.query(LOG, { id: fixture.householdId }, { caller: AUDITOR });
    expect(log.errors).toBeUndefined();
    const entries = log.data!.accessLog.edges.map((e: { node: unknown }) => e.node);
    expect(entries[0]).toMatchObject({ sub: 'cw-654002', role: 'CASEWORKER', region: '654002', purpose: '低保复核', operation: 'OpenHousehold' });
    expect(entries[0].subjectIds).toEqual(expect.arrayContaining([fixture.householdId, head, elder]));
    // Written from civil affairs' answer while the departments were still being asked, and still
    // one entry: the later answers brought no Person or Household it did not list.
    expect(entries.filter((e: { operation: string }) => e.operation === 'OpenHousehold')).toHaveLength(1);
    // Persons are found by their resident ID even though the query selected only names.
    const byPerson = await system.query(LOG, { id: elder }, { caller: AUDITOR });
    expect(byPerson.data!.accessLog.edges[0].node.operation).toBe('ReadLog');
  });

  it('refuses the log to a caseworker, and records the attempt', async () => {
    const res = await system.query(LOG, { id: head }, { caller: CASEWORKER });
    expect(res.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const log = await system.query(LOG, { id: head }, { caller: AUDITOR });
    expect(log.data!.accessLog.edges.map((e: { node: { sub: string } }) => e.node.sub)).toContain('cw-654002');
  });

  it('verifies the chain from the command line', async () => {
    const run = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      // The audit service and its witnesses, the departments' services, where this system runs them.
      const urls = Object.fromEntries([...system.subgraphs].map(([name, s]) => [`${envPrefix(name)}_URL`, s.url]));
      const child = spawn('npx', ['tsx', 'scripts/audit-verify.ts'], { cwd: ROOT, env: { ...process.env, NODE_ENV: 'test', ...urls } });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(run.stdout).toMatch(/^access log intact: \d+ entries, head \d+ [0-9a-f]{64}; \d+ witnessed checkpoints? of 7 witnesses agrees?/);
    expect(run.code).toBe(0);
  });

  it('withholds person-level data while the log cannot record it; other data still flows', async () => {
    await system.subgraphs.get('audit')!.stop();
    try {
      const res = await system.query(HOUSEHOLD, { id: fixture.householdId }, { caller: CASEWORKER });
      expect(res.status).toBe(503);
      expect(res.errors![0]!.extensions!.code).toBe('AUDIT_UNAVAILABLE');
      expect(JSON.stringify(res)).not.toContain(fixture.persons.head);
      const other = await system.query('{ __typename }', {}, { caller: CASEWORKER });
      expect(other).toMatchObject({ status: 200, data: { __typename: 'Query' } });
    } finally {
      await system.subgraphs.get('audit')!.restart();
    }
  });
});
