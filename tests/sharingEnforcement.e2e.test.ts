/**
 * Issue 29, SPEC section 12: the gateway serves a field another department owns only under an
 * agreement in force for the purpose declared in X-Purpose (or as UNCONDITIONAL); otherwise the
 * field is null with FORBIDDEN naming the agreement that is missing, no subgraph is asked for it,
 * and the rest answers. One test per case: without an agreement, with one, for another purpose,
 * after expiry, right after revocation. And the use of an agreement, counted at the gateway, as
 * its owner sees it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '@saf/loader';
import type { Caller } from '@saf/auth';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

const LABOUR: Caller = { sub: 'lb-enforce', role: 'DEPARTMENT_OFFICER', department: 'LABOUR', region: '654002' };
const HEALTH: Caller = { sub: 'he-enforce', role: 'DEPARTMENT_OFFICER', department: 'HEALTH' };
const CASEWORKER: Caller = { sub: 'cw-enforce', role: 'CASEWORKER', region: '654002' };

const fixture = householdWithEverything(29);
const PICTURE = 'query Picture($id: ID!) { household(id: $id) { id members { id name healthAwards { programme } labourAwards { programme } } } }';
const AGREEMENT = 'id status';

type Res = { data?: any; errors?: Array<{ message: string; path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> }> };

describe('sharing enforcement at the gateway', () => {
  let system: System;

  beforeAll(async () => {
    // Use counts flushed to the coordination office every 200 ms (default 10 s).
    system = await startSystem({ env: { SHARING_USAGE_FLUSH_MS: '200' } });
    expect(await loadFile(await writeNdjson(fixture.records), system.loadOptions)).toMatchObject({ ok: true });
    // Labour's officers read health's data under shipped defaults: health withdraws them, so
    // what labour reads from health is what these tests agree.
    for (const purpose of ['EMPLOYMENT_AID_REVIEW', 'EMPLOYMENT_AID_RECHECK', 'EMPLOYMENT_AID_PAYMENT']) {
      const res = await system.query(`mutation ($id: ID!) { revokeSharing(id: $id, note: "改为按需申请") { ${AGREEMENT} } }`, { id: `default:LABOUR:HEALTH:${purpose}` }, { caller: HEALTH });
      expect(res.errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await system?.stop();
  });

  const picture = (purpose: string, query = PICTURE) => system.query(query, { id: fixture.householdId }, { caller: LABOUR, headers: { 'x-purpose': purpose } });

  async function agree(purpose: string, coordinates: string[], validUntil?: string): Promise<string> {
    const asked = await system.query(
      `mutation ($input: SharingRequestInput!) { requestSharing(input: $input) { ${AGREEMENT} } }`,
      { input: { owner: 'HEALTH', coordinates, purpose, legalBasis: '《社会救助暂行办法》第四十二条', validUntil: validUntil ?? new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) } },
      { caller: LABOUR },
    );
    expect(asked.errors).toBeUndefined();
    const id = asked.data!.requestSharing.id as string;
    const decided = await system.query(`mutation ($id: ID!) { decideSharing(id: $id, approve: true, note: "同意") { ${AGREEMENT} } }`, { id }, { caller: HEALTH });
    expect(decided.errors).toBeUndefined();
    return id;
  }

  /** The household picture's health awards were refused: null for every member, one FORBIDDEN each naming the missing agreement; the rest is there. */
  function expectRefused(res: Res, purpose: string, coordinate = 'Person.healthAwards') {
    const members = res.data!.household.members as Array<Record<string, unknown>>;
    expect(members).toHaveLength(4);
    for (const m of members) {
      expect(m.healthAwards).toBeNull();
      expect(m.name).toEqual(expect.any(String));
      expect(m.labourAwards).toEqual(expect.any(Array));
    }
    expect(res.errors).toHaveLength(4);
    for (const [i, e] of res.errors!.entries()) {
      expect(e.path).toEqual(['household', 'members', i, 'healthAwards']);
      expect(e.extensions).toMatchObject({ code: 'FORBIDDEN', coordinate, missingAgreement: { requester: 'LABOUR', owner: 'HEALTH', coordinates: [coordinate], purpose } });
      expect(e.message).toContain(coordinate);
    }
  }

  function expectAllowed(res: Res) {
    expect(res.errors).toBeUndefined();
    const programmes = (res.data!.household.members as Array<{ healthAwards: Array<{ programme: string }> }>).flatMap((m) => m.healthAwards.map((a) => a.programme));
    expect(programmes).toContain('MEDICAL_ASSISTANCE_INPATIENT');
  }

  async function healthFetches(): Promise<number> {
    const text = await (await fetch(system.gatewayUrl.replace(/\/graphql$/, '/metrics'))).text();
    const line = text.split('\n').find((l) => l.startsWith('saf_subgraph_requests_total{subgraph="health"}'));
    return line ? Number(line.split(' ').at(-1)) : 0;
  }

  it('refuses a field without an agreement: null with FORBIDDEN naming it, health never asked, the rest answers', async () => {
    const before = await healthFetches();
    expectRefused(await picture('EMPLOYMENT_AID_REVIEW'), 'EMPLOYMENT_AID_REVIEW');
    expect(await healthFetches()).toBe(before);
    // Through a fragment, under an alias, the same.
    const viaFragment = await picture('EMPLOYMENT_AID_REVIEW', 'query Picture($id: ID!) { household(id: $id) { id members { ...M } } } fragment M on Person { id name aid: healthAwards { programme } labourAwards { programme } }');
    expect(viaFragment.data!.household.members.map((m: { aid: unknown }) => m.aid)).toEqual([null, null, null, null]);
    expect(viaFragment.errors?.map((e) => e.path)).toEqual([0, 1, 2, 3].map((i) => ['household', 'members', i, 'aid']));
    // A field read by id the same: health's root field answers null.
    const byId = await system.query('query ($id: ID!) { healthAward(id: $id) { programme } }', { id: 'HE-29-MEDICAL_ASSISTANCE_INPATIENT' }, { caller: LABOUR, headers: { 'x-purpose': 'EMPLOYMENT_AID_REVIEW' } });
    expect(byId.data).toEqual({ healthAward: null });
    expect(byId.errors).toEqual([expect.objectContaining({ path: ['healthAward'], extensions: expect.objectContaining({ code: 'FORBIDDEN', coordinate: 'Query.healthAward' }) })]);
    // Shipped defaults keep everyone else's work as it was: a caseworker's picture is whole.
    const caseworker = await system.query(PICTURE, { id: fixture.householdId }, { caller: CASEWORKER });
    expect(caseworker.errors).toBeUndefined();
  });

  it('allows it under an agreement for the purpose, and only the fields it names', async () => {
    const id = await agree('EMPLOYMENT_AID_REVIEW', ['Person.healthAwards', 'HealthAward.programme']);
    expectAllowed(await picture('EMPLOYMENT_AID_REVIEW'));
    // A field the agreement does not name, non-null: its award, then the list holding it, is null.
    const more = await picture('EMPLOYMENT_AID_REVIEW', PICTURE.replace('healthAwards { programme }', 'healthAwards { programme amountFen }'));
    expectRefused(more, 'EMPLOYMENT_AID_REVIEW', 'HealthAward.amountFen');
    await system.query(`mutation ($id: ID!) { revokeSharing(id: $id, note: "测试结束") { ${AGREEMENT} } }`, { id }, { caller: HEALTH });
  });

  it('refuses it for another purpose than the agreement\'s', async () => {
    const id = await agree('EMPLOYMENT_AID_REVIEW', ['Person.healthAwards', 'HealthAward.*']);
    expectAllowed(await picture('EMPLOYMENT_AID_REVIEW'));
    expectRefused(await picture('EMPLOYMENT_AID_RECHECK'), 'EMPLOYMENT_AID_RECHECK');
    await system.query(`mutation ($id: ID!) { revokeSharing(id: $id, note: "测试结束") { ${AGREEMENT} } }`, { id }, { caller: HEALTH });
  });

  it('refuses it once the agreement has expired', async () => {
    const until = new Date(Date.now() + 4_000);
    await agree('EMPLOYMENT_AID_PAYMENT', ['Person.healthAwards', 'HealthAward.*'], until.toISOString());
    expectAllowed(await picture('EMPLOYMENT_AID_PAYMENT'));
    await new Promise((r) => setTimeout(r, until.getTime() - Date.now() + 200));
    expectRefused(await picture('EMPLOYMENT_AID_PAYMENT'), 'EMPLOYMENT_AID_PAYMENT');
  });

  it('refuses it right after the agreement is revoked, with no stale decision', async () => {
    const id = await agree('EMPLOYMENT_AID_REVIEW', ['Person.healthAwards', 'HealthAward.*']);
    expectAllowed(await picture('EMPLOYMENT_AID_REVIEW'));
    expectAllowed(await picture('EMPLOYMENT_AID_REVIEW'));
    const revoked = await system.query(`mutation ($id: ID!) { revokeSharing(id: $id, note: "停止使用") { ${AGREEMENT} } }`, { id }, { caller: HEALTH });
    expect(revoked.data!.revokeSharing.status).toBe('REVOKED');
    expectRefused(await picture('EMPLOYMENT_AID_REVIEW'), 'EMPLOYMENT_AID_REVIEW');
  });

  it('counts the reads under an agreement per field, caller, purpose and day, for the owner to see', async () => {
    const id = await agree('EMPLOYMENT_AID_REVIEW', ['Person.healthAwards', 'HealthAward.*']);
    for (let i = 0; i < 3; i++) expectAllowed(await picture('EMPLOYMENT_AID_REVIEW'));
    // Refused reads are not use of the agreement.
    expectRefused(await picture('EMPLOYMENT_AID_RECHECK'), 'EMPLOYMENT_AID_RECHECK');
    const USAGE = 'query ($id: ID!, $from: String) { sharingUsage(agreementId: $id, from: $from) { coordinate caller purpose day reads } }';
    const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    // The gateway sends its counts every SHARING_USAGE_FLUSH_MS: wait until all six reads are in
    // (a flush may fall between two pictures, and then the rows show part of them for a moment).
    let rows: Array<{ reads: number }> = [];
    for (let i = 0; i < 150 && rows.reduce((n, r) => n + r.reads, 0) < 6; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const res = await system.query(USAGE, { id, from: day }, { caller: HEALTH });
      expect(res.errors).toBeUndefined();
      rows = res.data!.sharingUsage;
    }
    expect(rows).toEqual([
      { coordinate: 'HealthAward.programme', caller: LABOUR.sub, purpose: 'EMPLOYMENT_AID_REVIEW', day, reads: 3 },
      { coordinate: 'Person.healthAwards', caller: LABOUR.sub, purpose: 'EMPLOYMENT_AID_REVIEW', day, reads: 3 },
    ]);
    // The requester sees it too; another department's officer does not.
    expect((await system.query(USAGE, { id }, { caller: LABOUR })).data!.sharingUsage).toHaveLength(2);
    const other = await system.query(USAGE, { id }, { caller: { sub: 'ed-enforce', role: 'DEPARTMENT_OFFICER', department: 'EDUCATION' } });
    expect(other.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(other.data).toBeNull();
  });
});
