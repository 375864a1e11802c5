import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '@saf/loader';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

const QUERY = `query ($id: ID!) {
  household(id: $id) { id members { id name labourAwards { id } } awards { id department } }
}`;

describe('one department down', () => {
  let system: System;
  const fixture = householdWithEverything(2);

  beforeAll(async () => {
    system = await startSystem();
    expect(await loadFile(await writeNdjson(fixture.records), system.loadOptions)).toMatchObject({ ok: true });
    await system.subgraphs.get('labour')!.stop();
  });
  afterAll(() => system?.stop());

  it('still answers with the other six departments and names the missing one', async () => {
    const res = await system.query(QUERY, { id: fixture.householdId });
    expect(res.status).toBe(200);
    const household = res.data!.household;
    expect(household.members).toHaveLength(4);
    const departments = new Set(household.awards.map((a: { department: string }) => a.department));
    expect(departments.size).toBe(6);
    expect(departments.has('LABOUR')).toBe(false);
    expect(res.errors!.length).toBeGreaterThan(0);
    for (const error of res.errors!) {
      expect(error.extensions).toMatchObject({ serviceName: 'labour', code: 'SUBGRAPH_UNAVAILABLE' });
      // Nothing internal: no address, port or stack.
      expect(JSON.stringify(error)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|stack/);
    }
  });

  it('serves the department again once it is back, without a restart', async () => {
    await system.subgraphs.get('labour')!.restart();
    const res = await system.query(QUERY, { id: fixture.householdId });
    expect(res.errors).toBeUndefined();
    expect(new Set(res.data!.household.awards.map((a: { department: string }) => a.department)).size).toBe(7);
  });
});
