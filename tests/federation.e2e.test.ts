import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '@saf/loader';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

const HOUSEHOLD = `query ($id: ID!) {
  household(id: $id) {
    id regionCode
    members { id name relation }
    awards { id department programme personId householdId regionCode amountFen frequency startDate endDate status }
  }
}`;

describe('the federated graph', () => {
  let system: System;
  const fixture = householdWithEverything();

  beforeAll(async () => {
    system = await startSystem();
    const result = await loadFile(await writeNdjson(fixture.records), system.loadOptions);
    expect(result).toMatchObject({ ok: true });
  });
  afterAll(() => system?.stop());

  it('returns the household with every department’s awards', async () => {
    const res = await system.query(HOUSEHOLD, { id: fixture.householdId });
    expect(res.errors).toBeUndefined();
    const household = res.data!.household;
    expect(household.members.map((m: { relation: string }) => m.relation)).toEqual(['HEAD', 'SPOUSE', 'CHILD', 'PARENT']);
    const departments = new Set(household.awards.map((a: { department: string }) => a.department));
    expect([...departments].sort()).toEqual(['CIVIL_AFFAIRS', 'DISABLED_PERSONS_FEDERATION', 'EDUCATION', 'HEALTH', 'HOUSING', 'JUSTICE', 'LABOUR']);
    expect(household.awards).toHaveLength(7);
  });

  it('returns a person’s awards and department-specific details', async () => {
    const res = await system.query(
      `query ($id: ID!) { person(id: $id) { name awards { id programme } civilAffairsAwards { minimumLiving { householdSize localStandardFen } } housingAwards { id } } }`,
      { id: fixture.persons.head },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.person.awards.map((a: { programme: string }) => a.programme).sort()).toEqual(['MINIMUM_LIVING_URBAN', 'RENTAL_SUBSIDY']);
    expect(res.data!.person.civilAffairsAwards[0].minimumLiving).toEqual({ householdSize: 4, localStandardFen: 62_000 });
  });

  it('gives an empty list, not an error, for a department with nothing on a person', async () => {
    const res = await system.query(`query ($id: ID!) { person(id: $id) { justiceAwards { id } labourAwards { id } } }`, { id: fixture.persons.child });
    expect(res.errors).toBeUndefined();
    expect(res.data!.person).toEqual({ justiceAwards: [], labourAwards: [] });
  });

  it('answers null for an unknown household', async () => {
    const res = await system.query(HOUSEHOLD, { id: 'H-NONE' });
    expect(res.errors).toBeUndefined();
    expect(res.data!.household).toBeNull();
  });
});
