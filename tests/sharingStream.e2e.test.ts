/**
 * Issue 29, the gaps after the first merge:
 * - a change of an agreement applies at once on every gateway process, not only on the one that
 *   relayed it: gateway A runs in this process, gateway B as its own process (`npm start`'s way),
 *   both with a TTL of ten minutes, so only the change stream can carry it;
 * - every change of an agreement (requested, decided, revoked, expired) is in the access log,
 *   with the agreement's id as its subject.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envPrefix } from '@saf/config';
import { loadFile } from '@saf/loader';
import type { Caller } from '@saf/auth';
import { gql } from '@saf/testing';
import { agreeHealthAwards } from './support/agreements.ts';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { freePort, spawnService, waitReady, type ServiceProcess } from './support/processes.ts';
import { startSystem, type System } from './support/system.ts';

const LABOUR: Caller = { sub: 'lb-stream', role: 'DEPARTMENT_OFFICER', department: 'LABOUR', region: '654002' };
const HEALTH: Caller = { sub: 'he-stream', role: 'DEPARTMENT_OFFICER', department: 'HEALTH', region: '654002' };
const AUDITOR: Caller = { sub: 'au-stream', role: 'AUDITOR' };
const fixture = householdWithEverything(31);
const PICTURE = 'query Picture($id: ID!) { household(id: $id) { id members { id healthAwards { programme } } } }';
const TEN_MINUTES = '600000';

type Res = { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };

describe('agreement changes across gateway processes, and in the access log', () => {
  let system: System;
  let b: ServiceProcess;
  let bUrl = '';

  beforeAll(async () => {
    system = await startSystem({ env: { SHARING_AGREEMENTS_TTL_MS: TEN_MINUTES } });
    expect(await loadFile(await writeNdjson(fixture.records), system.loadOptions)).toMatchObject({ ok: true });
    const port = await freePort();
    const urls = Object.fromEntries([...system.subgraphs].map(([name, s]) => [`${envPrefix(name)}_URL`, s.url]));
    b = spawnService('gateway/src/index.ts', { ...urls, GATEWAY_PORT: String(port), LOG_LEVEL: 'info', SHARING_AGREEMENTS_TTL_MS: TEN_MINUTES });
    await b.logged((l) => l.msg === 'sharing agreements: change stream up', 600_000);
    bUrl = `http://127.0.0.1:${port}/graphql`;
    await waitReady(`http://127.0.0.1:${port}/health/ready`);
    for (const purpose of ['EMPLOYMENT_AID_REVIEW', 'EMPLOYMENT_AID_RECHECK', 'EMPLOYMENT_AID_PAYMENT']) {
      const res = await system.query(`mutation ($id: ID!) { revokeSharing(id: $id, note: "改为按需申请") { id } }`, { id: `default:LABOUR:HEALTH:${purpose}` }, { caller: HEALTH });
      expect(res.errors).toBeUndefined();
    }
  }, 900_000);
  afterAll(async () => {
    await b?.stop();
    await system?.stop();
  });

  const throughB = async (purpose: string): Promise<Res> => gql(bUrl, PICTURE, { id: fixture.householdId }, { authorization: `Bearer ${await system.token(LABOUR)}`, 'x-purpose': purpose });
  const allowed = (res: Res) => res.errors === undefined && res.data.household.members.every((m: { healthAwards: unknown }) => Array.isArray(m.healthAwards));
  const refused = (res: Res) => res.data.household.members.every((m: { healthAwards: unknown }) => m.healthAwards === null) && res.errors!.every((e) => e.extensions?.code === 'FORBIDDEN');

  const agree = (purpose: string, validUntil: string) => agreeHealthAwards(system, LABOUR, HEALTH, purpose, validUntil);

  /** The access log's entries naming the agreement, oldest first, once there are `count` of them. */
  async function logOf(id: string, count: number) {
    const LOG = 'query ($id: ID!) { accessLog(personId: $id, first: 50) { edges { node { sub role department purpose operation subjectIds requestId } } } }';
    let entries: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 100 && entries.length < count; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      const res = await system.query(LOG, { id }, { caller: AUDITOR });
      expect(res.errors).toBeUndefined();
      entries = (res.data!.accessLog.edges as Array<{ node: Record<string, unknown> }>).map((e) => e.node).reverse();
    }
    return entries;
  }

  it('an approval through gateway A is served by gateway B at once, and a revocation through A refused by B on the very next request', async () => {
    expect(refused(await throughB('EMPLOYMENT_AID_REVIEW'))).toBe(true);
    const id = await agree('EMPLOYMENT_AID_REVIEW', new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10));
    expect(allowed(await throughB('EMPLOYMENT_AID_REVIEW'))).toBe(true);
    const revoked = await system.query('mutation ($id: ID!) { revokeSharing(id: $id, note: "停止使用") { status } }', { id }, { caller: HEALTH });
    expect(revoked.data!.revokeSharing.status).toBe('REVOKED');
    expect(refused(await throughB('EMPLOYMENT_AID_REVIEW'))).toBe(true);

    // Each change is in the access log: who, as what, the purpose they declared, the agreement as subject.
    const entries = await logOf(id, 3);
    expect(entries.map((e) => e.operation)).toEqual([
      'sharingAgreement.REQUESTED LABOUR→HEALTH EMPLOYMENT_AID_REVIEW',
      'sharingAgreement.APPROVED LABOUR→HEALTH EMPLOYMENT_AID_REVIEW',
      'sharingAgreement.REVOKED LABOUR→HEALTH EMPLOYMENT_AID_REVIEW',
    ]);
    expect(entries.map((e) => [e.sub, e.role, e.department])).toEqual([
      [LABOUR.sub, 'DEPARTMENT_OFFICER', 'LABOUR'],
      [HEALTH.sub, 'DEPARTMENT_OFFICER', 'HEALTH'],
      [HEALTH.sub, 'DEPARTMENT_OFFICER', 'HEALTH'],
    ]);
    for (const e of entries) {
      expect(e.subjectIds).toEqual([id]);
      expect(e.requestId).toEqual(expect.any(String));
    }
    // The purpose the requester declared with the request, as the log shows purposes (its label).
    expect(entries[0]!.purpose).not.toBe('');
  });

  it('a rejection is in the access log', async () => {
    const asked = await system.query(
      'mutation ($input: SharingRequestInput!) { requestSharing(input: $input) { id } }',
      { input: { owner: 'HEALTH', coordinates: ['Person.healthAwards'], purpose: 'EMPLOYMENT_AID_RECHECK', legalBasis: '测试', validUntil: '2030-12-31' } },
      { caller: LABOUR },
    );
    const id = asked.data!.requestSharing.id as string;
    const rejected = await system.query('mutation ($id: ID!) { decideSharing(id: $id, approve: false, note: "依据不足") { status } }', { id }, { caller: HEALTH });
    expect(rejected.data!.decideSharing.status).toBe('REJECTED');
    expect((await logOf(id, 2)).map((e) => e.operation)).toEqual(['sharingAgreement.REQUESTED LABOUR→HEALTH EMPLOYMENT_AID_RECHECK', 'sharingAgreement.REJECTED LABOUR→HEALTH EMPLOYMENT_AID_RECHECK']);
  });

  it('an expiry is in the access log, made by the system, and B refuses at the end of the period', async () => {
    const until = new Date(Date.now() + 4_000);
    const id = await agree('EMPLOYMENT_AID_PAYMENT', until.toISOString());
    expect(allowed(await throughB('EMPLOYMENT_AID_PAYMENT'))).toBe(true);
    await new Promise((r) => setTimeout(r, until.getTime() - Date.now() + 100));
    expect(refused(await throughB('EMPLOYMENT_AID_PAYMENT'))).toBe(true);
    const entries = await logOf(id, 3);
    expect(entries[2]).toMatchObject({ operation: 'sharingAgreement.EXPIRED LABOUR→HEALTH EMPLOYMENT_AID_PAYMENT', sub: 'system', role: 'SYSTEM', department: null, subjectIds: [id] });
    const listed = await system.query('query { sharingAgreements(department: HEALTH, status: "EXPIRED") { id history { action by } } }', {}, { caller: HEALTH });
    expect(listed.data!.sharingAgreements.find((a: { id: string }) => a.id === id).history.map((h: { action: string }) => h.action)).toEqual(['REQUESTED', 'APPROVED', 'EXPIRED']);
  });

  it('the coordination office writes nothing but agreement changes through the gateway, and nobody else writes there', async () => {
    const url = bUrl.replace(/\/graphql$/, '/internal/sharing/audit');
    const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await system.token(AUDITOR)}` }, body: JSON.stringify({ entries: [] }) });
    expect([401, 403]).toContain(unsigned.status);
  });
});
