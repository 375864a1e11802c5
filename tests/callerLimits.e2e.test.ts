import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { loadFile } from '@saf/loader';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { purposeOf, startSystem, type System } from './support/system.ts';

// Limits per caller (hole 8 of issue 25): one caller asking too much, too fast, is slowed and
// then refused with 429 RATE_LIMITED and Retry-After, without costing another caller anything; the
// coordination office's own requests for a caller are part of that caller's operation and never
// counted again. Tight limits here so that a handful of requests reach them.
describe('limits per caller at the gateway', () => {
  let system: System;
  const fixture = householdWithEverything(7);
  const scraper: Caller = { sub: 'caseworker-scraper', role: 'CASEWORKER', region: '654002' };
  const colleague: Caller = { sub: 'caseworker-colleague', role: 'CASEWORKER', region: '654002' };
  const coordinator: Caller = { sub: 'coordinator-limited', role: 'COORDINATOR' };
  const PICTURE = 'query ($id: ID!) { household(id: $id) { id members { id name } awards { id department } } }';

  beforeAll(async () => {
    system = await startSystem({
      env: { CALLER_LIMITS: 'CASEWORKER=0.2/10/2 COORDINATOR=1/2/1 DEPARTMENT_OFFICER=1/2/20', CALLER_MAX_QUEUED: '4', CALLER_MAX_WAIT_MS: '3000' },
    });
    expect(await loadFile(await writeNdjson(fixture.records), system.loadOptions)).toMatchObject({ ok: true });
  });
  afterAll(() => system?.stop());

  async function post(caller: Caller, query: string, variables: Record<string, unknown>) {
    const res = await fetch(system.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await system.token(caller)}`, 'x-purpose': purposeOf(caller) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { data?: { household?: { awards: unknown[] } }; errors?: { extensions?: Record<string, unknown> }[] } };
  }

  it('refuses what one caller sends beyond its limits with 429 and Retry-After, and answers a colleague meanwhile', async () => {
    const awards = fixture.records.filter((r) => (r as { type: string }).type === 'award').length;
    const [flood, others] = await Promise.all([
      Promise.all(Array.from({ length: 16 }, () => post(scraper, PICTURE, { id: fixture.householdId }))),
      Promise.all(Array.from({ length: 4 }, () => post(colleague, PICTURE, { id: fixture.householdId }))),
    ]);
    const refused = flood.filter((a) => a.status === 429);
    const answered = flood.filter((a) => a.status === 200);
    expect(refused.length + answered.length).toBe(flood.length);
    // Two run, four wait, ten had a token: at most six of the ten, and none beyond the burst (a
    // token every five seconds: the flood's own spread on a busy machine earns no more).
    expect(answered.length).toBeGreaterThanOrEqual(2);
    expect(refused.length).toBeGreaterThanOrEqual(6);
    for (const a of refused) {
      expect(a.body.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED' });
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(a.body.data).toBeUndefined();
    }
    for (const a of answered) expect(a.body.data!.household!.awards).toHaveLength(awards);
    // The colleague's four were within their own limits: all answered, whole.
    expect(others.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    for (const a of others) expect(a.body.data!.household!.awards).toHaveLength(awards);
  });

  it('paces a caller beyond its burst and refuses what would wait longer than the limit, naming the rate', async () => {
    // An officer may run twenty at once but sustain one a second after a burst of two: of ten sent
    // at once, two go at once, three wait their token (1, 2, 3 s), the rest would wait too long.
    const officer: Caller = { sub: 'officer-looping', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' };
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(officer, '{ duplicateAidRules { version } }', {})));
    const refused = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(2);
    expect(refused.length).toBeGreaterThanOrEqual(4);
    for (const a of refused) {
      expect(a.body.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'rate' });
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
    }
  });

  it("never counts the coordination office's requests for a caller against that caller", async () => {
    // A proposed-award check is answered by the coordination office reading the graph back through
    // the gateway for this coordinator, whose own limit is one operation at a time: were that read
    // counted, it would wait behind the very operation it belongs to.
    const proposal = { department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_RURAL', personId: fixture.persons.head, householdId: fixture.householdId, regionCode: '654002', amountFen: 40000, frequency: 'MONTHLY', startDate: '2025-01-01' };
    const checked = await post(coordinator, 'query ($a: ProposedAwardInput!) { checkProposedAward(award: $a) { rule awardIds } }', { a: proposal });
    expect(checked.status).toBe(200);
    expect(checked.body.errors).toBeUndefined();
    expect(checked.body.data).toEqual({ checkProposedAward: [{ rule: 'EXCLUSIVE_PROGRAMMES', awardIds: ['CA-7-MINIMUM_LIVING_URBAN', 'PROPOSED'] }] });
  });
});
