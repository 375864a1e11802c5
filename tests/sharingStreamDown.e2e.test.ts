/**
 * Issue 29, SPEC section 12: the gateway's agreements while the coordination office's change
 * stream (`POST /sharing/watch`) is down, and while the office cannot be read at all. Gateway A
 * (the system's) keeps its stream; gateway B reaches the office through a proxy that drops B's
 * stream on demand and passes everything else, with a short TTL; gateway C starts while the
 * office cannot be reached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '@saf/loader';
import type { Caller } from '@saf/auth';
import { gql } from '@saf/testing';
import { agreeHealthAwards } from './support/agreements.ts';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { eventually, proxy, startGateway, type ExtraGateway, type Proxy } from './support/faults.ts';
import { purposeOf, startSystem, type System } from './support/system.ts';

const LABOUR: Caller = { sub: 'lb-down', role: 'DEPARTMENT_OFFICER', department: 'LABOUR', region: '654002' };
const HEALTH: Caller = { sub: 'he-down', role: 'DEPARTMENT_OFFICER', department: 'HEALTH', region: '654002' };
const CASEWORKER: Caller = { sub: 'cw-down', role: 'CASEWORKER', region: '654002' };
const fixture = householdWithEverything(32);
const PICTURE = 'query Picture($id: ID!) { household(id: $id) { id members { id healthAwards { programme } } } }';
/** B's SHARING_AGREEMENTS_TTL_MS: short enough to wait out, long against one mutation. */
const TTL = 4_000;
const PURPOSES = ['EMPLOYMENT_AID_REVIEW', 'EMPLOYMENT_AID_RECHECK', 'EMPLOYMENT_AID_PAYMENT'];

