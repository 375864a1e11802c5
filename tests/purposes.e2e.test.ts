/**
 * Issue 26, purposes: what a caller declares in X-Purpose is a purpose from the list for their
 * role, read as sent (raw UTF-8 included), carried signed through the coordination office's own
 * requests, and logged with every person a response names (findings and reviews included).
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '@saf/loader';
import { purposesFor, type Caller } from '@saf/auth';
import { duplicateIdentityAcrossCounties, householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { proxy, type Proxy } from './support/faults.ts';
import { COORDINATOR, startSystem, type System } from './support/system.ts';

const AUDITOR: Caller = { sub: 'auditor-purposes', role: 'AUDITOR' };
const CASEWORKER: Caller = { sub: 'cw-yining', role: 'CASEWORKER', region: '654002' };
const HEALTH_OFFICER: Caller = { sub: 'he-1', role: 'DEPARTMENT_OFFICER', department: 'HEALTH' };
const LABOUR_OFFICER: Caller = { sub: 'lb-1', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' };
const HOUSEHOLD = 'query RawPurposeRead($id: ID!) { household(id: $id) { id members { name } } }';
const LOG = 'query ReadLog($id: ID!) { accessLog(personId: $id, first: 100) { edges { node { sub role purpose operation subjectIds } } } }';

interface Entry {
  sub: string;
  role: string;
  purpose: string;
  operation: string;
  subjectIds: string[];
}

const fixture = householdWithEverything(7);
const { head, spouse } = fixture.persons;
// A second housing benefit in the household: a sweep files a finding on head and spouse.
const lowRent = { ...(fixture.records[9] as object), id: 'HO-7-LOW_RENT', programme: 'LOW_RENT_HOUSING', personId: spouse, startDate: '2024-06-01', endDate: '2024-12-31', details: {} };
// One woman registered in 654021 and in 654025; health pays the registration in 654025 only, so
// its officers see the lead on that one, masked: the other registration left out.
const identity = duplicateIdentityAcrossCounties();
const { here, there } = identity;

/** `X-Purpose` as raw bytes on the wire (what curl sends for `-H 'X-Purpose: 低保审核'`), which fetch cannot send. */
function rawRequest(url: string, token: string, purposeBytes: Buffer, body: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    // Node writes a header string one byte a character (Latin-1): these are the UTF-8 bytes as they are.
    const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), authorization: `Bearer ${token}`, 'x-purpose': purposeBytes.toString('latin1') };
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    // A Buffer: a string body would be written together with the headers in its own encoding (UTF-8).
    req.end(Buffer.from(body, 'utf8'));
  });
}

