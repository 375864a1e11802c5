import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '@saf/loader';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { COORDINATOR, startSystem, type System } from './support/system.ts';

// The gateway with one client operation at a time and three waiting at most (GATEWAY_MAX_IN_FLIGHT,
// GATEWAY_MAX_QUEUED): what waits is answered in turn, what does not fit is refused with 503 and
// Retry-After, and an operation whose subgraph calls the gateway back (the coordination office's
// checks) is never stuck behind itself.
describe('admission control at the gateway', () => {
  let system: System;
  const fixture = householdWithEverything(4);

  beforeAll(async () => {
    // One coordinator's 30 operations at once stand for 30 callers here: the limits per caller
    // (tests/callerLimits.e2e.test.ts) would hold them back before the gateway-wide queue.
    system = await startSystem({ env: { GATEWAY_MAX_IN_FLIGHT: '1', GATEWAY_MAX_QUEUED: '3', GATEWAY_MAX_WAIT_MS: '5000', CALLER_LIMITS: 'off' } });
    expect(await loadFile(await writeNdjson(fixture.records), system.loadOptions)).toMatchObject({ ok: true });
  });
  afterAll(() => system?.stop());

  it('answers the operations that fit in turn and refuses the rest with 503 OVERLOADED and Retry-After', async () => {
    const token = await system.token(COORDINATOR);
    const body = JSON.stringify({ query: 'query ($id: ID!) { household(id: $id) { id members { id } awards { id department } } }', variables: { id: fixture.householdId } });
    const answers = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const res = await fetch(system.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'SUPERVISION' }, body });
        return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { data?: { household: { awards: unknown[] } }; errors?: { extensions?: { code?: string } }[] } };
      }),
    );
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 503);
    expect(ok.length + refused.length).toBe(answers.length);
    expect(ok.length).toBeGreaterThanOrEqual(4);
    expect(refused.length).toBeGreaterThan(0);
    for (const a of ok) {
      expect(a.body.errors).toBeUndefined();
      expect(a.body.data!.household.awards).toHaveLength(fixture.records.filter((r) => (r as { type: string }).type === 'award').length);
    }
    for (const a of refused) {
      expect(a.retryAfter).toBe('1');
      expect(a.body.errors![0]!.extensions).toMatchObject({ code: 'OVERLOADED' });
    }
    // Health probes and metrics are never held back.
    expect((await fetch(system.gatewayUrl.replace(/\/graphql$/, '/health/ready'))).status).toBe(200);
  });

  it("lets an operation's own calls back to the gateway through, one operation at a time or not", async () => {
    const proposal = { department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_RURAL', personId: fixture.persons.head, householdId: fixture.householdId, regionCode: '654002', amountFen: 40000, frequency: 'MONTHLY', startDate: '2025-01-01' };
    const res = await system.query(`query ($a: ProposedAwardInput!) { checkProposedAward(award: $a) { rule awardIds } }`, { a: proposal });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data!.checkProposedAward).toEqual([{ rule: 'EXCLUSIVE_PROGRAMMES', awardIds: [`CA-4-MINIMUM_LIVING_URBAN`, 'PROPOSED'] }]);
  });
});