type Res = { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const allowed = (res: Res) => res.errors === undefined && res.data.household.members.every((m: { healthAwards: unknown }) => Array.isArray(m.healthAwards));
const refused = (res: Res) =>
  (res.data?.household?.members ?? []).every((m: { healthAwards: unknown }) => m.healthAwards === null) && res.errors !== undefined && res.errors.every((e) => e.extensions?.code === 'FORBIDDEN');
const isWatch = (path: string) => path.startsWith('/sharing/watch');

describe('sharing agreements at a gateway whose change stream is down', () => {
  let system: System;
  let toB: Proxy;
  let b: ExtraGateway;
  /** B's stream: dropped at the proxy while true. */
  let streamDown = false;
  let watchesForwarded = 0;
  let watchesDropped = 0;

  beforeAll(async () => {
    system = await startSystem();
    expect(await loadFile(await writeNdjson(fixture.records), system.loadOptions)).toMatchObject({ ok: true });
    // Labour reads health's data only under the agreements these tests make.
    for (const purpose of PURPOSES) {
      const res = await system.query('mutation ($id: ID!) { revokeSharing(id: $id, note: "改为按需申请") { id } }', { id: `default:LABOUR:HEALTH:${purpose}` }, { caller: HEALTH });
      expect(res.errors).toBeUndefined();
    }
    toB = await proxy(system.subgraphs.get('coordination')!.url, {
      decide: (_method, path) => {
        if (!isWatch(path)) return 'forward';
        if (streamDown) {
          watchesDropped++;
          return 'drop';
        }
        watchesForwarded++;
        return 'forward';
      },
    });
    b = await startGateway(system, { urls: { coordination: toB.url }, env: { SHARING_AGREEMENTS_TTL_MS: String(TTL) } });
    // B's stream is up: its first poll (since nothing) was answered and the next one is held.
    await eventually(async () => expect(watchesForwarded).toBeGreaterThanOrEqual(2), 60_000);
  }, 900_000);
  afterAll(async () => {
    await b?.stop();
    await toB?.close();
    await system?.stop();
  });

  const as = async (caller: Caller, url: string, query: string, variables: Record<string, unknown>, purpose: string): Promise<Res> =>
    gql(url, query, variables, { authorization: `Bearer ${await system.token(caller)}`, 'x-purpose': purpose });
  const throughB = (purpose: string) => as(LABOUR, b.url, PICTURE, { id: fixture.householdId }, purpose);

  const agree = (purpose: string) => agreeHealthAwards(system, LABOUR, HEALTH, purpose);

  async function takeStreamDown(): Promise<void> {
    streamDown = true;
    // The poll B holds open now is lost with its connection; B's next polls are dropped.
    toB.cut();
    const dropped = watchesDropped;
    await eventually(async () => expect(watchesDropped).toBeGreaterThan(dropped), 30_000);
  }

  it('a revocation through A applies at B within the TTL however long B was idle, and a change through B itself at once, whatever the mutation\'s shape', async () => {
    const id = await agree('EMPLOYMENT_AID_REVIEW');
    expect(allowed(await throughB('EMPLOYMENT_AID_REVIEW'))).toBe(true);
    await takeStreamDown();
    const forwarded = watchesForwarded;

    expect(allowed(await throughB('EMPLOYMENT_AID_REVIEW'))).toBe(true);
    const before = Date.now();
    const revoked = await system.query('mutation ($id: ID!) { revokeSharing(id: $id, note: "停止使用") { status } }', { id }, { caller: HEALTH });
    expect(revoked.data!.revokeSharing.status).toBe('REVOKED');
    // No request reaches B until the TTL has passed since the revocation began: the first one
    // after it is refused (a gateway that answered it from what it held, reading in the
    // background, would serve a revoked agreement for as long as it had been idle).
    await sleep(before + TTL + 200 - Date.now());
    expect(refused(await throughB('EMPLOYMENT_AID_REVIEW'))).toBe(true);

    // Under steady traffic too: an approval through A is served by B within the TTL, and from
    // then on every time (an older read never wins over a newer one).
    const approvedAt = Date.now();
    const next = await agree('EMPLOYMENT_AID_RECHECK');
    const decidedAt = Date.now();
    const answers: Array<{ at: number; ok: boolean }> = [];
    while (Date.now() < decidedAt + TTL + 1_500) {
      answers.push({ at: Date.now(), ok: allowed(await throughB('EMPLOYMENT_AID_RECHECK')) });
      await sleep(100);
    }
    const first = answers.findIndex((a) => a.ok);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(answers[first]!.at - approvedAt).toBeLessThanOrEqual(TTL + 500);
    expect(answers.slice(first).every((a) => a.ok)).toBe(true);

    // A revocation made through B itself applies there at once, sent as a named fragment with
    // literal arguments like any other (the gateway reads its agreements again after it).
    expect(allowed(await throughB('EMPLOYMENT_AID_RECHECK'))).toBe(true);
    const own = await as(HEALTH, b.url, `mutation { ...Stop } fragment Stop on Mutation { revokeSharing(id: "${next}", note: "立即停止") { status } }`, {}, purposeOf(HEALTH));
    expect(own.errors).toBeUndefined();
    expect(own.data!.revokeSharing.status).toBe('REVOKED');
    expect(refused(await throughB('EMPLOYMENT_AID_RECHECK'))).toBe(true);

    // All of it with B's stream down: no poll of B's reached the office.
    expect(watchesForwarded).toBe(forwarded);
  });

  it('when the stream is back, a change through A is at B before A\'s mutation answers', async () => {
    streamDown = false;
    const forwarded = watchesForwarded;
    // B polls again (its pause grows to 5 s while the stream is down).
    await eventually(async () => expect(watchesForwarded).toBeGreaterThan(forwarded), 30_000);
    const from = toB.captured.length;
    await agree('EMPLOYMENT_AID_PAYMENT');
    const until = toB.captured.length;
    expect(allowed(await throughB('EMPLOYMENT_AID_PAYMENT'))).toBe(true);
    // B's acknowledgement: its next poll names the new version, before the decision answered.
    const since = toB.captured
      .slice(0, from)
      .filter((r) => isWatch(r.path))
      .map((r) => (JSON.parse(r.body.toString('utf8')) as { since: string | null }).since);
    const acks = toB.captured
      .slice(from, until)
      .filter((r) => isWatch(r.path))
      .map((r) => (JSON.parse(r.body.toString('utf8')) as { since: string | null }).since)
      .filter((v) => !since.includes(v));
    expect(acks.length).toBeGreaterThanOrEqual(1);
  });

  it('a gateway started while the office cannot be reached refuses every field that needs an agreement, a revoked default too, until it can read them', async () => {
    const office = await proxy(system.subgraphs.get('coordination')!.url);
    office.mode = 'reset';
    const c = await startGateway(system, { urls: { coordination: office.url }, env: { SHARING_AGREEMENTS_TTL_MS: String(TTL) } });
    try {
      // Under the shipped defaults the caseworker would read health's awards; labour's default for
      // this purpose was revoked, which C has never seen: neither is served.
      const cases: Array<[Caller, string]> = [
        [CASEWORKER, 'MINIMUM_LIVING_REVIEW'],
        [LABOUR, 'EMPLOYMENT_AID_REVIEW'],
      ];
      for (const [caller, purpose] of cases) {
        const res = await as(caller, c.url, PICTURE, { id: fixture.householdId }, purpose);
        expect(refused(res), `${caller.sub}: ${JSON.stringify(res)}`).toBe(true);
        expect(res.errors!.some((e) => e.extensions?.agreementsUnavailable === true && /cannot read the sharing agreements/.test(e.message))).toBe(true);
      }
      // The office answers again: C reads the agreements in force (within a second) and serves by them.
      office.mode = 'forward';
      await eventually(async () => expect(allowed(await as(CASEWORKER, c.url, PICTURE, { id: fixture.householdId }, 'MINIMUM_LIVING_REVIEW'))).toBe(true), 30_000);
      const revokedDefault = await as(LABOUR, c.url, PICTURE, { id: fixture.householdId }, 'EMPLOYMENT_AID_REVIEW');
      expect(refused(revokedDefault)).toBe(true);
      expect(revokedDefault.errors!.every((e) => e.extensions?.agreementsUnavailable === undefined)).toBe(true);
    } finally {
      await c.stop();
      await office.close();
    }
  });
});