describe('purposes: declared from the list, carried through, logged with everyone read', () => {
  let system: System;
  let relay: Proxy;
  /** What the relay between the coordination office and the gateway does to the headers it passes on. */
  let tamper: (headers: http.IncomingHttpHeaders) => http.IncomingHttpHeaders = (h) => h;

  beforeAll(async () => {
    system = await startSystem({
      // One household a page: a sweep of the prefecture reads three pages.
      sweepPageSize: 1,
      gatewayForServices: async (url) => {
        relay = await proxy(url, { headers: (h) => tamper(h) });
        return relay.url;
      },
    });
    expect(await loadFile(await writeNdjson([...fixture.records, lowRent, ...identity.records]), system.loadOptions)).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    await relay?.close();
    await system?.stop();
  });

  /** The access log's entries naming `personId`, newest first, as an auditor reads them. */
  async function logOf(personId: string): Promise<Entry[]> {
    const res = await system.query(LOG, { id: personId }, { caller: AUDITOR });
    expect(res.errors).toBeUndefined();
    return res.data!.accessLog.edges.map((e: { node: Entry }) => e.node);
  }

  /** Starts a sweep as the coordinator, declaring `purpose`, and waits for it to end. */
  async function sweep(regionCode: string, purpose: string): Promise<{ status: string; error: string | null }> {
    const started = await system.query(`mutation ($r: String!) { runDuplicateAidSweep(regionCode: $r) { id } }`, { r: regionCode }, { headers: { 'x-purpose': purpose } });
    expect(started.errors).toBeUndefined();
    const id = started.data!.runDuplicateAidSweep.id;
    for (let i = 0; i < 300; i++) {
      const { status, error } = (await system.query(`query ($id: ID!) { duplicateAidSweep(id: $id) { status error } }`, { id })).data!.duplicateAidSweep;
      if (status !== 'RUNNING' && status !== 'QUEUED') return { status, error };
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the sweep did not end');
  }

  it('reads a raw UTF-8 X-Purpose as UTF-8, and the log keeps it readable', async () => {
    const body = JSON.stringify({ query: HOUSEHOLD, variables: { id: fixture.householdId } });
    const res = await rawRequest(system.gatewayUrl, await system.token(CASEWORKER), Buffer.from('低保审核', 'utf8'), body);
    expect(res.status).toBe(200);
    expect(res.json.data.household.members).toHaveLength(4);
    const entry = (await logOf(head)).find((e) => e.operation === 'RawPurposeRead');
    expect(entry).toMatchObject({ sub: 'cw-yining', purpose: '低保审核' });
    // Bytes that are not UTF-8 (低保 from a GBK client): refused, saying what to send, not stored as mojibake.
    const gbk = await rawRequest(system.gatewayUrl, await system.token(CASEWORKER), Buffer.from([0xb5, 0xcd, 0xb1, 0xa3]), body);
    expect(gbk.status).toBe(400);
    expect(gbk.json.errors[0]).toMatchObject({ message: expect.stringMatching(/X-Purpose header is not UTF-8.*percent-encoded/), extensions: { code: 'BAD_USER_INPUT', field: 'x-purpose' } });
  });

  it('refuses a purpose not on the list, or not one the role may declare, with 400 PURPOSE_NOT_ALLOWED listing those it may', async () => {
    // The auditor's own reads of the log are logged too: only the others count.
    const others = async () => (await logOf(head)).filter((e) => e.operation !== 'ReadLog');
    const before = (await others()).length;
    const attempts: [Caller, string, string][] = [
      [CASEWORKER, 'test', '用途「test」不在用途清单中'],
      [CASEWORKER, encodeURIComponent('审计监督'), 'AUDIT (审计监督) is not one a CASEWORKER may declare'],
      [CASEWORKER, 'STATISTICS', 'STATISTICS (统计分析) is not one a CASEWORKER may declare'],
      [AUDITOR, encodeURIComponent('低保审核'), 'MINIMUM_LIVING_REVIEW (低保审核) is not one an AUDITOR may declare'],
      [LABOUR_OFFICER, 'MINIMUM_LIVING_REVIEW', 'is not one a DEPARTMENT_OFFICER of LABOUR may declare'],
    ];
    for (const [caller, purpose, says] of attempts) {
      const res = await system.query(HOUSEHOLD, { id: fixture.householdId }, { caller, headers: { 'x-purpose': purpose } });
      expect(res.status, purpose).toBe(400);
      expect(res.data ?? null, purpose).toBeNull();
      expect(res.errors![0]!.extensions!.code, purpose).toBe('PURPOSE_NOT_ALLOWED');
      expect(res.errors![0]!.message, purpose).toContain(says);
      expect((res.errors![0]!.extensions!.allowed as { code: string }[]).map((p) => p.code), purpose).toEqual(purposesFor(caller).map((p) => p.code));
    }
    // A caseworker's list names their work and no one else's.
    const listed = (await system.query(HOUSEHOLD, { id: fixture.householdId }, { caller: CASEWORKER, headers: { 'x-purpose': 'test' } })).errors![0]!.message;
    for (const text of ['低保审核（MINIMUM_LIVING_REVIEW）', '入户调查（HOME_VISIT）', '重复救助核查（DUPLICATE_AID_CHECK）']) expect(listed).toContain(text);
    expect(listed).not.toContain('AUDIT');
    // Nothing was read, nothing logged.
    expect(await others()).toHaveLength(before);
  });

  it('logs a coordinator’s sweep with the coordinator’s purpose, on every page’s entry', async () => {
    // A sweep reads every household of the region: it is asked for a purpose like a read.
    const bare = await system.query(`mutation { runDuplicateAidSweep(regionCode: "6540") { id } }`, {}, { headers: { 'x-purpose': '' } });
    expect(bare.status).toBe(400);
    expect(bare.errors![0]!.extensions!.code).toBe('PURPOSE_REQUIRED');

    expect(await sweep('6540', 'SWEEP')).toEqual({ status: 'DONE', error: null });
    const pages: Entry[] = [];
    for (const person of [head, here.personId, there.personId]) {
      const entries = (await logOf(person)).filter((e) => e.sub === COORDINATOR.sub && e.operation.startsWith('SweepBatch'));
      expect(entries, person).toHaveLength(1);
      pages.push(...entries);
    }
    expect(pages.map((e) => [e.role, e.purpose])).toEqual(pages.map(() => ['COORDINATOR', '数据比对']));
    // Three pages, one household each: three entries, each naming its own household.
    expect(new Set(pages.map((e) => e.subjectIds.join()))).toHaveProperty('size', 3);
    // The plan, too (it names the households where pages start).
    const plan = (await logOf(here.householdId)).filter((e) => e.operation === 'SweepPlan');
    expect(plan.map((e) => e.purpose)).toEqual(['数据比对']);
  });

  it('a relay between the coordination office and the gateway can neither change a sweep’s purpose nor add one', async () => {
    // An X-Purpose header added on the way is not what the caller declared: the signed one is logged.
    tamper = (h) => ({ ...h, 'x-purpose': encodeURIComponent('督查督办') });
    expect(await sweep('654002', 'DUPLICATE_AID_CHECK')).toEqual({ status: 'DONE', error: null });
    const [latest] = (await logOf(head)).filter((e) => e.operation.startsWith('SweepBatch'));
    expect(latest).toMatchObject({ sub: COORDINATOR.sub, purpose: '重复救助核查' });

    // The purpose inside the signed caller header, changed: the gateway refuses the request.
    let changed = 0;
    tamper = (h) => {
      const value = h['x-saf-caller'];
      if (typeof value !== 'string') return h;
      const acting = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Record<string, unknown>;
      changed += acting.purpose === 'DUPLICATE_AID_CHECK' ? 1 : 0;
      return { ...h, 'x-saf-caller': Buffer.from(JSON.stringify({ ...acting, purpose: 'SUPERVISION' })).toString('base64url') };
    };
    try {
      const failed = await sweep('654002', 'DUPLICATE_AID_CHECK');
      expect(changed).toBeGreaterThan(0);
      expect(failed.status).toBe('FAILED');
      expect(failed.error).toMatch(/401/);
    } finally {
      tamper = (h) => h;
    }
    expect((await logOf(head)).filter((e) => e.purpose === '督查督办')).toEqual([]);
  });

  it('logs a list of findings under every person the answer names, and a masked finding under the persons it still names', async () => {
    const list = `query ListFindings($r: String!) { duplicateAidFindings(regionCode: $r) { edges { node { rule explanation } } } }`;
    const mine = await system.query(list, { r: '654002' }, { caller: CASEWORKER });
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.duplicateAidFindings.edges.map((e: { node: { rule: string } }) => e.node.rule)).toContain('HOUSEHOLD_EXCLUSIVE_PROGRAMMES');
    for (const person of [head, spouse]) {
      const entry = (await logOf(person)).find((e) => e.operation === 'ListFindings' && e.sub === CASEWORKER.sub);
      expect(entry, person).toMatchObject({ purpose: '低保审核', subjectIds: expect.arrayContaining([head, spouse, fixture.householdId]) });
    }
    // The duplicate identity as health's officers see it: the registration health pays only.
    const masked = await system.query(list, { r: '6540' }, { caller: HEALTH_OFFICER });
    expect(masked.errors).toBeUndefined();
    expect(masked.data!.duplicateAidFindings.edges.map((e: { node: { rule: string } }) => e.node.rule)).toEqual(['POSSIBLE_DUPLICATE_IDENTITY']);
    const theirs = (await logOf(there.personId)).find((e) => e.operation === 'ListFindings' && e.sub === HEALTH_OFFICER.sub);
    expect(theirs).toMatchObject({ purpose: '医疗救助审核', subjectIds: expect.arrayContaining([there.personId]) });
    for (const hidden of [here.personId, here.householdId]) expect(theirs!.subjectIds).not.toContain(hidden);
    expect((await logOf(here.personId)).filter((e) => e.sub === HEALTH_OFFICER.sub)).toEqual([]);
  });

  it('logs a review with the finding’s persons, its household and the purpose', async () => {
    const listed = await system.query(`{ duplicateAidFindings(regionCode: "654002", rule: "HOUSEHOLD_EXCLUSIVE_PROGRAMMES") { edges { node { id } } } }`, {}, { caller: CASEWORKER });
    const id = listed.data!.duplicateAidFindings.edges[0].node.id as string;
    const reviewed = await system.query(`mutation ReviewFinding($id: ID!) { reviewDuplicateAidFinding(id: $id, decision: CONFIRM, note: "入户核实：两项住房保障重叠") { status } }`, { id }, { caller: CASEWORKER, headers: { 'x-purpose': 'DUPLICATE_AID_CHECK' } });
    expect(reviewed.errors).toBeUndefined();
    expect(reviewed.data!.reviewDuplicateAidFinding.status).toBe('CONFIRMED');
    for (const person of [head, spouse]) {
      const entry = (await logOf(person)).find((e) => e.operation === 'ReviewFinding');
      expect(entry, person).toMatchObject({ sub: CASEWORKER.sub, role: 'CASEWORKER', purpose: '重复救助核查' });
      expect([...entry!.subjectIds].sort(), person).toEqual([fixture.householdId, head, spouse].sort());
    }
  });
});
